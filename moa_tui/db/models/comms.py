"""Phone messages and tasks in the staff inboxes, and the triage list (issue 12 items 1, 2)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .billing import Claim
from .patients import Patient
from .scheduling import Provider
from .security import StaffMember


class InboxMessage(BaseModel):
    """A phone message ("call") or a task, routed to one inbox: a staff member's, a
    provider's or a group's. Status open -> in progress (taken) -> done (with the response)."""

    KINDS = ("call", "task", "refill")
    STATUSES = ("open", "in_progress", "done")

    kind = CharField(max_length=8, default="call")
    caller = CharField(max_length=80, default="")
    callback = CharField(max_length=10, default="")  # 10 digits, "" for a task
    patient = ForeignKeyField(Patient, null=True, on_delete="SET NULL")
    claim = ForeignKeyField(Claim, null=True, on_delete="SET NULL")
    source = ForeignKeyField(
        "self", null=True, on_delete="SET NULL", backref="tasks"
    )  # a task's message
    reason = CharField(max_length=120)
    text = TextField(default="")
    urgent = BooleanField(default=False)
    red_flags = CharField(max_length=300, default="")  # the phrases that made it urgent
    to_staff = ForeignKeyField(StaffMember, null=True, backref="inbox")
    to_provider = ForeignKeyField(Provider, null=True, backref="+")
    to_group = CharField(max_length=16, default="")
    status = CharField(max_length=12, default="open")
    response = TextField(default="")
    due_at = DateTimeField(null=True)  # UTC
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    taken_by = ForeignKeyField(StaffMember, null=True, backref="+")
    taken_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(StaffMember, null=True, backref="+")
    closed_at = DateTimeField(null=True)
    version = IntegerField(default=1)
    # The inbox lists' keyset (issue 12): whose inbox in one column ("staff:3",
    # "provider:2", "group:nurses", set with the to_* fields by routing.parse_route), and
    # where the item sorts: 0 urgent and untaken, 1 open or in progress, 2 done.
    inbox_key = CharField(max_length=24, default="")
    list_rank = IntegerField(default=1)

    class Meta:
        indexes = (
            (("inbox_key", "list_rank", "due_at", "id"), False),
            (("list_rank", "due_at", "id"), False),
            (("status", "due_at"), False),
            (("urgent", "status"), False),
            # Each inbox: a staff member's, a provider's, a group's open items.
            (("to_staff", "status"), False),
            (("to_provider", "status"), False),
            (("to_group", "status"), False),
        )


class TriageSettings(BaseModel):
    """One row: the red-flag words and phrases (one a line) and the practice's protocol
    text the desk is shown for an urgent call."""

    red_flags = TextField(default="")
    advice = TextField(default="")
    version = IntegerField(default=1)
