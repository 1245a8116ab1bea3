"""Staff sign-in, passwords, lock-out and what each role may do.

HIPAA Security Rule, 45 CFR 164.312: unique user identification (one account per person),
authentication (argon2id password hashes), automatic logoff (the app's idle lock), audit
controls (services/security/audit.py). The checks live here, in the services, so the screens can
only hide what a role cannot do; they cannot grant it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import pwd
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ...db.database import db, write_transaction
from ...db.models import StaffMember
from .. import clock
from ..errors import Conflict, ServiceError, ValidationError
from . import signin_delay
from .password_rules import MIN_PASSWORD_LENGTH, check_password_rules  # noqa: F401 (callers)

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
# Where a password was typed: at a desk (a sign-in or lock screen, the command line) or at
# the self check-in kiosk, where anyone walking by can type.
SIGNIN_SOURCES = ("desk", "kiosk")
# The one answer a stranger gets, whatever was wrong (no such user, deactivated, locked or
# a wrong password): anything else would tell them which accounts exist.
WRONG = "Wrong username or password."

# The roles and their permissions (roles.py); imported from here by callers.
from .roles import PERMISSION_LABELS, PERMISSIONS, ROLE_LABELS  # noqa: E402,F401

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# One argon2 computation at a time in a process: each takes 64 MiB (two at once were
# +64 MiB of peak memory, issue 10). A terminal signs in one person at a time anyway.
_argon2 = threading.RLock()


# What an unknown username's password is checked against, so that it takes as long as a
# wrong password: the hash of a random password nobody kept, made once with the library's
# parameters and written here, so no sign-in waits for one to be made (140 ms and 64 MiB,
# and the check queued behind it: issue 10). It matches nothing that matters: an unknown
# username is refused whatever the check says. Should the library's parameters change, a
# dummy is made with the new ones when first needed (and a test asks for this renewed).
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$OD+GMrQ9eoFcilVuIcIT8Q$"
    "gB+4h+pyaopz9HneN2M5QUhvTNrmuUKPvraTtSxDaSA"
)


@functools.cache
def _dummy_hash() -> str:
    if not _hasher.check_needs_rehash(DUMMY_HASH):
        return DUMMY_HASH
    with _argon2:
        return _hasher.hash(secrets.token_urlsafe(32))


class PermissionDenied(ServiceError):
    """The acting staff member's role does not allow this job."""


class SignInError(ServiceError):
    pass


def can(actor: StaffMember | None, permission: str) -> bool:
    return bool(actor and actor.active and permission in PERMISSIONS.get(actor.role, ()))


def refusal(actor: StaffMember | None, permission: str) -> str:
    """'Front desk staff cannot change providers' hours or appointment types.'"""
    role = ROLE_LABELS.get(actor.role, actor.role) if actor else "Signed-out"
    return f"{role} staff cannot {PERMISSION_LABELS.get(permission, permission)}."


def require(actor: StaffMember, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied(refusal(actor, permission))


def hash_password(password: str) -> str:
    with _argon2:
        return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    against = stored or _dummy_hash()
    try:
        with _argon2:
            return _hasher.verify(against, password) and bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _record(staff: StaffMember | None, action: str, detail: str, outcome: str) -> None:
    from ..core import audit  # core imports this module

    audit(
        staff,
        action,
        entity="staff",
        entity_id=staff.id if staff else None,
        detail=detail,
        outcome=outcome,
    )


def authenticate(username: str, password: str, source: str = "desk") -> StaffMember:
    """Sign in. *source* says where the password was typed: "desk" (a sign-in or lock
    screen, the command line) or "kiosk" (a staff member closing the self check-in kiosk).

    Five wrong passwords in a row at a desk lock the account for 15 minutes; at the kiosk,
    where anyone can type, a wrong password never counts against the account. Either way
    each attempt first waits as long as this terminal's wrong passwords for the account ask
    (signin_delay). An unknown user, a deactivated or locked account and a wrong password
    get the same answer after the same argon2 work: only someone who typed the right
    password learns that the account is locked or deactivated. Every attempt is audited.

    The hash is checked with no transaction open (argon2 takes 50-200 ms, and holding the
    write lock that long makes other terminals' writes fail); the result is recorded in a
    short write transaction that reads the account again."""
    if source not in SIGNIN_SOURCES:
        raise ValueError(f"unknown sign-in source {source!r}")
    name = (username or "").strip().lower()
    where = str(db.database)
    signin_delay.wait_before_attempt(where, name)
    with db.connection_context():
        staff = StaffMember.get_or_none(StaffMember.username == name)
        stored = staff.password_hash if staff else ""
        right = _verify(stored, password)  # exactly one verify, whoever asks
        rehash = right and _hasher.check_needs_rehash(stored)
        new_hash = hash_password(password) if rehash else None
        with write_transaction():
            staff, refusal = _check_credentials(
                name, stored, right, new_hash, source, clock.now_utc()
            )
    signin_delay.record(where, name, wrong=not right)
    if refusal:
        raise SignInError(refusal)
    return staff


def _check_credentials(
    name: str,
    checked_hash: str,
    right: bool,
    new_hash: str | None,
    source: str,
    now: dt.datetime,
) -> tuple[StaffMember | None, str]:
    """Inside the write transaction: record one attempt whose password was *right* (or not)
    against *checked_hash*. (the staff member, "") on success, else (them or None, why)."""
    staff = StaffMember.get_or_none(StaffMember.username == name)
    at = " at the kiosk" if source == "kiosk" else ""
    if staff is None:
        _record(None, "signin", f"unknown user {name[:32]!r}{at}", "refused")
        return None, WRONG
    if staff.password_hash != checked_hash:
        # Reset or changed by another terminal while this one was hashing: the password
        # checked is no longer the account's, and says nothing about a guesser.
        _record(staff, "signin", f"password changed meanwhile{at}", "refused")
        return staff, WRONG
    locked = bool(staff.locked_until and staff.locked_until > now)
    if not right:
        _record(staff, "signin", _count_wrong(staff, source, locked, now) + at, "refused")
        return staff, WRONG
    if not staff.active:
        _record(staff, "signin", f"deactivated account{at}", "refused")
        return staff, "This account is deactivated. Ask the office manager."
    if locked:
        _record(staff, "signin", f"account locked{at}", "refused")
        return staff, _locked_message(staff)
    changes = {StaffMember.failed_attempts: 0, StaffMember.locked_until: None}
    if new_hash:
        changes[StaffMember.password_hash] = new_hash
    StaffMember.update(changes).where(StaffMember.id == staff.id).execute()
    staff.failed_attempts, staff.locked_until = 0, None
    staff.password_hash = new_hash or staff.password_hash
    _record(staff, "signin", f"password{at}", "ok")
    return staff, ""


def _count_wrong(staff: StaffMember, source: str, locked: bool, now: dt.datetime) -> str:
    """Count a wrong password against the account (in SQL, so two terminals' counts add
    up) and lock it at the fifth; returns the audit detail. The kiosk never counts: a
    patient must not be able to lock the manager out."""
    if source == "kiosk" or locked or not staff.active:
        why = "locked account" if locked else "deactivated account" if not staff.active else ""
        return f"wrong password ({why or 'not counted'})"
    by_id = StaffMember.id == staff.id
    StaffMember.update(failed_attempts=StaffMember.failed_attempts + 1).where(by_id).execute()
    failures = StaffMember.select(StaffMember.failed_attempts).where(by_id).scalar()
    detail = f"wrong password ({failures} in a row)"
    if failures >= MAX_FAILED_ATTEMPTS:
        staff.locked_until = now + LOCKOUT
        StaffMember.update(locked_until=staff.locked_until, failed_attempts=0).where(
            by_id
        ).execute()
        failures = 0
        detail += f"; locked for {LOCKOUT.seconds // 60} minutes"
    staff.failed_attempts = failures
    return detail


def _locked_message(staff: StaffMember) -> str:
    until = clock.utc_to_local(staff.locked_until)
    return f"Too many wrong passwords: this account is locked until {until:%H:%M}."


def os_login_name() -> str:
    """The operating-system account running this process, from the kernel's user id:
    not from $LOGNAME or $USER, which a user can set (e.g. in ~/.pam_environment) and
    which decide who is signed in without a password."""
    return pwd.getpwuid(os.getuid()).pw_name.strip().lower()


def staff_for_os_login(login: str | None = None) -> StaffMember | None:
    """The active, unlocked staff member mapped to this operating-system login (one SSH
    account per person), who then signs in once: at SSH. None if there is no such
    mapping (a locked account then gets the sign-in screen, which says so)."""
    login = (login or os_login_name()).lower()
    mapped = (StaffMember.os_login == login) & StaffMember.active
    with db.connection_context():
        if not StaffMember.select().where(mapped).exists():
            return None  # the usual case writes nothing and takes no lock
        with write_transaction():
            staff = StaffMember.get_or_none(mapped)
            locked = staff and staff.locked_until and staff.locked_until > clock.now_utc()
            if staff is None or staff.role == "kiosk" or locked:
                return None
            _record(staff, "signin", f"operating-system login {login!r}", "ok")
            return staff


def change_password(actor: StaffMember, current: str, new: str, repeat: str) -> StaffMember:
    """The signed-in user's own password. Refuses a mismatch, a new one that breaks the
    rules, reusing the current one, and a wrong current password, which counts like a
    wrong password at sign-in (five lock the account). Hashing happens before the short
    write transaction that records the result."""
    if new != repeat:
        raise ValidationError.one("repeat", "The two new passwords differ.")
    with db.connection_context():
        staff = StaffMember.get_or_none(StaffMember.id == actor.id)
    _still_allowed(staff)
    check_password_rules(new, staff.username, field="new", full_name=staff.full_name)
    where = str(db.database)
    signin_delay.wait_before_attempt(where, staff.username)
    stored = staff.password_hash
    right = not stored or _verify(stored, current)
    if right and stored and new == current:
        raise ValidationError.one("new", "Choose a password you have not been using.")
    new_hash = hash_password(new) if right else ""
    with db.connection_context(), write_transaction():
        staff, refusal = _record_change(actor.id, stored, right, new_hash)
    signin_delay.record(where, staff.username, wrong=not right)
    if refusal:
        raise ValidationError.one("current", refusal)
    return staff


def _still_allowed(staff: StaffMember | None) -> None:
    if staff is None or not staff.active:
        raise SignInError("This account is deactivated. Ask the office manager.")
    if staff.locked_until and staff.locked_until > clock.now_utc():
        raise SignInError(_locked_message(staff))


def _record_change(
    staff_id: int, checked_hash: str, right: bool, new_hash: str
) -> tuple[StaffMember, str]:
    """Inside the write transaction: (the account, "") once changed, else (it, why)."""
    staff = StaffMember.get_by_id(staff_id)
    _still_allowed(staff)
    if staff.password_hash != checked_hash:
        raise Conflict("Your password was changed meanwhile; sign in again to change it.")
    now = clock.now_utc()
    if not right:
        detail = _count_wrong(staff, "desk", False, now)
        _record(staff, "password.change", f"current {detail}", "refused")
        message = "That is not your current password."
        if staff.locked_until and staff.locked_until > now:
            message += " " + _locked_message(staff)
        return staff, message
    staff.password_hash = new_hash
    staff.must_change_password = False
    staff.password_changed_at = now
    staff.failed_attempts = 0
    staff.locked_until = None
    staff.version += 1
    staff.save()
    _record(staff, "password.change", "", "ok")
    return staff, ""


def resolve_username(username: str | None) -> str:
    return (username or os.environ.get("MOA_USER") or os_login_name()).strip().lower()


def stale(staff: StaffMember, version: int) -> None:
    if staff.version != version:
        raise Conflict(f"{staff.full_name}'s account was changed meanwhile; it has been reloaded.")
