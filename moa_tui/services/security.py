"""Staff sign-in, passwords, lock-out and what each role may do.

HIPAA Security Rule, 45 CFR 164.312: unique user identification (one account per person),
authentication (argon2id password hashes), automatic logoff (the app's idle lock), audit
controls (services/audit.py). The checks live here, in the services, so the screens can
only hide what a role cannot do; they cannot grant it.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..db.database import db, write_transaction
from ..db.models import StaffMember
from . import clock
from .errors import Conflict, ServiceError, ValidationError

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

ROLE_LABELS = {
    "front_desk": "Front desk",
    "billing": "Billing",
    "clinician": "Clinician",
    "manager": "Office manager",
    "admin": "Administrator",
    "kiosk": "Self check-in kiosk",
}

_FRONT = {
    "schedule.read",
    "schedule.write",
    "checkin",
    "patient.read",
    "patient.write",
    "claims.read",
    "claims.write",
    "stock.read",
    "stock.write",
}
_ADMIN = {
    "claims.write",
    "billing.writeoff",
    "audit.read",
    "patient.restrict",
    "staff.admin",
    "schedule.admin",
    "checkin.override",
    "patient.merge",
}
PERMISSIONS: dict[str, frozenset[str]] = {
    "front_desk": frozenset(_FRONT),
    "billing": frozenset(
        {"schedule.read", "patient.read", "claims.read", "claims.write", "billing.writeoff"}
    ),
    "clinician": frozenset(
        {"schedule.read", "checkin", "patient.read", "stock.read", "stock.write"}
    ),
    "manager": frozenset(_FRONT | _ADMIN),
    "admin": frozenset(_FRONT | _ADMIN),
    # The waiting-room kiosk checks a patient in (and drives the waiting-room display).
    "kiosk": frozenset({"kiosk.checkin", "waiting_room.read"}),
}

PERMISSION_LABELS = {
    "schedule.read": "see the schedule",
    "schedule.write": "book or change appointments",
    "schedule.admin": "change providers' hours or appointment types",
    "checkin.override": "check in without verified insurance",
    "patient.merge": "merge patient records",
    "waiting_room.read": "show the waiting-room display",
    "checkin": "check patients in or move them along",
    "patient.read": "look up patients",
    "patient.write": "register or edit patients",
    "patient.restrict": "restrict a patient's record",
    "claims.read": "see claims",
    "claims.write": "change claims",
    "billing.writeoff": "write off balances",
    "stock.read": "see stock",
    "stock.write": "change stock",
    "audit.read": "read the audit trail",
    "staff.admin": "change staff accounts",
    "kiosk.checkin": "use the self check-in kiosk",
}

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


class PermissionDenied(ServiceError):
    """The acting staff member's role does not allow this job."""


class SignInError(ServiceError):
    pass


def can(actor: StaffMember | None, permission: str) -> bool:
    return bool(actor and actor.active and permission in PERMISSIONS.get(actor.role, ()))


def require(actor: StaffMember, permission: str) -> None:
    if not can(actor, permission):
        role = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(
            f"{role} staff cannot {PERMISSION_LABELS.get(permission, permission)}."
        )


def check_password_rules(password: str, username: str = "", field: str = "password") -> None:
    """At least 10 characters, not the username, not one repeated character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError.one(
            field, f"Use at least {MIN_PASSWORD_LENGTH} characters (a short phrase is good)."
        )
    if len(password) > 200:
        raise ValidationError.one(field, "That password is too long (200 characters at most).")
    if username and username.lower() in password.lower():
        raise ValidationError.one(field, "The password must not contain the username.")
    if len(set(password)) < 4:
        raise ValidationError.one(field, "Use more different characters.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record(staff: StaffMember | None, action: str, detail: str, outcome: str) -> None:
    from .core import audit  # core imports this module

    audit(
        staff,
        action,
        entity="staff",
        entity_id=staff.id if staff else None,
        detail=detail,
        outcome=outcome,
    )


def authenticate(username: str, password: str) -> StaffMember:
    """Sign in. Five wrong passwords in a row lock the account for 15 minutes; a locked
    or deactivated account is refused even with the right password. Every attempt is
    recorded in the audit trail (a refusal is committed before it is reported)."""
    name = (username or "").strip().lower()
    with db.connection_context(), write_transaction():
        staff, refusal = _check_credentials(name, password, clock.now_utc())
    if refusal:
        raise SignInError(refusal)
    return staff


def _check_credentials(
    name: str, password: str, now: dt.datetime
) -> tuple[StaffMember | None, str]:
    """(the staff member, "") on success, else (them or None, why); audits either way."""
    staff = StaffMember.get_or_none(StaffMember.username == name)
    if staff is None:
        _verify("", password)
        _record(None, "signin", f"unknown user {name[:32]!r}", "refused")
        return None, "Wrong username or password."
    if not staff.active:
        _record(staff, "signin", "deactivated account", "refused")
        return staff, "This account is deactivated. Ask the office manager."
    if staff.locked_until and staff.locked_until > now:
        _record(staff, "signin", "account locked", "refused")
        until = clock.utc_to_local(staff.locked_until)
        return staff, f"Too many wrong passwords: this account is locked until {until:%H:%M}."
    if not _verify(staff.password_hash, password):
        staff.failed_attempts += 1
        detail = f"wrong password ({staff.failed_attempts} in a row)"
        message = "Wrong username or password."
        if staff.failed_attempts >= MAX_FAILED_ATTEMPTS:
            staff.locked_until = now + LOCKOUT
            staff.failed_attempts = 0
            until = clock.utc_to_local(staff.locked_until)
            detail += "; locked for 15 minutes"
            message = f"Too many wrong passwords: the account is locked until {until:%H:%M}."
        staff.save()
        _record(staff, "signin", detail, "refused")
        return staff, message
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    staff.failed_attempts = 0
    staff.locked_until = None
    staff.save()
    _record(staff, "signin", "password", "ok")
    return staff, ""


def os_login_name() -> str:
    """The operating-system account running this process, from the kernel's user id:
    not from $LOGNAME or $USER, which a user can set (e.g. in ~/.pam_environment) and
    which decide who is signed in without a password."""
    return pwd.getpwuid(os.getuid()).pw_name.strip().lower()


def staff_for_os_login(login: str | None = None) -> StaffMember | None:
    """The active staff member mapped to this operating-system login (one SSH account
    per person), who then signs in once: at SSH. None if there is no such mapping."""
    login = (login or os_login_name()).lower()
    with db.connection_context(), write_transaction():
        staff = StaffMember.get_or_none((StaffMember.os_login == login) & StaffMember.active)
        if staff is not None and staff.role != "kiosk":
            _record(staff, "signin", f"operating-system login {login!r}", "ok")
            return staff
    return None


def change_password(actor: StaffMember, current: str, new: str, repeat: str) -> StaffMember:
    """The signed-in user's own password. Refuses a wrong current password, a new one
    that breaks the rules, a mismatch, and reusing the current one."""
    if new != repeat:
        raise ValidationError.one("repeat", "The two new passwords differ.")
    check_password_rules(new, actor.username, field="new")
    with db.connection_context(), write_transaction():
        staff = StaffMember.get_by_id(actor.id)
        wrong = bool(staff.password_hash) and not _verify(staff.password_hash, current)
        if wrong:
            _record(staff, "password.change", "wrong current password", "refused")
    if wrong:
        raise ValidationError.one("current", "That is not your current password.")
    with db.connection_context(), write_transaction():
        staff = StaffMember.get_by_id(actor.id)
        if staff.password_hash and _verify(staff.password_hash, new):
            raise ValidationError.one("new", "Choose a password you have not been using.")
        staff.password_hash = hash_password(new)
        staff.must_change_password = False
        staff.password_changed_at = clock.now_utc()
        staff.version += 1
        staff.save()
        _record(staff, "password.change", "", "ok")
        return staff


def resolve_username(username: str | None) -> str:
    return (username or os.environ.get("MOA_USER") or os_login_name()).strip().lower()


def stale(staff: StaffMember, version: int) -> None:
    if staff.version != version:
        raise Conflict(f"{staff.full_name}'s account was changed meanwhile; it has been reloaded.")
