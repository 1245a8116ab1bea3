"""What every service shares: one transaction per job, the acting staff member and what
their role allows (re-read on every call), the audit event (sealed: db/audit_trail.py), the
topics a write changes (db/changes.py), and turning database trouble into a sentence for
the desk."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from peewee import DatabaseError, IntegrityError, InterfaceError, OperationalError

from ..db import changes
from ..db.audit_trail import AuditUnavailable, append_event, legacy_hash
from ..db.database import (
    READ_ONLY_MESSAGE,
    busy,
    db,
    read_only,
    read_transaction,
    unreachable,
    write_transaction,
)
from ..db.models import StaffMember
from . import clock
from .errors import NotFound, ServiceError
from .security.security import PermissionDenied, require

UNREACHABLE_MESSAGE = "The database is unreachable; nothing was saved. Try again in a moment."


class SessionEnded(ServiceError):
    """The signed-in account may no longer work here (deactivated, locked, or given
    another role since it signed in): the terminal must sign it out and say why."""


def current_staff(actor: StaffMember) -> StaffMember:
    """*actor* as the database has it now, inside the caller's transaction.

    The account a terminal signed in with is only a claim: a manager may have deactivated
    it, another terminal's wrong passwords may have locked it, or its role may have changed
    a second ago. Every service call re-reads it, so the role in force is the one stored now.
    """
    if not isinstance(actor, StaffMember) or actor.id is None:
        raise ServiceError("No active staff member is signed in.")
    staff = next(iter(StaffMember.raw(_staff_by_id_sql(type(db.obj)), actor.id)), None)
    if staff is None or not staff.active:
        raise SessionEnded("Your account has been deactivated; ask the office manager.")
    if staff.locked_until and staff.locked_until > clock.now_utc():
        until = clock.utc_to_local(staff.locked_until)
        raise SessionEnded(
            f"Your account was locked after too many wrong passwords, until {until:%H:%M}."
        )
    if staff.role != actor.role:
        raise SessionEnded("Your role was changed by the office manager; please sign in again.")
    # What only the signed-in terminal knows (its session) travels with the fresh row.
    staff.session_id = getattr(actor, "session_id", None)
    return staff


@functools.cache
def _staff_by_id_sql(backend: type) -> str:
    """``StaffMember.get_or_none(id == ?)`` as the current backend spells it, built once:
    peewee composing the same 13-column SELECT anew cost 0.2-0.4 ms of every service call
    (issue 10); the row is still read on every call."""
    sql, _params = StaffMember.select().where(StaffMember.id == 0).sql()
    return sql


def _refuse(actor: StaffMember, name: str, exc: ServiceError) -> None:
    """Record a refusal after the job's transaction was rolled back."""
    staff = actor if isinstance(actor, StaffMember) and actor.id is not None else None
    with write_transaction():
        audit(staff, name, detail=str(exc), outcome="refused")


# What a write under each permission changes, for the other terminals' screens (a write
# that only records an audit event, such as opening a chart, names no topic).
CHANGES: dict[str, frozenset[str]] = {
    "schedule.write": frozenset({changes.SCHEDULE}),
    "schedule.admin": frozenset({changes.SCHEDULE}),
    "checkin": frozenset({changes.SCHEDULE, changes.PATIENTS}),
    "checkin.override": frozenset({changes.SCHEDULE}),
    "kiosk.checkin": frozenset({changes.SCHEDULE, changes.PATIENTS}),
    "patient.write": frozenset({changes.PATIENTS}),
    "patient.restrict": frozenset({changes.PATIENTS}),
    "patient.merge": frozenset({changes.PATIENTS, changes.SCHEDULE, changes.CLAIMS}),
    "claims.write": frozenset({changes.CLAIMS}),
    "billing.writeoff": frozenset({changes.CLAIMS, changes.PATIENTS}),
    "stock.write": frozenset({changes.STOCK}),
    "staff.admin": frozenset({changes.STAFF}),
}


def _run(
    fn: Callable,
    write: bool,
    permission: str | None,
    topics: frozenset[str],
    actor,
    *args,
    **kwargs,
):
    opened_here = db.is_closed()
    try:
        if opened_here:
            db.connect()  # (a server away refuses here: the same sentence as below)
        try:
            with write_transaction() if write else read_transaction():
                staff = current_staff(actor)
                if permission:
                    require(staff, permission)
                result = fn(staff, *args, **kwargs)
                versions = changes.bump(topics) if topics else {}
            changes.committed_here(versions)
            return result
        except ServiceError as exc:
            if write or isinstance(exc, PermissionDenied | SessionEnded):
                # The job's own transaction is gone; the refusal is still recorded.
                _refuse(actor, fn.__name__, exc)
            raise
    except IntegrityError as exc:
        raise ServiceError(f"The change was refused by the database ({exc}).") from exc
    except (OperationalError, InterfaceError) as exc:
        if busy(exc):
            raise ServiceError("The database is busy; please try again.") from exc
        if unreachable(exc):
            # A server restarting or the network gone: nothing was saved; the next call
            # opens a new connection.
            if not opened_here:
                db.close()
            raise ServiceError(UNREACHABLE_MESSAGE) from exc
        if read_only(exc):
            raise ServiceError(READ_ONLY_MESSAGE) from exc
        raise
    except DatabaseError as exc:
        if read_only(exc):  # a replica opened as --db: reports only
            raise ServiceError(READ_ONLY_MESSAGE) from exc
        raise
    finally:
        if opened_here:
            # Worker threads come and go; each closes the connection it opened.
            db.close()


def _service(write: bool, permission: str | Callable | None, topics: frozenset[str]):
    if callable(permission):  # used bare: @reader
        return _service(write, None, topics)(permission)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(actor, *args, **kwargs):
            return _run(fn, write, permission, topics, actor, *args, **kwargs)

        wrapper.permission = permission
        wrapper.changes = topics
        return wrapper

    return decorate


def reader(permission: str | Callable | None = None):
    """A service that only reads, in one consistent snapshot: ``@reader("claims.read")``."""
    return _service(False, permission, frozenset())


def writer(permission: str | Callable | None = None, *, changes: tuple[str, ...] | None = None):
    """A service that writes, in one IMMEDIATE transaction, all or nothing; a refusal is
    recorded in the audit trail: ``@writer("claims.write")``. *changes* names the topics
    other terminals refetch after it (default: by permission, see CHANGES); ``changes=()``
    for a read that is a writer only to record its audit event."""
    if changes is not None:
        topics = frozenset(changes)
    elif isinstance(permission, str):
        topics = CHANGES.get(permission, frozenset())
    else:
        topics = frozenset()
    return _service(True, permission, topics)


def _chain(prev: str, row: dict[str, Any]) -> str:
    """The old, unkeyed link (sha256), kept to verify a trail written before the audit key;
    new events are sealed with the key (db/audit_trail.py seal)."""
    return legacy_hash(prev, row)


def audit(
    actor: StaffMember | None,
    action: str,
    *,
    patient_id: int | None = None,
    entity: str = "",
    entity_id: int | None = None,
    detail: str = "",
    outcome: str = "ok",
) -> None:
    """Record who did what to which record, numbered and sealed after the event before
    (db/audit_trail.py); runs inside the caller's (write) transaction, so the numbering
    cannot fork or leave a gap. Refuses, with a sentence, when the audit key is missing
    or wrong: no service runs unaudited."""
    row = {
        "at": clock.now_utc(),
        "staff": actor.id if actor else None,
        "action": action,
        "patient_id": patient_id,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail[:2000],
        "outcome": outcome,
    }
    try:
        append_event(row)
    except AuditUnavailable as exc:
        raise ServiceError(str(exc)) from exc
    # Only the audit report cares: no schedule or patient list refetches for a chart opened.
    changes.bump((changes.AUDIT,))


# Record ids are 64-bit integers in both databases; a larger number cannot name a record
# (and would overflow the driver).
MAX_ID = 2**63 - 1


def get_or_refuse(model, record_id: int, what: str):
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        raise NotFound(f"That {what} no longer exists (it may have been removed).")
    obj = model.get_or_none(model.id == record_id)
    if obj is None:
        raise NotFound(f"That {what} no longer exists (it may have been removed).")
    return obj
