"""The audit trail's storage: numbering without gaps, the keyed chain, and sealing an old
(unkeyed) trail once.

Every event's id is exactly the previous id + 1, from 1, taken inside the writing
transaction (never from the database's autoincrement, so a rollback leaves no gap and
PostgreSQL numbers the same). Its seal is HMAC-SHA256, under the audit key kept outside
the database (audit_key.py), over the previous seal, the id and the event's fields: someone
who can only write the database file cannot edit, insert or append an event with a seal
that verifies. Cutting events off the end is found against the anchors (anchors.py).

The key is loaded once when the database is opened (open_trail, from open_database); what
is wrong with it is kept as a sentence and every audit write is refused with it.
UI-free; services/core.py audit() writes through append_event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audit_key import AuditKey, AuditKeyProblem, create_key, key_path, read_key
from .database import db, hold_write_lock, write_transaction
from .models import AuditEvent, ClinicSettings

GENESIS = "0" * 64
FIELDS = ("at", "staff", "action", "patient_id", "entity", "entity_id", "detail", "outcome")


class AuditUnavailable(Exception):
    """No audit event can be written, so nothing may be done; the message says why."""


@dataclass(frozen=True)
class TrailState:
    db_path: str
    key: AuditKey | None
    refusal: str | None = None  # why no event can be written (and verify cannot pass)
    note: str | None = None  # what happened when the database was opened (sealed, ...)
    legacy_broken_at: int | None = None  # an old unkeyed trail found broken: left unsealed


_state: TrailState | None = None


def _fields(prev: str, row: dict[str, Any]) -> list[str]:
    return [
        prev,
        row["at"].isoformat(),
        str(row["staff"] or ""),
        row["action"],
        str(row["patient_id"] or ""),
        row["entity"],
        str(row["entity_id"] or ""),
        row["detail"],
        row["outcome"],
    ]


def legacy_hash(prev: str, row: dict[str, Any]) -> str:
    """The old, unkeyed link (sha256): only to verify a trail before it is sealed."""
    return hashlib.sha256("\x1f".join(_fields(prev, row)).encode()).hexdigest()


def seal(key: AuditKey, prev: str, row: dict[str, Any]) -> str:
    """The keyed link of the event *row* (with its id) after the seal *prev*."""
    fields = _fields(prev, row)
    fields.insert(1, str(row["id"]))
    return key.seal("\x1f".join(fields).encode())


# --- the key, loaded when the database is opened ------------------------------------


def missing_key_message(path: Path) -> str:
    return (
        f"The audit key file {path} is missing, so nothing can be recorded in the audit "
        "trail and nothing can be done. Put the clinic's audit key back there, or give its "
        "place with --audit-key-file PATH or MOA_AUDIT_KEY_FILE."
    )


def wrong_key_message(path: Path) -> str:
    return (
        f"The audit key in {path} is not the one this clinic's audit trail was sealed with. "
        "Give the right one with --audit-key-file PATH or MOA_AUDIT_KEY_FILE."
    )


def open_trail(db_path: str | os.PathLike) -> TrailState:
    """Load the audit key for the database just opened (creating it for a new or never
    sealed database), check it against the clinic's fingerprint, and seal an old unkeyed
    trail once. Never raises for a key problem: the state says why writes are refused."""
    global _state
    path = key_path(db_path)
    # Not connection_context: called lazily inside a caller's transaction, it would close
    # that caller's connection on the way out.
    opened_here = db.is_closed()
    if opened_here:
        db.connect()
    try:
        sealed_with = ClinicSettings.select(ClinicSettings.audit_key_id).scalar() or ""
        has_events = AuditEvent.select().exists()
        state = _load(str(db_path), path, sealed_with)
        if state.key is not None and state.refusal is None and not sealed_with and has_events:
            # A trail from before the key (or one whose fingerprint was removed: a forged
            # trail sealed now still differs from the anchors' seals).
            state = _seal_old_trail(state)
    finally:
        if opened_here:
            db.close()
    _state = state
    return state


def _load(db_path: str, path: Path, sealed_with: str) -> TrailState:
    existed = path.exists()
    if not existed and sealed_with:
        # A new key would make every sealed event look forged: refuse instead.
        return TrailState(db_path, None, missing_key_message(path))
    try:
        key = read_key(path) if existed else create_key(path)
    except AuditKeyProblem as exc:
        return TrailState(db_path, None, f"{exc} Nothing can be recorded in the audit trail.")
    if sealed_with and sealed_with != key.fingerprint:
        return TrailState(db_path, key, wrong_key_message(path))
    return TrailState(db_path, key)


def current() -> TrailState:
    """The state of the database the models are bound to (loading it if a caller bound
    the models without open_database)."""
    if _state is None or _state.db_path != str(db.database):
        return open_trail(db.database)
    return _state


def head() -> tuple[int, str]:
    """(id, seal) of the last event: (0, GENESIS) when there is none. One row read."""
    row = (
        AuditEvent.select(AuditEvent.id, AuditEvent.hash)
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .tuples()
        .first()
    )
    return (row[0], row[1]) if row else (0, GENESIS)


def append_event(row: dict[str, Any]) -> int:
    """Insert the event *row* as the next number, sealed after the last one. Runs inside
    the caller's write transaction, so the numbering cannot fork or leave a gap."""
    state = current()
    if state.refusal or state.key is None:
        raise AuditUnavailable(state.refusal or "There is no audit key.")
    hold_write_lock()  # a caller outside write_transaction still cannot fork the chain
    last_id, prev = head()
    row = {**row, "id": max(last_id, 0) + 1}
    if last_id <= 0:
        # The first event records which key seals this clinic's trail.
        ClinicSettings.update(audit_key_id=state.key.fingerprint).where(
            ClinicSettings.audit_key_id == ""
        ).execute()
    row["hash"] = seal(state.key, prev if last_id > 0 else GENESIS, row)
    AuditEvent.insert(**row).execute()
    return row["id"]


# --- sealing a trail written before the audit key ---------------------------------------


def _rows(batch: int = 5000):
    last = None
    while True:
        query = AuditEvent.select().order_by(AuditEvent.id).limit(batch)
        if last is not None:
            query = query.where(AuditEvent.id > last)
        rows = list(query.dicts())
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def legacy_break() -> int | None:
    """The id of the first event of the old unkeyed chain that does not verify (or is out
    of its 1, 2, 3... place); None when it is whole."""
    prev, expected = GENESIS, 1
    for row in _rows():
        if row["id"] != expected or row["hash"] != legacy_hash(prev, {k: row[k] for k in FIELDS}):
            return row["id"]
        prev, expected = row["hash"], expected + 1
    return None


def reseal(key: AuditKey, *, broken_at: int | None = None) -> int:
    """Seal every event with *key* in id order, record the key's fingerprint, and record
    an event saying so. Inside the caller's write transaction; returns the count."""
    prev, count, updates = GENESIS, 0, []
    for row in _rows():
        prev = seal(key, prev, row)
        updates.append((prev, row["id"]))
        count += 1
    sql = f"UPDATE audit_event SET hash = {db.param} WHERE id = {db.param}"
    db.cursor().executemany(sql, updates)
    ClinicSettings.update(audit_key_id=key.fingerprint).execute()
    if broken_at is None:
        detail = f"{count} events of the old unkeyed chain verified and sealed with the audit key"
    else:
        detail = (
            f"the old unkeyed chain was already broken at event {broken_at}; its {count} "
            "events were sealed as found"
        )
    global _state
    _state = TrailState(str(db.database), key)
    append_event(
        {
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
            "staff": None,
            "action": "audit.reseal",
            "patient_id": None,
            "entity": "",
            "entity_id": None,
            "detail": f"{detail} ({key.path})",
            "outcome": "ok" if broken_at is None else "refused",
        }
    )
    return count


def _seal_old_trail(state: TrailState) -> TrailState:
    with write_transaction():
        if ClinicSettings.select(ClinicSettings.audit_key_id).scalar():
            return state  # another terminal sealed it a moment ago
        broken = legacy_break()
        if broken is not None:
            return TrailState(
                state.db_path,
                state.key,
                f"The audit trail was already broken at event {broken} before it could be "
                "sealed with the audit key (edited or removed under the old unkeyed chain), "
                "so it was not sealed and nothing can be recorded. An administrator can "
                "seal it as found with `moa-tui audit reseal --accept-broken`.",
                legacy_broken_at=broken,
            )
        count = reseal(state.key)
    return TrailState(
        state.db_path, state.key, note=f"The audit trail's {count} events were sealed."
    )
