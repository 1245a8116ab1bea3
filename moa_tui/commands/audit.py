"""`moa-tui audit verify | anchor | reseal`: check the audit trail, anchor it outside the
database (cron), and seal an old trail that was found broken."""

from __future__ import annotations

import sys

from ..db.anchors import AnchorProblem, anchor_path, write_anchor
from ..db.audit_trail import current, legacy_break, reseal
from ..db.database import db, open_database, resolve_path, write_transaction
from ..services.security.audit import verify_chain


def register(commands) -> None:
    audit = commands.add_parser("audit", help="audit trail")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify",
        help="detect any edited, inserted, removed or cut-off audit event (exit 1 if so)",
        description="Check that the events are numbered 1..N without a gap, that each is "
        "sealed with the clinic's audit key, and that the trail holds every anchor in the "
        "anchor log (and in --anchors FILE). Names the first bad event.",
    )
    verify.add_argument(
        "--anchors",
        metavar="FILE",
        action="append",
        default=[],
        help="more anchor lines to compare with, e.g. `journalctl -t moa-tui > FILE` "
        "(may be repeated)",
    )
    verify.set_defaults(run=run_verify)
    anchor = sub.add_parser(
        "anchor",
        help="write the trail's length and last seal to the system log and the anchor log",
        description="Write an anchor (for cron): the audit trail's length and last seal, "
        "to the system log (ident moa-tui) and appended to the anchor log "
        "($MOA_ANCHOR_FILE, else DATABASE.anchors).",
    )
    anchor.set_defaults(run=run_anchor)
    reseal_cmd = sub.add_parser(
        "reseal",
        help="seal an old (unkeyed) audit trail that was found broken, as it is",
        description="An audit trail from before the audit key is sealed on its own when "
        "its old chain verifies. One found broken is not; after looking at it, seal it as "
        "found (an event saying where it was broken is recorded).",
    )
    reseal_cmd.add_argument(
        "--accept-broken", action="store_true", help="seal it even though it is broken"
    )
    reseal_cmd.set_defaults(run=run_reseal)


def run_verify(args) -> int:
    open_database(resolve_path(args.db))
    report = verify_chain(anchor_files=args.anchors)
    print(report.message)
    return 0 if report.ok else 1


def run_anchor(args) -> int:
    path = open_database(resolve_path(args.db))
    try:
        anchor = write_anchor("manual")
    except AnchorProblem as exc:
        print(f"moa-tui: {exc}", file=sys.stderr)
        return 1
    print(f"Anchored {anchor.events:,} audit events in {anchor_path(path)} and the system log.")
    return 0


def run_reseal(args) -> int:
    open_database(resolve_path(args.db))
    state = current()
    if state.refusal is None:
        print("The audit trail is already sealed with the audit key; nothing to do.")
        return 0
    if state.key is None or state.legacy_broken_at is None:
        print(f"moa-tui: {state.refusal}", file=sys.stderr)
        return 1
    with db.connection_context():
        broken = legacy_break() or state.legacy_broken_at
        if not args.accept_broken:
            print(
                f"moa-tui: the old audit trail is broken at event {broken}; look at it, "
                "then run this again with --accept-broken to seal it as found.",
                file=sys.stderr,
            )
            return 1
        with write_transaction():
            count = reseal(state.key, broken_at=broken)
    print(f"The audit trail's {count:,} events were sealed as found (broken at event {broken}).")
    return 0
