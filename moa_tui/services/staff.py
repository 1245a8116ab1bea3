"""Who is at the keyboard, and the clinic's own settings."""

from __future__ import annotations

import getpass
import os

from ..db.database import db, write_transaction
from ..db.models import ClinicSettings, StaffMember
from . import clock
from .errors import ServiceError


def resolve_staff(username: str | None = None) -> StaffMember:
    """The staff account for *username* (default: $MOA_USER, then the OS login).

    A brand-new clinic database has no staff yet: its first user becomes its admin, so
    the person who installed it can start work. Sign-in with passwords is a later issue;
    until then the OS login (one SSH account per person) is the identification.
    """
    name = (username or os.environ.get("MOA_USER") or getpass.getuser()).strip().lower()
    with db.connection_context(), write_transaction():
        staff = StaffMember.get_or_none(StaffMember.username == name)
        if staff is None and not StaffMember.select().exists():
            staff = StaffMember.create(username=name, full_name=name, role="admin")
    if staff is None:
        raise ServiceError(
            f"There is no staff account '{name}' in this clinic. "
            "Start with --user USERNAME, or ask the office manager to add you."
        )
    if not staff.active:
        raise ServiceError(f"The staff account '{name}' is deactivated.")
    return staff


def load_clinic() -> ClinicSettings:
    """The clinic's settings; also sets the clock to the clinic's time zone."""
    with db.connection_context():
        settings = ClinicSettings.select().first()
        if settings is None:
            with write_transaction():
                settings = ClinicSettings.create(name="My Clinic")
    clock.set_zone(settings.time_zone)
    return settings
