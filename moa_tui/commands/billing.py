"""`moa-tui billing ...`: a biller's batch jobs from the shell (scripts, cron), with the
same services, permissions and audit as the screens.

    moa-tui billing import-codes icd10cm            (the ICD-10-CM list of simple-icd-10-cm)
    moa-tui billing import-codes cpt FEES.csv       (code,description,fee[,payer])
    moa-tui billing import-codes hcpcs HCPCS.csv    (code,description[,fee][,payer])
    moa-tui billing import-codes pos POS.csv        (code,name)

Each signs in as --user (password asked on the terminal or read with --password-stdin)
and exits non-zero with the reason when it refuses.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..services.billing.imports import FILE_KINDS, ImportRefused, import_codes_file, load_icd10cm
from ..services.errors import ServiceError
from .billing_statements import add_statement_commands
from .billing_x12 import add_x12_commands
from .schedule import _plain_refusals, _sign_in_options, sign_in


def register(commands) -> None:
    billing = commands.add_parser("billing", help="billing batch jobs (code sets, ...)")
    sub = billing.add_subparsers(dest="billing_command", metavar="ACTION", required=True)
    codes = sub.add_parser(
        "import-codes",
        help="load a code set: icd10cm (no file), or cpt, hcpcs, pos from a CSV file",
        description="Load ICD-10-CM from simple-icd-10-cm (no FILE: the list of its year; "
        "run again after upgrading it for the next year's), or the practice's CPT codes "
        "and fees (code,description,fee[,payer]), HCPCS Level II codes "
        "(code,description[,fee][,payer]) or places of service (code,name) from a CSV "
        "file with a header row. A file with any bad row imports nothing; every bad row "
        "is listed.",
    )
    codes.add_argument("kind", choices=("icd10cm", *FILE_KINDS), metavar="KIND",
                       help="icd10cm, cpt, hcpcs or pos")  # fmt: skip
    codes.add_argument("file", nargs="?", metavar="FILE", help="the CSV file (not for icd10cm)")
    _sign_in_options(codes)
    codes.set_defaults(run=run_import_codes)
    add_x12_commands(sub)  # export-claims, import-835, demo-835 (commands/billing_x12.py)
    add_statement_commands(sub)  # statements (commands/billing_statements.py)


@_plain_refusals
def run_import_codes(args: argparse.Namespace) -> int:
    if args.kind == "icd10cm" and args.file:
        raise ServiceError("ICD-10-CM comes from simple-icd-10-cm: give no file.")
    if args.kind != "icd10cm" and not args.file:
        raise ServiceError(f"Name the {args.kind} CSV file to import.")
    actor = sign_in(args)
    if args.kind == "icd10cm":
        print(load_icd10cm(actor))
        return 0
    try:
        report = import_codes_file(actor, args.kind, os.path.abspath(args.file))
    except ImportRefused as exc:
        print(
            f"moa-tui: {len(exc.report.problems)} bad row(s) in {args.file}; nothing was imported:",
            file=sys.stderr,
        )
        for line, why in exc.report.problems:
            print(f"  line {line}: {why}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
