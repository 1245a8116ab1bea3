"""Verifying the audit trail: numbering, seals and anchors.

Three checks, each catching what the others cannot:
- the numbering: ids run 1, 2, 3... with no gap (a row removed from the middle, or one
  slipped in below 1, shows);
- the seals: each event's HMAC under the audit key (kept outside the database) over the
  seal before it, its id and its fields (an edit, or a row written by someone without the
  key, shows even if every link after it was recomputed);
- the anchors: the trail's length and last seal written outside the database (anchor log,
  system log) at backups, hourly and at exit (events cut off the end, or all of them,
  show). Events written after the last anchor can be cut unnoticed: anchor often.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...db.anchors import Anchor, anchor_path, read_anchors
from ...db.audit_trail import GENESIS, _rows, current, seal, wrong_key_message
from ...db.database import db
from ...db.models import ClinicSettings
from .. import clock


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    broken_at: int | None  # id of the first bad (or first missing) event
    message: str
    anchors: int = 0  # anchors compared


def _when(anchor: Anchor) -> str:
    return f"{clock.utc_to_local(anchor.at):%Y-%m-%d %H:%M}"


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"event {first:,} is missing"
    return f"events {first:,}-{last:,} are missing"


def _bad(count: int, at: int | None, problem: str) -> ChainReport:
    return ChainReport(False, count, at, f"{problem[0].upper()}{problem[1:]}.")


def verify_chain(
    batch: int = 5000, anchor_files: list[str | os.PathLike] | None = None
) -> ChainReport:
    """Check the numbering, every seal, and every anchor in the anchor log (and in
    *anchor_files*, e.g. lines from the system journal). Names the first bad event."""
    state = current()
    if state.refusal or state.key is None:
        return ChainReport(False, 0, None, state.refusal or "There is no audit key.")
    key = state.key
    files = [anchor_path(db.database), *(Path(f).expanduser() for f in anchor_files or [])]
    anchors = read_anchors(files, key.fingerprint[:16])
    wanted = {a.events for a in anchors}
    seen: dict[int, str] = {}
    prev, expected = GENESIS, 1
    with db.connection_context():
        sealed_with = ClinicSettings.select(ClinicSettings.audit_key_id).scalar() or ""
        if sealed_with and sealed_with != key.fingerprint:
            return ChainReport(False, 0, None, wrong_key_message(key.path))
        for row in _rows(batch):
            rid = row["id"]
            if rid < 1:
                return _bad(0, rid, f"event {rid} is outside the numbering (it starts at 1)")
            if rid != expected:
                return _bad(
                    expected - 1,
                    expected,
                    f"{_missing(expected, rid - 1)} (the numbering jumps from "
                    f"{expected - 1:,} to {rid:,})",
                )
            if row["hash"] != seal(key, prev, row):
                return _bad(
                    expected - 1,
                    rid,
                    f"event {rid:,}: its content does not match its seal (edited, or "
                    "written without the audit key)",
                )
            if rid in wanted:
                seen[rid] = row["hash"]
            prev, expected = row["hash"], expected + 1
    count = expected - 1
    return _against_anchors(count, sealed_with, anchors, seen)


def _against_anchors(
    count: int, sealed_with: str, anchors: list[Anchor], seen: dict[int, str]
) -> ChainReport:
    longest = max(anchors, key=lambda a: (a.events, a.at), default=None)
    if longest is not None and longest.events > count:
        if count == 0:
            problem = (
                f"the audit trail is empty but the anchor of {_when(longest)} counted "
                f"{longest.events:,}"
            )
        else:
            problem = (
                f"{_missing(count + 1, longest.events)}: the anchor of {_when(longest)} "
                f"counted {longest.events:,}"
            )
        return _bad(count, count + 1, problem)
    for anchor in anchors:
        if anchor.events > 0 and seen.get(anchor.events) != anchor.hash:
            return _bad(
                count,
                anchor.events,
                f"event {anchor.events:,} is not the one the anchor of {_when(anchor)} "
                "recorded (the trail was rewritten after it)",
            )
    if count == 0 and sealed_with:
        # The fingerprint is recorded with the first event: a trail was started here.
        return _bad(0, 1, "the audit trail is empty, but events were recorded here before")
    if count == 1:
        message = "The 1 audit event is intact: numbered 1, sealed with this clinic's audit key"
    elif count:
        message = (
            f"All {count:,} audit events are intact: numbered 1-{count:,} without a gap, "
            "each sealed with this clinic's audit key"
        )
    else:
        message = "The audit trail has no events yet"
    if anchors:
        last = anchors[-1]
        many = f"{len(anchors):,} anchors, the last" if len(anchors) > 1 else "the anchor"
        message += f"; it matches {many} of {_when(last)}."
    else:
        message += (
            ". There is no anchor to compare with, so events cut off the end would not "
            "show: run `moa-tui audit anchor` regularly."
        )
    return ChainReport(True, count, None, message, len(anchors))
