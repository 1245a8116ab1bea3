"""`moa-tui day-sheet` and `moa-tui ical`: a provider's day on paper (text or PDF) and
the schedule as an iCalendar file.

Both export patient information, so both need a staff member who signs in (`--user NAME`
and the password, asked for on the terminal or read from standard input) and both are
recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..db.database import open_database, resolve_path
from ..db.models import StaffMember
from ..services import clock
from ..services.errors import ServiceError, ValidationError
from ..services.files import FileExists
from ..services.scheduling.day_sheet import day_sheet_pdf, day_sheet_text
from ..services.scheduling.ical import export_icalendar
from ..services.scheduling.schedule import ProviderInfo, list_providers
from ..services.security.security import authenticate
from ..services.security.staff import load_clinic
from ..services.validate import parse_date
from ..services.wording import plural

DATE_HELP = "t, t+1, 12/24, 12/24/2026 or 2026-12-24"


def _sign_in_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        dest="command_user",
        metavar="NAME",
        help="the staff member doing the export (required here or before the command)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )


def register(commands) -> None:
    sheet = commands.add_parser(
        "day-sheet",
        help="a provider's day sheet as text or PDF",
        description="Print a provider's day sheet (time, length, patient, date of birth, "
        "phone, type, status) as text, or write it as a PDF file readable by you only. "
        "Signs in as --user; the export is recorded in the audit trail.",
    )
    sheet.add_argument("--provider", required=True, help="provider's name or part of it")
    sheet.add_argument("--date", default="t", help=f"the day ({DATE_HELP}); default today")
    form = sheet.add_mutually_exclusive_group()
    form.add_argument("--pdf", metavar="FILE", help="write a PDF file")
    form.add_argument("--text", action="store_true", help="print plain text (the default)")
    sheet.add_argument("--replace", action="store_true", help="replace an existing file")
    _sign_in_options(sheet)
    sheet.set_defaults(run=run_day_sheet)

    ical = commands.add_parser(
        "ical",
        help="a provider's schedule as an iCalendar (.ics) file",
        description="Write a provider's appointments from one day to another (both "
        "included) as an iCalendar file readable by you only. Events show the appointment "
        "type and the patient's initials; --names puts full names in instead. Signs in as "
        "--user; the export is recorded in the audit trail.",
    )
    ical.add_argument("file", metavar="FILE", help="the .ics file to write")
    ical.add_argument("--provider", required=True, help="provider's name or part of it")
    ical.add_argument("--from", dest="from_date", required=True, help=f"first day ({DATE_HELP})")
    ical.add_argument("--to", dest="to_date", required=True, help=f"last day ({DATE_HELP})")
    ical.add_argument("--names", action="store_true", help="put patients' full names in the events")
    ical.add_argument("--replace", action="store_true", help="replace an existing file")
    _sign_in_options(ical)
    ical.set_defaults(run=run_ical)

    from .reminders import add_reminder_commands

    add_reminder_commands(commands)


def _password(username: str, from_stdin: bool) -> str:
    if sys.stdin is None:  # started with standard input closed
        raise ServiceError("There is no input to read the password from; use --password-stdin.")
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ServiceError("Give the password on a terminal, or use --password-stdin.")
    return getpass.getpass(f"Password for {username}: ")


def sign_in(args: argparse.Namespace) -> StaffMember:
    """Open the database and sign in the staff member named by --user."""
    username = getattr(args, "command_user", None) or args.user
    if not username:
        raise ServiceError("Say who is exporting: --user NAME (you will be asked the password).")
    open_database(resolve_path(args.db))
    load_clinic()
    staff = authenticate(username, _password(username, args.password_stdin))
    if staff.must_change_password:
        raise ServiceError("Your password must be changed first: sign in to moa-tui once.")
    return staff


def find_provider(actor: StaffMember, name: str) -> ProviderInfo:
    """The one active provider whose name is *name* or contains it (case does not matter)."""
    wanted = " ".join(name.split()).casefold()
    providers = list_providers(actor)
    exact = [p for p in providers if wanted in (p.name.casefold(), p.short_name.casefold())]
    if len(exact) == 1:
        return exact[0]
    partial = [
        p for p in providers if wanted in p.name.casefold() or wanted in p.short_name.casefold()
    ]
    if len(partial) == 1:
        return partial[0]
    known = ", ".join(p.name for p in (partial or providers)) or "none"
    if partial:
        raise ServiceError(f"{name!r} could be more than one provider: {known}.")
    raise ServiceError(f"No provider is called {name!r}. Providers: {known}.")


def _date(value: str, label: str):
    try:
        return parse_date("date", value, today=clock.today(), label=label)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.errors.values())) from None


def _plain_refusals(run):
    """A refused field is told as its message alone (no field name) on the command line."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except FileExists as exc:
            raise ServiceError(f"{exc.path} exists; add --replace to replace it.") from None
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.errors.values())) from None

    return wrapped


def _file(typed: str) -> str:
    """A file named on the command line is relative to the current folder, as in any
    command (the export folder is for names typed in the app's dialogs)."""
    return os.path.abspath(os.path.expanduser(typed)) if typed.strip() else typed


@_plain_refusals
def run_day_sheet(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    provider = find_provider(actor, args.provider)
    day = _date(args.date, "--date")
    if args.pdf:
        path = day_sheet_pdf(actor, day, provider.id, _file(args.pdf), overwrite=args.replace)
        print(f"Wrote the day sheet of {provider.name} for {day:%m/%d/%Y} to {path}.")
    else:
        sys.stdout.write(day_sheet_text(actor, day, provider.id))
    return 0


@_plain_refusals
def run_ical(args: argparse.Namespace) -> int:
    actor = sign_in(args)
    provider = find_provider(actor, args.provider)
    start, end = _date(args.from_date, "--from"), _date(args.to_date, "--to")
    count = export_icalendar(
        actor,
        provider.id,
        start,
        end,
        _file(args.file),
        include_names=args.names,
        overwrite=args.replace,
    )
    print(
        f"Wrote {plural(count, 'appointment')} of {provider.name}, "
        f"{start:%m/%d/%Y} to {end:%m/%d/%Y}, "
        f"to {args.file}."
    )
    return 0
