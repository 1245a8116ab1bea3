"""`moa-tui migrate-to-postgresql --from clinic.db --to postgresql://USER@HOST/DBNAME`:
a practice that outgrew its file moves to a server, every row and the audit trail intact
(db/to_postgresql.py), checked by the row counts and by verifying the audit chain on the
server, as `moa-tui --db URL audit verify` does."""

from __future__ import annotations

import argparse
import sys

from ..db.database import DatabaseError, display_name
from ..db.to_postgresql import move_to_postgresql
from ..services.security.audit_verify import verify_chain


def register(subparsers) -> None:
    move = subparsers.add_parser(
        "migrate-to-postgresql",
        help="copy a clinic's SQLite file into an empty PostgreSQL database",
        description="Copy every row of the clinic in FILE into the empty PostgreSQL "
        "database URL (made by the server's administrator, sorting by code point: see "
        "docs/deployment.md), in one transaction; check the row counts and the audit "
        "chain there. The file is left as it was (migrated to this version first). "
        "Refuses a database that holds anything.",
    )
    move.add_argument("--from", dest="source", required=True, metavar="FILE")
    move.add_argument("--to", dest="target", required=True, metavar="URL")
    move.set_defaults(run=run_move)


def run_move(args: argparse.Namespace) -> int:
    try:
        report = move_to_postgresql(args.source, args.target, say=print)
    except DatabaseError as exc:
        print(f"moa-tui: {exc}", file=sys.stderr)
        return 2
    chain = verify_chain()
    total = sum(report.counts.values())
    print(
        f"Moved {total:,} rows in {len(report.counts)} tables to {report.target}; "
        "every table has as many rows there as in the file."
    )
    print(chain.message)
    if not chain.ok:
        print(
            f"moa-tui: the audit trail on {display_name(args.target)} does not verify.",
            file=sys.stderr,
        )
        return 1
    print(f"From now on: moa-tui --db {report.target}")
    return 0
