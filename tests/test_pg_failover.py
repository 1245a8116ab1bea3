"""A PostgreSQL server that goes away and comes back, and a streaming replica for reports
(issue 10 items 5 and 6; docs/network.md).

Each test makes its own throw-away cluster(s) (tests/pg_cluster.py) on free ports: the
shared server on 127.0.0.1:5432 is never stopped. Skipped, with the reason, where the
PostgreSQL 15 server binaries are not installed.
"""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from textual.widgets import Input, Static

from moa_tui.cli import main, make_app
from moa_tui.db.audit_key import key_path as audit_key_path
from moa_tui.db.database import READ_ONLY_MESSAGE, db, open_database
from moa_tui.db.models import Patient
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.form import PatientFormScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.screens.security.signin import LoginScreen
from moa_tui.services import clock
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import ClaimFilter
from moa_tui.services.core import UNREACHABLE_MESSAGE
from moa_tui.services.demo import build_demo
from moa_tui.services.errors import ServiceError
from moa_tui.services.patients.patients import create_patient, search_patients
from moa_tui.services.scheduling.day_sheet import day_sheet, day_sheet_text
from moa_tui.services.scheduling.schedule import list_providers
from moa_tui.services.security.staff import create_first_admin, find_staff, load_clinic

from . import pg_cluster
from .conftest import ADMIN_PASSWORD as PASSWORD
from .conftest import DEMO_PASSWORD, SMALL_DEMO
from .ui_helpers import settle

pytestmark = [
    pytest.mark.postgresql_only,
    pytest.mark.skipif(bool(pg_cluster.problem()), reason=pg_cluster.problem() or "-"),
]

SIZE = (80, 24)
AWAY = "The database is unreachable, retrying"


@pytest.fixture
def clusters(monkeypatch, tmp_path):
    """Throw-away clusters, and the companion files (audit key, anchors) of their
    databases in this test's directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MOA_AUDIT_KEY_FILE", raising=False)
    monkeypatch.setenv("MOA_ANCHOR_FILE", str(tmp_path / "server.anchors"))
    monkeypatch.delenv("MOA_DB", raising=False)
    with pg_cluster.Clusters() as made:
        yield made
    db.close()


def _demo_clinic(primary: pg_cluster.Cluster) -> str:
    """The small demo clinic in database ``clinic`` on *primary*; its URL."""
    primary.execute("CREATE DATABASE clinic")
    url = open_database(primary.url("clinic"))
    load_clinic()
    build_demo(SMALL_DEMO)
    db.close()
    return url


def _screen_text(app) -> str:
    """Every line of text on the screen and in its notifications (toasts)."""
    parts = [str(w.render()) for w in app.screen.query(Static)]
    parts += [n.message for n in app._notifications]
    return "\n".join(parts)


async def _until(pilot, condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.1)


def _typed(app) -> dict[str, str]:
    return {
        name: app.screen.query_one(f"#{name}", Input).value
        for name in ("last_name", "first_name", "dob")
    }


async def test_a_server_restart_shows_a_banner_keeps_the_form_and_the_next_save_works(clusters):
    primary = clusters.new().init().start()
    url = _demo_clinic(primary)
    desk = find_staff("desk")
    app = make_app(url, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.database_away
        await pilot.press("f4", "ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        await pilot.press(*"Restartson", "enter", *"Quinn", "enter", *"04/17/1962")
        app.screen.query_one("#phone_mobile").value = "315-555-0199"
        typed = _typed(app)
        assert typed == {"last_name": "Restartson", "first_name": "Quinn", "dob": "04/17/1962"}

        # The server goes away (pg_ctl stop -m fast ends every session, as a restart does).
        await asyncio.to_thread(primary.stop)
        # The banner comes by itself, with no key pressed: the watcher noticed.
        await _until(pilot, lambda: app.database_away and AWAY in _screen_text(app))
        # The other terminal (a service caller) gets the same sentence, not a traceback.
        with pytest.raises(ServiceError, match="unreachable; nothing was saved"):
            search_patients(desk, "smi")
        # A save while it is away: refused with the sentence; the form and what was typed stay.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        assert _typed(app) == typed
        assert "unreachable; nothing was saved" in _screen_text(app)

        # Back: the banner goes by itself (the app kept retrying in the background).
        await asyncio.to_thread(primary.start)
        await _until(pilot, lambda: not app.database_away and AWAY not in _screen_text(app))
        assert _typed(app) == typed
        # And the same form saves now, and the other terminal reads again.
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, PatientFormScreen):  # a possible duplicate, shown once
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert search_patients(desk, "restartson")
    assert Patient.get(Patient.last_name == "Restartson").first_name == "Quinn"


async def test_signing_in_while_the_server_is_away_is_a_sentence_then_works(clusters):
    primary = clusters.new().init().start()
    primary.execute("CREATE DATABASE clinic")  # (a clinic with one account is enough)
    url = open_database(primary.url("clinic"))
    load_clinic()
    create_first_admin({"username": "admin", "full_name": "Ada Admin", "password": PASSWORD})
    db.close()
    app = make_app(url, "admin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await asyncio.to_thread(primary.stop)
        await _until(pilot, lambda: app.database_away)
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert UNREACHABLE_MESSAGE in _screen_text(app)
        assert "Unexpected error" not in _screen_text(app)
        await asyncio.to_thread(primary.start)
        await _until(pilot, lambda: not app.database_away)
        app.screen.query_one("#password", Input).value = ""  # (cleared or not, typed anew)
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)


def test_a_streaming_replica_serves_reports_and_refuses_writes_with_a_sentence(
    clusters, monkeypatch, capsys
):
    primary = clusters.new().init().start()
    url = _demo_clinic(primary)
    replica = clusters.new("replica").replica_of(primary).start()
    replica.wait_until_ready()
    assert replica.execute("SELECT pg_is_in_recovery()") == [(True,)]

    # The desk writes on the primary.
    open_database(url)
    load_clinic()
    desk = find_staff("desk")
    create_patient(
        desk,
        {
            "last_name": "Replicason",
            "first_name": "Ada",
            "dob": "03/02/1971",
            "sex": "f",
            "phone_mobile": "(607) 555-0142",
            "state": "ny",
            "zip": "12345",
        },
        allow_duplicate=True,
    )
    provider = list_providers(desk)[0]
    today = clock.today()
    on_primary = (claim_totals(desk, ClaimFilter()), day_sheet(desk, today, provider.id).rows)
    db.close()
    # (What the primary committed reaches the replica: wait for its WAL to be replayed.)
    (lsn,) = primary.execute("SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + 15
    while replica.execute(f"SELECT pg_last_wal_replay_lsn() < '{lsn}'::pg_lsn", "clinic") != [
        (False,)
    ]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)

    # Reports read from the replica, opened as any clinic database is (nothing to migrate:
    # it is the primary's copy), with the clinic's audit key (every app server holds a copy).
    monkeypatch.setenv("MOA_AUDIT_KEY_FILE", str(audit_key_path(url)))
    open_database(replica.url("clinic"))
    load_clinic()
    desk = find_staff("desk")
    assert [h.name for h in search_patients(desk, "replicason")]
    assert claim_totals(desk, ClaimFilter()) == on_primary[0]
    assert day_sheet(desk, today, provider.id).rows == on_primary[1]
    # A write there is refused with a sentence (nothing half-done, no traceback) ...
    with pytest.raises(ServiceError) as refused:
        create_patient(desk, {"last_name": "Nowhere", "first_name": "Nat", "dob": "01/01/1990"})
    assert str(refused.value) == READ_ONLY_MESSAGE
    # ... so is a report that records its export in the audit trail.
    with pytest.raises(ServiceError, match="read-only copy"):
        day_sheet_text(desk, today, provider.id)
    db.close()

    # The command line: a command that signs in (and so records it) gets the sentence, the
    # app is refused at start with what a replica is for, and `audit verify` runs there.
    replica_url = replica.url("clinic")
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    sheet = ["--db", replica_url, "day-sheet", "--provider", provider.name.split()[-1]]
    assert main([*sheet, "--user", "desk", "--password-stdin"]) == 2
    assert capsys.readouterr().err == f"moa-tui: {READ_ONLY_MESSAGE}\n"
    assert main(["--db", replica_url, "--user", "desk"]) == 2
    assert "is a read-only replica: the app records every sign-in" in capsys.readouterr().err
    assert main(["--db", replica_url, "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    db.close()
