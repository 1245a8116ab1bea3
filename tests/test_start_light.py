"""Nothing heavy at import (issue 10): importing the app loads no area's screens (each is
imported when its area is first shown) and computes no password hash (an unknown username
is checked against a dummy hash written in the code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import moa_tui.app as app
from moa_tui.services.security import security
print(json.dumps({
    "screens": sorted(m for m in sys.modules if m.startswith("moa_tui.screens.")),
    "dummy_made": security._dummy_hash.cache_info().currsize,
    "zxcvbn": "zxcvbn" in sys.modules,
    "areas": sorted(app.AREAS),
}))
"""


def _probe() -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_app_loads_only_the_sign_in_screens():
    probe = _probe()
    areas = {
        "moa_tui.screens.scheduling.schedule",
        "moa_tui.screens.frontdesk.flow_board",
        "moa_tui.screens.patients.patients",
        "moa_tui.screens.billing.claims",
        "moa_tui.screens.supplies.stock",
        "moa_tui.screens.security.audit",
        "moa_tui.screens.security.staff",
        "moa_tui.screens.comms.inbox",
        "moa_tui.screens.books.hub",
    }
    assert "moa_tui.screens.security.signin" in probe["screens"]  # the probe sees screens
    assert areas.isdisjoint(probe["screens"]), sorted(areas & set(probe["screens"]))
    assert len(probe["areas"]) == len(areas)


def test_no_password_hash_is_computed_and_no_word_list_loaded_at_import():
    probe = _probe()
    assert probe["dummy_made"] == 0
    assert probe["zxcvbn"] is False  # loaded when a new password is first judged


def test_each_area_builds_its_screen_when_first_shown():
    from textual.screen import Screen

    from moa_tui.app import AREAS

    for name, (_keys, _label, build, _permission) in AREAS.items():
        screen = build()
        assert isinstance(screen, Screen), name
        assert type(screen).__name__ == build.__qualname__, name


def test_an_unknown_username_is_checked_against_a_hash_nobody_waits_for(monkeypatch):
    """The dummy hash is written in the code with the library's parameters, so checking a
    password against it costs what checking a real one does, and no sign-in waits for
    one to be made. This fails when argon2-cffi changes its parameters: renew DUMMY_HASH
    (`python -c "import argon2, secrets; print(argon2.PasswordHasher().hash(secrets.
    token_urlsafe(32)))"`); until then the app makes one when first needed."""
    import argon2

    from moa_tui.services.security import security

    class NoHashing(argon2.PasswordHasher):
        def hash(self, *args, **kwargs):
            raise AssertionError("a dummy hash was made")

    assert not argon2.PasswordHasher().check_needs_rehash(security.DUMMY_HASH)
    security._dummy_hash.cache_clear()
    monkeypatch.setattr(security, "_hasher", NoHashing())
    assert security._dummy_hash() == security.DUMMY_HASH
    assert security._verify("", "not a real password") is False


async def test_the_session_keeps_what_it_built_out_of_the_collectors_way(demo_db):
    """Full garbage collections of the whole heap paused keys 75-135 ms on a large clinic:
    what start-up and the first area built is frozen, and full collections come rarely.
    The collector, off while the moa-tui command loaded (entry.py), is on again once the
    first screen is painted."""
    import gc

    from moa_tui.cli import make_app

    from .ui_helpers import settle

    gc.unfreeze()
    app = make_app(demo_db, "desk")
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            at_sign_in = gc.get_freeze_count()
            assert at_sign_in > 0 and gc.get_threshold()[2] == 1000
            await pilot.press(*"demo-password-2026", "enter")
            await settle(pilot)
            assert app.current_mode == "schedule"
            assert gc.get_freeze_count() > at_sign_in  # the first area's screen too
    finally:
        gc.enable()


CLI_PROBE = """
import json, sys
import moa_tui.cli as cli
parser = cli.build_parser(with_commands=cli.names_a_command(["--db", "x.db", "--user", "ann"]))
parser.parse_args(["--db", "x.db", "--user", "ann"])
print(json.dumps({
    "psycopg": sorted(m for m in sys.modules if m.split(".")[0] in ("psycopg", "psycopg_binary")),
    "commands": sorted(m for m in sys.modules if m.startswith("moa_tui.commands.")),
    "peewee_has_psycopg": sys.modules["peewee"].psycopg is not None,
}))
"""


def test_starting_the_app_imports_no_postgresql_driver_and_no_command():
    """psycopg (100+ ms) waits for a postgresql:// URL; the subcommands' modules (X12,
    the audit chain: ~0.3 s) wait for a command line that names one."""
    out = subprocess.run(
        [sys.executable, "-c", CLI_PROBE],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["psycopg"] == []
    assert probe["peewee_has_psycopg"] is False
    assert probe["commands"] == []


def test_a_command_line_that_may_name_a_command_registers_them_all():
    from moa_tui.cli import build_parser, names_a_command

    assert not names_a_command([])
    assert not names_a_command(["--db", "audit", "--user", "staff", "--kiosk"])
    assert not names_a_command(["--db=clinic.db", "--demo"])
    assert names_a_command(["--db", "clinic.db", "audit", "verify"])
    assert names_a_command(["--help"])
    assert names_a_command(["--us", "ann"])  # unsure (an abbreviation): yes costs nothing
    # With no command, the app's options parse the same without the subcommands.
    args = build_parser(with_commands=False).parse_args(["--db", "audit", "--kiosk"])
    assert (args.db, args.kiosk, args.command) == ("audit", True, None)
    choices = build_parser()._subparsers._group_actions[0].choices
    assert {"audit", "backup", "billing", "generate", "staff", "day-sheet"} <= set(choices)


def test_peewee_gets_psycopg_when_a_server_is_first_opened():
    """The driver peewee skipped at import is handed to it (and to postgres_ext) on the
    first postgresql:// URL: a fresh process imports light, then connects (or, with no
    server, fails to connect with peewee's driver in place, not "driver not found")."""
    probe = """
import sys
import moa_tui.cli
from moa_tui.db import database
assert "psycopg" not in sys.modules
try:
    database.open_database("postgresql://nobody@127.0.0.1:1/none", migrate=False)
except database.DatabaseError as exc:
    print("refused:", exc)
import peewee, playhouse.postgres_ext as ext
print(peewee.psycopg.__name__, peewee.Psycopg3Adapter.txn_idle.name, ext.TypeInfo.__name__)
"""
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("refused: Cannot reach the database"), lines
    assert "driver not found" not in lines[0]
    assert lines[-1] == "psycopg IDLE TypeInfo"


def test_the_app_for_a_real_clinic_does_not_import_the_demo_builder(demo_db):
    """make_app imports services.demo (a whole clinic's builder, ~90 ms) only for --demo,
    and the clock's arrow (30-40 ms) only when the time is first asked, which nothing on
    the way to the sign-in screen does; the preload run while sign-in shows loads it."""
    probe = f"""
import sys
from moa_tui import cli
from moa_tui.areas import preload
from moa_tui.db.database import open_database
app = cli.make_app(open_database({str(demo_db)!r}), "desk")
print("arrow" in sys.modules)
preload("schedule")
print("arrow" in sys.modules)
print(sorted(m for m in sys.modules if m.startswith("moa_tui.services.demo")))
demo = cli.make_app(open_database({str(demo_db)!r}), "desk", demo=True)
print("password is" in demo.signin_note)
"""
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    assert lines[-4:-2] == ["False", "True"], out.stdout  # arrow: not at start; preloaded
    assert lines[-2] == "[]", out.stdout
    assert lines[-1] == "True"  # --demo still says the demo password


SCHEDULE_PROBE = """
import asyncio, json, sys
from moa_tui import cli
from moa_tui.db.database import open_database
from moa_tui.services import clock
from tests.ui_helpers import settle, table_rows

clock.set_zone("America/New_York")
clock.freeze({now!r})


async def main():
    app = cli.make_app(open_database({db!r}), "desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*{password!r}, "enter")
        await settle(pilot)
        rows = table_rows(app, "#schedule-table")
        print(json.dumps({{
            "screen": type(app.screen).__name__,
            "rows": len(rows),
            "modules": sorted(m for m in sys.modules if m.startswith("moa_tui.")),
        }}))


asyncio.run(main())
"""


def test_the_schedules_first_paint_imports_none_of_the_screens_its_keys_open(demo_db):
    """Signing in paints today's schedule without importing the calendar, day grid, month,
    calls, booking, waitlist, charges screens or the schedule's dialogs (PDF day sheet,
    iCalendar, recurring series): ~300 ms of a cold start on a loaded machine (issue 10).
    Each is imported by the key that opens it."""
    from .conftest import DEMO_PASSWORD, FROZEN_NOW

    probe = SCHEDULE_PROBE.format(now=FROZEN_NOW, db=str(demo_db), password=DEMO_PASSWORD)
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["screen"] == "ScheduleScreen"
    assert result["rows"] > 0  # the day is painted (the demo clinic books the frozen today)
    loaded = set(result["modules"])
    assert "moa_tui.screens.scheduling.schedule" in loaded
    opened_by_keys = {
        "moa_tui.screens.scheduling.calendar",
        "moa_tui.widgets.day_grid",
        "moa_tui.screens.scheduling.month",
        "moa_tui.screens.scheduling.calls",
        "moa_tui.screens.scheduling.booking",
        "moa_tui.screens.scheduling.waitlist",
        "moa_tui.screens.scheduling.hours",
        "moa_tui.screens.scheduling.types",
        "moa_tui.screens.scheduling.intake",
        "moa_tui.screens.scheduling.offer",
        "moa_tui.screens.scheduling.schedule_dialogs",
        "moa_tui.screens.billing.unbilled",
        "moa_tui.screens.billing.charges",
        "moa_tui.services.scheduling.day_sheet",
        "moa_tui.services.scheduling.ical",
        "moa_tui.services.scheduling.recurring",
    }
    assert not opened_by_keys & loaded, sorted(opened_by_keys & loaded)


COLLECTOR_PROBE = """
import gc, sys
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(1))
sys.argv = ["moa-tui", "--help"]
from moa_tui import entry
try:
    entry.main()
except SystemExit:
    pass
import moa_tui.db.models
print(len(collections), gc.isenabled())
"""


def test_the_command_loads_with_the_collector_off():
    """entry.main (the moa-tui command) turns the collector off before anything loads:
    loading cli (peewee, every model) and parsing the command line make no collection
    (with the collector on they made dozens), and it is still off when cli.main runs."""
    out = subprocess.run(
        [sys.executable, "-c", COLLECTOR_PROBE],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    )
    assert out.stdout.split()[-2:] == ["0", "False"], out.stdout


def test_a_command_and_a_demo_build_run_with_the_collector_on(tmp_path, monkeypatch):
    """Work is not loading: cli.main turns the collector back on before a command runs
    (and prepare_demo before it builds a clinic), with what was loaded frozen."""
    import gc
    import io

    import moa_tui.services.demo as demo_builder
    from moa_tui import cli
    from moa_tui.db.database import db

    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery 2026\n"))
    add = ["staff", "add", "admin", "--name", "Ada Admin", "--password-stdin"]
    built_with_collector = []  # (the build itself is the demo's tests' business)
    monkeypatch.setattr(
        demo_builder, "build_demo", lambda: built_with_collector.append(gc.isenabled())
    )
    gc.disable()
    try:
        assert cli.main(["--db", str(tmp_path / "clinic.db"), *add]) == 0
        assert gc.isenabled()
        gc.disable()
        cli.prepare_demo(tmp_path / "demo.db")
        assert built_with_collector == [True]
    finally:
        gc.enable()
        db.close()
