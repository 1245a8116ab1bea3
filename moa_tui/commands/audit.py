"""`moa-tui audit verify`: check the audit trail's hash chain."""

from __future__ import annotations

from ..db.database import open_database, resolve_path
from ..services.audit import verify_chain


def register(commands) -> None:
    audit = commands.add_parser("audit", help="audit trail")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="detect any edited or deleted audit event")
    verify.set_defaults(run=run_verify)


def run_verify(args) -> int:
    open_database(resolve_path(args.db))
    report = verify_chain()
    print(report.message)
    return 0 if report.ok else 1
