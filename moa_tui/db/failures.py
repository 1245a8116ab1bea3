"""What a database error means for the desk: another terminal is writing (busy), the server
went away (unreachable), or this database takes no writes (a read-only replica)."""

from __future__ import annotations

# SQLSTATEs of a PostgreSQL write that waited too long or lost a race: lock_not_available,
# serialization_failure, deadlock_detected.
_BUSY_STATES = {"55P03", "40001", "40P01"}


def busy(exc: BaseException) -> bool:
    """Whether a database error means "another terminal is writing; try again"."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return True
    cause = exc.__cause__ or exc.__context__
    return (
        getattr(cause, "sqlstate", None) in _BUSY_STATES
        or getattr(exc, "sqlstate", None) in _BUSY_STATES
    )


def unreachable(exc: BaseException) -> bool:
    """Whether a database error means the server went away (restart, network): SQLSTATE
    class 08, admin shutdown (57P01..57P03), a connection psycopg found closed, or a new
    one the server refused or never answered (its message: psycopg sets no SQLSTATE)."""
    from .database import on_postgresql  # (database.py re-exports this module's names)

    if not on_postgresql():
        return False
    cause = exc.__cause__ or exc.__context__ or exc
    state = getattr(cause, "sqlstate", None) or ""
    if state.startswith("08") or state in {"57P01", "57P02", "57P03"}:
        return True
    text = str(exc).lower()
    if "shutting down" in text or "starting up" in text or "in recovery mode" in text:
        return True  # a server stopping or starting (refused at connect)
    return "connection" in text and any(
        word in text for word in ("closed", "lost", "terminat", "refused", "failed", "timeout")
    )


def read_only(exc: BaseException) -> bool:
    """Whether a database error means this database takes no writes: a PostgreSQL
    streaming replica (hot standby), "cannot execute ... in a read-only transaction"
    (SQLSTATE 25006)."""
    cause = exc.__cause__ or exc.__context__ or exc
    state = getattr(cause, "sqlstate", None) or getattr(exc, "sqlstate", None) or ""
    return state == "25006" or "read-only transaction" in str(exc)


READ_ONLY_APP = (
    "is a read-only replica: the app records every sign-in and what it shows, so it runs "
    "on the primary. From a replica: `audit verify` and `backup` (docs/network.md)."
)
READ_ONLY_MESSAGE = (
    "This database is a read-only copy (a replica, for reports): nothing was saved. "
    "Make changes on the primary (docs/network.md)."
)
