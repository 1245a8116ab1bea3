"""`moa-tui billing statements DIR`: the patient statement run from the shell (issue 11
items 8 and 9), with the same services, permissions and audit as the screens. Added to the
`billing` group by commands/billing.py.

    moa-tui billing statements DIR [--dry-run]   (one PDF and one text file for the run)
    moa-tui billing statements DIR --run N       (write run N's files again)

Signs in as --user and exits non-zero with the reason when it refuses.
"""

from __future__ import annotations

import argparse
import os

from ..services.billing.statements import run_statements, save_run, statements_due
from ..services.errors import ServiceError
from .schedule import _file, _plain_refusals, _sign_in_options, sign_in


def add_statement_commands(sub) -> None:
    """The statement run, on the `billing` group's sub-parsers *sub*."""
    run = sub.add_parser(
        "statements",
        help="print patient statements: one PDF and one text file into DIR",
        description="Bill every patient who owes at least the minimum balance and has had "
        "no statement for the set number of days (amounts of visits still with insurance "
        "are not billed). Writes one PDF and one text file (readable by you only) into "
        "DIR, keeps each statement in the patient's history, and prints who was billed. "
        "Terms are Net 30.",
    )
    run.add_argument("folder", metavar="DIR", help="the folder the files go into")
    run.add_argument("--dry-run", action="store_true",
                     help="print who would be billed and how much; record nothing")  # fmt: skip
    run.add_argument("--run", dest="run_no", type=int, metavar="N",
                     help="write statement run N's files again instead of a new run")  # fmt: skip
    _sign_in_options(run)
    run.set_defaults(run=run_statement_batch)


@_plain_refusals
def run_statement_batch(args: argparse.Namespace) -> int:
    folder = _file(args.folder)
    if not os.path.isdir(folder):
        raise ServiceError(f"There is no folder {folder}.")
    actor = sign_in(args)
    if args.run_no is not None:
        for path in save_run(actor, args.run_no, folder):
            print(path)
        return 0
    result = statements_due(actor) if args.dry_run else run_statements(actor, folder)
    print("\n".join(result.lines()))
    return 0
