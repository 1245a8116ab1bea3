"""`moa-tui staff add`: the first administrator of a new clinic."""

from __future__ import annotations

import getpass
import sys

from ..db.database import open_database, resolve_path
from ..services.staff import create_first_admin, load_clinic


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
    open_database(resolve_path(args.db))
    load_clinic()
    password = _password(args.password_stdin)
    staff = create_first_admin(
        {"username": args.username, "full_name": args.name, "password": password}
    )
    print(f"Created administrator {staff.username}. Start moa-tui and sign in.")
    return 0
