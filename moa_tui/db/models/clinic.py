"""The practice itself (one row of settings) and the change counters other terminals watch."""

from __future__ import annotations

from peewee import BooleanField, CharField, IntegerField

from .base import BaseModel

# The largest document a chart takes, in MB, until the manager sets another (the one place
# this default is named; services/records/documents.py reads the setting).
DOCUMENT_MAX_MB = 10


class ClinicSettings(BaseModel):
    """One row: the practice itself."""

    name = CharField(max_length=120)
    time_zone = CharField(max_length=64, default="America/New_York")
    address = CharField(max_length=200, default="")
    phone = CharField(max_length=10, default="")  # 10 digits; printed on the visit slip
    npi = CharField(max_length=10, default="")
    tax_id = CharField(max_length=10, default="")
    idle_lock_minutes = IntegerField(default=10)
    wait_warn_minutes = IntegerField(default=15)  # the flow board flags longer waits
    no_response_days = IntegerField(default=30)  # claims worklist: sent, no 835 after N days
    # Where exports go by default ("" = each user's documents folder).
    export_dir = CharField(max_length=500, default="")
    # The largest document filed to a chart, in MB (issue 12 item 8): the manager sets it.
    document_max_mb = IntegerField(default=DOCUMENT_MAX_MB)
    # Built by --demo: the only kind of database --demo will open.
    is_demo = BooleanField(default=False)
    # Fingerprint of the key the audit trail is sealed with (never the key itself).
    audit_key_id = CharField(max_length=64, default="")
    version = IntegerField(default=1)


class ChangeCounter(BaseModel):
    """How many committed changes each topic (schedule, patients, claims, stock...) has
    seen: other terminals refetch a screen only when one of its topics moved."""

    topic = CharField(max_length=24, primary_key=True)
    version = IntegerField(default=0)
