"""`moa-tui staff add`: the first administrator of a new clinic."""

from __future__ import annotations

import getpass
import sys

from ..db.database import open_database, resolve_path
from ..services.errors import ServiceError
from ..services.security.staff import create_first_admin, load_clinic


def register(commands) -> None:
    staff = commands.add_parser("staff", help="staff accounts (the first admin)")
    sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add",
        help="create the first administrator of a new clinic (later accounts: F8 Staff)",
    )
    add.add_argument("username")
    add.add_argument("--name", required=True, help="full name, e.g. 'Dana Officer'")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of asking",
    )
    add.set_defaults(run=run_add)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Password again: ") != first:
        raise SystemExit("moa-tui: the two passwords differ; nothing was saved.")
    return first


def run_add(args) -> int:
    if sys.stdin is None:  # started with standard input closed
        raise ServiceError("There is no input to read the password from; use --password-stdin.")
    if not args.password_stdin and not sys.stdin.isatty():
        # getpass would fall back to reading a closed or piped stdin and end in EOFError;
        # refused before the database file is made.
        raise ServiceError("There is no terminal to ask for the password; use --password-stdin.")
    # Read from stdin before the file is made, so an empty one makes no empty clinic; a
    # person is asked after the database opened (a refusal then comes before the typing).
    password = _password(True) if args.password_stdin else None
    if password == "":
        raise ServiceError("No password was given on standard input; nothing was saved.")
    open_database(resolve_path(args.db))
    load_clinic()
    if password is None:
        password = _password(False)
    staff = create_first_admin(
        {"username": args.username, "full_name": args.name, "password": password}
    )
    print(f"Created administrator {staff.username}. Start moa-tui and sign in.")
    return 0
