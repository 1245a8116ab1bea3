"""Command line: `moa-tui [--db PATH | --demo] [--user NAME]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import platformdirs

from . import __version__
from .db import database
from .db.audit_key import use_audit_key_file
from .db.database import (
    DatabaseError,
    PeeweeDatabaseError,
    is_url,
    open_database,
    resolve_path,
    use_cli_keys,
)
from .db.partials import remove_stale_partials
from .entry import collector_on
from .services import clock
from .services.errors import ServiceError

# Each module adds its subcommands with register(subparsers); args.run(args) runs one.
# They are imported only when the command line names a command (or asks for --help):
# together they cost ~0.3 s of the app's start (billing's X12, audit's chain), which
# the app itself never uses.
COMMAND_MODULES = ("audit", "backup", "billing", "generate", "migrate_pg", "schedule", "staff")

# The options before a command that take a value (a value is not a command's name).
_VALUE_OPTIONS = ("--db", "--user", "--key-file", "--audit-key-file")


def command_modules() -> list:
    from importlib import import_module

    return [import_module(f"{__package__}.commands.{name}") for name in COMMAND_MODULES]


def names_a_command(argv: list[str]) -> bool:
    """Whether *argv* may name a subcommand (or asks for help, which lists them): any word
    that is neither an option nor an option's value. When unsure it says yes, which only
    costs the imports."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return True
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return True
    return False


def demo_dir() -> Path:
    return Path(platformdirs.user_data_dir("moa-tui")) / "demo"


def demo_path() -> Path:
    """The demo clinic is built for one day; each day gets a fresh one."""
    return demo_dir() / f"demo-{clock.today()}.db"


class NotADemo(ServiceError):
    """--demo was pointed at a file that holds a clinic it did not build."""


def check_demo_file(path: Path) -> None:
    """Refuse, before anything is written, a file --demo may not use: only a new or
    empty file, or a demo clinic that --demo built, will do."""
    from .db import crypto
    from .db.database import key_for
    from .db.demo_mark import DemoState, demo_state

    key = None if is_url(path) or crypto.is_new(path) else key_for(path)
    if demo_state(path, key) is DemoState.OTHER:
        raise NotADemo(
            f"{path} is not a demo clinic, so --demo leaves it alone: open it without "
            "--demo, or give --demo a new file."
        )


def prepare_demo(path: Path, *, build: bool = True) -> Path:
    """Open the demo clinic at *path*, building it if it has no patients yet (a build
    that was interrupted left nothing behind: it is one transaction). Refuses, writing
    nothing, a file that holds anything but a demo clinic. Without *build* a missing
    demo is left missing (a restore makes it)."""
    from .db import crypto
    from .services.demo import build_demo, is_demo_clinic, is_empty
    from .services.security.staff import load_clinic

    path = path if is_url(path) else path.expanduser()
    check_demo_file(path)
    if not build and not is_url(path) and crypto.is_new(path):
        return path
    open_database(path)
    if is_empty():
        if build:
            collector_on()  # a whole clinic's build is work, not loading (entry.py)
            load_clinic()
            build_demo()
    elif not is_demo_clinic():  # written between the check and the opening
        raise NotADemo(f"{path} is not a demo clinic, so --demo leaves it alone.")
    else:  # built earlier: its day catches up with the clock (issue 9 item 10)
        from .services.demo.day import catch_up_demo_day

        catch_up_demo_day()
    if not is_url(path) and path.parent == demo_dir():
        # Earlier days' demo clinics in the demo folder are of no more use.
        for old in path.parent.glob("demo-*.db*"):
            if not old.name.startswith(path.name):
                old.unlink(missing_ok=True)
    return path


def make_app(
    db_path: Path,
    username: str | None = None,
    *,
    actor=None,
    demo: bool = False,
    keymap_file: Path | None = None,
):
    """The one app factory, used by the CLI and the tests.

    The app starts at the sign-in screen (username filled in from --user, $MOA_USER or
    the login name), unless *actor* is given or the operating-system login is mapped to
    a staff account (one SSH account per person: they signed in at SSH).
    """
    from .app import MoaApp
    from .services.security.security import resolve_username, staff_for_os_login
    from .services.security.staff import has_staff, load_clinic

    clinic = load_clinic()
    if not has_staff():
        raise ServiceError(
            "This clinic has no staff accounts yet. Create its administrator with\n"
            "  moa-tui staff add USERNAME --name 'Full Name'"
        )
    if actor is None and not demo:
        actor = staff_for_os_login()
    name = "desk" if demo and not username else resolve_username(username)
    return MoaApp(
        actor,
        db_path,
        clinic_name=clinic.name,
        username=name,
        idle_minutes=clinic.idle_lock_minutes,
        signin_note=_demo_note() if demo else "",
        keymap_file=keymap_file,
    )


def _demo_note() -> str:
    # (services.demo builds a whole clinic: ~90 ms of imports a real clinic's start skips)
    from .services.demo import DEMO_PASSWORD

    return f"Demo clinic: every demo user's password is {DEMO_PASSWORD}."


def make_kiosk_app(
    db_path: Path, username: str | None = None, *, actor=None, waiting_room: bool = False
):
    """The self check-in kiosk (or the waiting-room display), signed in with the kiosk
    account."""
    from .kiosk import KioskApp, WaitingRoomApp
    from .services.security.staff import load_clinic

    clinic = load_clinic()
    if waiting_room:
        return WaitingRoomApp(clinic.name, db_path, username or "kiosk", actor)
    return KioskApp(clinic.name, username or "kiosk", actor)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without *with_commands*, only the app's own options (the
    subcommands' modules are not imported)."""
    parser = argparse.ArgumentParser(
        prog="moa-tui", description="Front desk of a medical office, by keyboard."
    )
    parser.add_argument(
        "--db",
        help="SQLite database file, or a PostgreSQL server's postgresql://USER@HOST/DBNAME "
        "(default: $MOA_DB or per-user data)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open (building if needed) the demo clinic"
    )
    parser.add_argument("--user", help="staff username (default: $MOA_USER or your login)")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument(
        "--kiosk", action="store_true", help="the patients' self check-in kiosk (kiosk account)"
    )
    modes.add_argument(
        "--waiting-room",
        action="store_true",
        help="the waiting-room display: tickets only, no names (kiosk account)",
    )
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help="key of an encrypted database (default: $MOA_KEY_FILE, else asked for); "
        "a new database is created encrypted with it",
    )
    parser.add_argument(
        "--audit-key-file",
        metavar="PATH",
        help="the key that seals the audit trail (default: $MOA_AUDIT_KEY_FILE, else "
        "DATABASE.audit-key); made with a new database",
    )
    parser.add_argument("--version", action="version", version=f"moa-tui {__version__}")
    parser.set_defaults(command=None)
    if with_commands:
        commands = parser.add_subparsers(dest="command", metavar="COMMAND")
        for module in command_modules():
            module.register(commands)
    return parser


# A new clinic starts with its first administrator; a backup can be restored into a new
# file. Every other command needs the clinic to be there already.
CREATES_DATABASE = {"staff", "restore"}
# generate makes its own new FILE; migrate-to-postgresql names its --from and --to
USES_NO_DATABASE = {"verify-backup", "generate", "migrate-to-postgresql"}


def require_database(path: Path | str) -> None:
    """Refuse a database file that does not exist, rather than create an empty clinic
    (a command run without --db or --demo must not answer for a clinic nobody uses). A
    PostgreSQL database is made by the server's administrator; opening it says if it is
    not there."""
    from .db import crypto

    if is_url(path):
        return
    if crypto.is_new(path):
        raise DatabaseError(
            f"There is no clinic database at {path} yet: start one with `moa-tui staff add "
            "USERNAME --name 'Full Name'` (with the same --db), or use the demo clinic with "
            "--demo."
        )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(with_commands=names_a_command(argv)).parse_args(argv)
    use_cli_keys(args.key_file)
    use_audit_key_file(args.audit_key_file)
    try:
        if args.demo and args.command not in USES_NO_DATABASE:
            # --demo stands for the demo clinic's file, for the app, the kiosk and every
            # command alike (built first if today's is not there yet; a restore makes it).
            path = resolve_path(args.db) if args.db else demo_path()
            args.db = str(prepare_demo(path, build=args.command not in CREATES_DATABASE))
        elif args.command not in CREATES_DATABASE | USES_NO_DATABASE:
            require_database(resolve_path(args.db))
        if args.command not in USES_NO_DATABASE and not is_url(resolve_path(args.db)):
            # Copies of the records that a restore killed mid-way left beside the database.
            remove_stale_partials(resolve_path(args.db).parent)
        if args.command:
            collector_on()  # (off while the program loaded: entry.py)
            return args.run(args)
        path = open_database(resolve_path(args.db))
        if database.read_only_copy:
            raise DatabaseError(f"{database.display_name(path)} {database.READ_ONLY_APP}")
        if args.kiosk or args.waiting_room:
            app = make_kiosk_app(path, args.user, waiting_room=args.waiting_room)
        else:
            from .ui.keymap import keymap_path

            app = make_app(path, args.user, demo=args.demo, keymap_file=keymap_path())
    except (DatabaseError, ServiceError) as exc:
        print(f"moa-tui: {exc}", file=sys.stderr)
        return 2
    except PeeweeDatabaseError as exc:
        if not database.read_only(exc):  # a command's write (a sign-in) on a replica
            raise
        print(f"moa-tui: {database.READ_ONLY_MESSAGE}", file=sys.stderr)
        return 2
    except PermissionError as exc:
        print(f"moa-tui: no permission to open {exc.filename or 'the database'}.", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\nmoa-tui: stopped; nothing more was done.", file=sys.stderr)
        return 130
    if not (sys.stdin and sys.stdin.isatty() and sys.__stderr__ and sys.__stderr__.isatty()):
        # Over SSH, `ssh host cmd`, scp and sftp have no terminal: there is nobody to
        # show a screen to, and the program would never end.
        print("moa-tui: needs a terminal (ssh -t).", file=sys.stderr)
        return 2
    app.run(mouse=False)
    return app.return_code or 0
