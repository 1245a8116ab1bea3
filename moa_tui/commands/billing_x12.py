"""`moa-tui billing export-claims | import-835 | demo-835`: electronic claims and
remittances from the shell (issue 11 item 9), with the same services, permissions and audit
as the claims screen. Added to the `billing` group by commands/billing.py.

    moa-tui billing export-claims DIR          (ready claims, one 837P file per payer)
    moa-tui billing import-835 FILE [--dry-run] (the posting report; --dry-run writes nothing)
    moa-tui billing import-reasons FILE          (CARC/RARC descriptions: code,description)
    moa-tui --demo billing demo-835 FILE        (a remittance for the demo's submitted claims)

Each signs in as --user and exits non-zero with the reason when it refuses.
"""

from __future__ import annotations

import argparse
import sys

from ..services.billing.reasons import ReasonsRefused, import_reasons_file
from ..services.billing.remittance import import_835
from ..services.billing.x12.demo835 import write_demo_remittance
from ..services.billing.x12.export import export_ready_claims, find_batch, save_batch
from ..services.errors import ServiceError
from .schedule import _file, _plain_refusals, _sign_in_options, sign_in


def add_x12_commands(sub) -> None:
    """The electronic-claims actions, on the `billing` group's sub-parsers *sub*."""
    export = sub.add_parser(
        "export-claims",
        help="send ready claims: one 837P file per payer into DIR",
        description="Put every ready claim into an ANSI X12 837P (005010X222A1) file, one "
        "per payer, in the folder DIR (files readable by you only), mark the claims "
        "submitted with the batch number, and print the files and claim counts. Claims "
        "that cannot be sent stay ready and are listed with the reason.",
    )
    export.add_argument("folder", metavar="DIR", help="the folder the files go into")
    export.add_argument(
        "--batch",
        type=int,
        metavar="N",
        help="write batch N's file again (the same bytes as sent) instead of sending claims",
    )
    _sign_in_options(export)
    export.set_defaults(run=run_export_claims)

    remit = sub.add_parser(
        "import-835",
        help="post an 835 remittance (--dry-run: only the posting report)",
        description="Read an X12 835 (005010X221A1) remittance, check it with pyx12 and its "
        "sums, match each claim payment to a claim, and post payments, adjustments, patient "
        "shares and denials in one transaction; print the posting report. A file imported "
        "before, or a payment posted before (same check/EFT number and claim), is not "
        "posted again. With --dry-run the report is printed and nothing is written.",
    )
    remit.add_argument("file", metavar="FILE", help="the 835 file")
    remit.add_argument("--dry-run", action="store_true", help="print the report; post nothing")
    _sign_in_options(remit)
    remit.set_defaults(run=run_import_835)

    reasons = sub.add_parser(
        "import-reasons",
        help="load the descriptions of adjustment reason and remark codes from CSV",
        description="Load the descriptions of claim adjustment reason codes (CARC, e.g. 45) "
        "and remark codes (RARC, e.g. N130) from a CSV file with the header "
        "code,description. A file with any bad row imports nothing; every bad row is listed.",
    )
    reasons.add_argument("file", metavar="FILE", help="the CSV file")
    _sign_in_options(reasons)
    reasons.set_defaults(run=run_import_reasons)

    demo = sub.add_parser(
        "demo-835",
        help="(demo clinic) write an 835 answering the demo's submitted claims",
        description="Write FILE: the demo payer's remittance for the demo clinic's submitted "
        "claims (paid, with a patient share, denied). Only with --demo.",
    )
    demo.add_argument("file", metavar="FILE", help="the 835 file to write")
    _sign_in_options(demo)
    demo.set_defaults(run=run_demo_835)


@_plain_refusals
def run_export_claims(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    if args.batch is not None:
        batch = find_batch(actor, args.batch)
        print(save_batch(actor, batch.batch_id, _file(args.folder)))
        return 0
    result = export_ready_claims(actor, _file(args.folder))
    for path, info in zip(result.written, result.batches, strict=True):
        print(f"{path}: {info.claim_count} claim(s) to {info.payer} (batch {info.interchange_no})")
    for line in result.skipped:
        print(line, file=sys.stderr)
    if not result.batches:
        raise ServiceError("No ready claims could be sent." if result.skipped else
                           "There are no ready claims to send.")  # fmt: skip
    return 0


@_plain_refusals
def run_import_835(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    report = import_835(actor, _file(args.file), dry_run=args.dry_run)
    print("\n".join(report.lines()))
    return 0


@_plain_refusals
def run_import_reasons(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    try:
        count = import_reasons_file(actor, _file(args.file))
    except ReasonsRefused as exc:
        print(f"moa-tui: {exc}", file=sys.stderr)
        for line, why in exc.problems:
            print(f"  line {line}: {why}", file=sys.stderr)
        return 1
    print(f"{count} code description(s) imported.")
    return 0


@_plain_refusals
def run_demo_835(args: argparse.Namespace) -> int:
    if not args.demo:
        raise ServiceError("demo-835 makes a remittance for the demo clinic only: use --demo.")
    actor = sign_in(args)
    path, count = write_demo_remittance(actor, _file(args.file))
    print(f"{path}: a remittance answering {count} submitted claim(s)")
    return 0
