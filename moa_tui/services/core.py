"""What every service shares: one transaction per job, the acting staff member, the audit
event, and turning database trouble into a sentence for the desk."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from peewee import IntegrityError, OperationalError

from ..db.database import db, write_transaction
from ..db.models import AuditEvent, StaffMember
from . import clock
from .errors import NotFound, ServiceError

P = ParamSpec("P")
R = TypeVar("R")


def _run(fn: Callable[..., R], write: bool, actor: StaffMember, *args, **kwargs) -> R:
    if not isinstance(actor, StaffMember) or not actor.active:
        raise ServiceError("No active staff member is signed in.")
    opened_here = db.is_closed()
    if opened_here:
        db.connect()
    try:
        with write_transaction() if write else db.atomic():
            return fn(actor, *args, **kwargs)
    except IntegrityError as exc:
        raise ServiceError(f"The change was refused by the database ({exc}).") from exc
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ServiceError("The database is busy; please try again.") from exc
        raise
    finally:
        if opened_here:
            # Worker threads come and go; each closes the connection it opened.
            db.close()


def reader(fn: Callable[P, R]) -> Callable[P, R]:
    """A service that only reads: one consistent snapshot."""

    @functools.wraps(fn)
    def wrapper(actor, *args, **kwargs):
        return _run(fn, False, actor, *args, **kwargs)

    return wrapper


def writer(fn: Callable[P, R]) -> Callable[P, R]:
    """A service that writes: one IMMEDIATE transaction, all or nothing."""

    @functools.wraps(fn)
    def wrapper(actor, *args, **kwargs):
        return _run(fn, True, actor, *args, **kwargs)

    return wrapper


def audit(
    actor: StaffMember,
    action: str,
    *,
    patient_id: int | None = None,
    entity: str = "",
    entity_id: int | None = None,
    detail: str = "",
    outcome: str = "ok",
) -> None:
    """Record who did what to which record; runs inside the caller's transaction."""
    AuditEvent.insert(
        at=clock.now_utc(),
        staff=actor.id,
        action=action,
        patient_id=patient_id,
        entity=entity,
        entity_id=entity_id,
        detail=detail[:2000],
        outcome=outcome,
    ).execute()


def get_or_refuse(model, record_id: int, what: str):
    obj = model.get_or_none(model.id == record_id)
    if obj is None:
        raise NotFound(f"That {what} no longer exists (it may have been removed).")
    return obj
