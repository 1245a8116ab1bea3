"""`moa-tui reminders texts|letters|postcards FILE`: a day's appointment reminders from the
shell (issue 12 item 5), with the same services, permissions and audit as the calls list's
t and L keys. Added to the commands by commands/schedule.py.

    moa-tui reminders texts FILE [--day t+1]      (CSV for a texting service)
    moa-tui reminders letters FILE [--template NAME]
    moa-tui reminders postcards FILE

A day with nobody booked is not an error: it is said, and the texts file has its header.
Signs in as --user and exits non-zero with the reason when it refuses.
"""

from __future__ import annotations

import argparse

from ..services import clock
from ..services.comms.reminders import TEMPLATE, save_reminder_letters, save_reminder_texts
from ..services.comms.templates import letter_templates
from ..services.errors import ServiceError
from .schedule import DATE_HELP, _date, _file, _plain_refusals, _sign_in_options, sign_in


def add_reminder_commands(commands) -> None:
    parser = commands.add_parser(
        "reminders",
        help="a day's appointment reminders as a texting service's CSV, letters or postcards",
        description="Write the reminders of one day's booked visits (tomorrow unless --day): "
        "texts (CSV: name, phone, date, time, message; the patient's initials unless they "
        "agreed to their full name; mobiles only), or letters or 6 x 4 inch postcards from "
        "a letter template, one PDF with a page each, kept in each patient's letters. Files "
        "are readable by you only; the export is recorded in the audit trail.",
    )
    parser.add_argument("kind", choices=("texts", "letters", "postcards"))
    parser.add_argument("file", metavar="FILE", help="the .csv or .pdf file to write")
    parser.add_argument("--day", default="t+1", help=f"the day ({DATE_HELP}); default tomorrow")
    parser.add_argument("--template", default=TEMPLATE,
                        help=f"the letter template's name (default: {TEMPLATE})")  # fmt: skip
    parser.add_argument("--replace", action="store_true", help="replace an existing file")
    _sign_in_options(parser)
    parser.set_defaults(run=run_reminders)


@_plain_refusals
def run_reminders(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    days_ahead = (_date(args.day, "--day") - clock.today()).days
    path = _file(args.file)
    if args.kind == "texts":
        batch = save_reminder_texts(actor, days_ahead, path, args.replace)
    else:
        wanted = " ".join(args.template.split()).casefold()
        found = [t for t in letter_templates(actor) if t.name.casefold() == wanted]
        if not found:
            raise ServiceError(f"There is no letter template named {args.template}.")
        paper = "postcard" if args.kind == "postcards" else "letter"
        batch = save_reminder_letters(actor, days_ahead, path, found[0].id, paper, args.replace)
    print(batch.message)
    return 0
