"""Shared fixtures: a real SQLite FILE per test (WAL and second connections behave as in
production), a frozen clinic clock, and a small deterministic demo clinic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from moa_tui.db.audit_key import key_path as audit_key_path
from moa_tui.db.database import db, open_database
from moa_tui.services import clock
from moa_tui.services.demo import DemoSize, build_demo
from moa_tui.services.security import signin_delay
from moa_tui.services.security.staff import create_first_admin, find_staff, load_clinic

# Wednesday 18 November 2026, 10:30 in the clinic: mid-morning, some patients already in.
FROZEN_NOW = "2026-11-18T10:30:00"
ADMIN_PASSWORD = "correct horse battery"
DEMO_PASSWORD = "demo-password-2026"
SMALL_DEMO = DemoSize(patients=200, days_each_side=3, claims=60)


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.set_zone("America/New_York")
    clock.freeze(FROZEN_NOW)
    yield clock
    clock.freeze(None)


@pytest.fixture(autouse=True)
def sign_in_waits(monkeypatch):
    """The seconds sign-in attempts would have waited (signin_delay), recorded instead of
    slept: a test of five wrong passwords must not take seven seconds."""
    waited: list[float] = []
    monkeypatch.setattr(signin_delay, "sleep", waited.append)
    signin_delay.forget_all()
    yield waited
    signin_delay.forget_all()


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A new, migrated clinic database file with no data."""
    path = open_database(tmp_path / "clinic.db")
    yield path
    db.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    clock.set_zone("America/New_York")
    clock.freeze(FROZEN_NOW)
    path = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    load_clinic()
    build_demo(SMALL_DEMO)
    db.close()
    clock.freeze(None)
    return path


@pytest.fixture
def demo_db(_demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small demo clinic (built once per session) for this test."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_template, path)
    # The audit key lives beside the database, outside it: a copy needs it too.
    shutil.copy(audit_key_path(_demo_template), audit_key_path(path))
    open_database(path)
    load_clinic()
    yield path
    db.close()


@pytest.fixture
def desk(demo_db):
    """The front-desk staff member of the demo clinic."""
    return find_staff("desk")


@pytest.fixture
def admin(empty_db):
    """The first (admin) user of an empty clinic."""
    load_clinic()
    return create_first_admin(
        {"username": "admin", "full_name": "Ada Admin", "password": ADMIN_PASSWORD}
    )
