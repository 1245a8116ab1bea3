"""The demo clinic as the CLI prepares it."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moa_tui import cli
from moa_tui.db.backup import check_backup
from moa_tui.db.database import db, open_database, use_keys
from moa_tui.db.models import ClinicSettings, Patient, StaffMember
from moa_tui.services.demo import build as demo_build

from .conftest import SMALL_DEMO


@pytest.fixture
def small_demo(monkeypatch):
    """--demo builds the small clinic: these tests are about the file and the commands,
    not the demo's size (test_demo_is_built_once_and_leaves_other_files_alone builds the
    real one)."""
    monkeypatch.setattr(demo_build, "DEMO_SIZE", SMALL_DEMO)
    return SMALL_DEMO.patients


def test_demo_is_built_once_and_leaves_other_files_alone(tmp_path):
    keep = tmp_path / "demo-keep-me.db"
    keep.write_bytes(b"not ours")
    path = cli.prepare_demo(tmp_path / "demo-new.db")
    with db.connection_context():
        patients = Patient.select().count()
        assert patients == 2000
        assert StaffMember.get(StaffMember.username == "desk").role == "front_desk"
    cli.prepare_demo(path)  # a second start opens it as it is
    with db.connection_context():
        assert Patient.select().count() == patients
    assert keep.read_bytes() == b"not ours"
    db.close()


def test_an_empty_demo_file_is_built_on_the_next_start(tmp_path, small_demo):
    # As if the first start was interrupted after the file was created.
    path = open_database(tmp_path / "demo.db")
    cli.prepare_demo(path)
    with db.connection_context():
        assert Patient.select().count() == small_demo
    db.close()


# --- --demo never touches a real clinic (issue 8, item 8) -----------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A user with no clinic and no demo yet: the default paths point into tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.delenv("MOA_DB", raising=False)
    monkeypatch.delenv("MOA_KEY_FILE", raising=False)
    yield tmp_path / "home" / "data" / "moa-tui"
    db.close()
    use_keys(None)


def _rows(path: Path) -> dict:
    open_database(path, migrate=False)
    with db.connection_context():
        rows = {
            "settings": list(ClinicSettings.select().dicts()),
            "staff": list(StaffMember.select().dicts()),
            "patients": Patient.select().count(),
        }
    db.close()
    return rows


@pytest.fixture
def real_clinic(tmp_path, monkeypatch) -> Path:
    """A clinic made as the README says: `moa-tui --db clinic.db staff add admin ...`."""
    path = tmp_path / "clinic.db"
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery 2026\n"))
    add = ["staff", "add", "admin", "--name", "Ada Admin", "--password-stdin"]
    assert cli.main(["--db", str(path), *add]) == 0
    db.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return path


REAL_CLINIC_COMMANDS = {
    "app": [],
    "kiosk": ["--kiosk"],
    "audit-verify": ["audit", "verify"],
    "backup": ["backup", "copy.db"],
    "staff-add": ["staff", "add", "x", "--name", "X"],
}


@pytest.mark.parametrize("command", REAL_CLINIC_COMMANDS.values(), ids=REAL_CLINIC_COMMANDS)
def test_demo_refuses_a_real_clinic_and_writes_nothing(real_clinic, home, capsys, command):
    before_bytes = hashlib.sha256(real_clinic.read_bytes()).hexdigest()
    before = _rows(real_clinic)
    capsys.readouterr()

    code = cli.main(["--demo", "--db", str(real_clinic), *command])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "is not a demo clinic" in err and "Traceback" not in err
    assert hashlib.sha256(real_clinic.read_bytes()).hexdigest() == before_bytes
    assert _rows(real_clinic) == before
    assert not (real_clinic.parent / "copy.db").exists()


def test_the_demo_is_marked_and_reopened(home, small_demo):
    assert cli.main(["--demo", "audit", "verify"]) == 0
    path = cli.demo_path()
    rows = _rows(path)
    assert rows["settings"][0]["is_demo"] and rows["patients"] == small_demo
    assert cli.main(["--demo", "audit", "verify"]) == 0
    assert _rows(path)["patients"] == small_demo


def test_a_database_with_staff_is_not_built_into(tmp_path):
    """Even past the file check (a staff member added a moment later), the build refuses."""
    from moa_tui.services.demo import build_demo
    from moa_tui.services.errors import ServiceError
    from moa_tui.services.security.staff import create_first_admin, load_clinic

    open_database(tmp_path / "c.db")
    load_clinic()
    create_first_admin({"username": "ada", "full_name": "Ada", "password": "correct horse 2026"})
    with pytest.raises(ServiceError, match="empty database"):
        build_demo()
    with db.connection_context():
        assert not Patient.select().exists()
        assert ClinicSettings.get().name != "Demo Family Practice"
    db.close()


# --- --demo with every command; no command invents an empty clinic (item 9) -------------------


def test_demo_works_with_the_commands(home, tmp_path, capsys, small_demo):
    copy = tmp_path / "demo-copy.db"
    assert cli.main(["--demo", "backup", str(copy)]) == 0
    assert check_backup(copy, None).is_demo
    assert cli.main(["--demo", "verify-backup", str(copy)]) == 0
    assert cli.main(["--demo", "restore", str(copy)]) == 0
    assert _rows(cli.demo_path())["patients"] == small_demo


def test_demo_restores_only_a_demo_backup(home, real_clinic, tmp_path, capsys, small_demo):
    assert cli.main(["--demo", "audit", "verify"]) == 0
    demo = cli.demo_path()
    before = _rows(demo)
    real_copy = tmp_path / "real-copy.db"
    assert cli.main(["--db", str(real_clinic), "backup", str(real_copy)]) == 0
    capsys.readouterr()
    assert cli.main(["--demo", "restore", str(real_copy)]) == 2
    assert "not a backup of the demo clinic" in capsys.readouterr().err
    assert _rows(demo) == before


@pytest.mark.parametrize(
    "command",
    [[], ["--kiosk"], ["--waiting-room"], ["audit", "verify"], ["backup", "b.db"], ["rekey"]],
    ids=["app", "kiosk", "waiting-room", "audit-verify", "backup", "rekey"],
)
def test_without_a_clinic_nothing_is_created(home, capsys, command):
    code = cli.main(command)
    err = capsys.readouterr().err
    assert code == 2 and "There is no clinic database at" in err and "--demo" in err
    assert not home.exists() or not list(home.rglob("*.db"))


# --- no traceback with no terminal (item 10's command-line part) -----------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["staff", "add", "bo", "--name", "Bo"],
        ["staff", "add", "bo", "--name", "Bo", "--password-stdin"],
        ["day-sheet", "--provider", "Q", "--user", "desk"],
        ["day-sheet", "--provider", "Q", "--user", "desk", "--password-stdin"],
        ["ical", "x.ics", "--provider", "Q", "--from", "t", "--to", "t", "--user", "desk"],
        ["rekey"],
        ["audit", "verify"],
        ["backup", "b.db"],
        ["verify-backup", "b.db"],
        ["restore", "b.db"],
        ["--kiosk"],
        [],
    ],
)
@pytest.mark.parametrize("stdin", ["devnull", "closed"])
def test_every_command_without_a_terminal_ends_in_one_sentence(demo_db, tmp_path, command, stdin):
    db.close()
    new = tmp_path / "new.db"
    target = new if command[:2] == ["staff", "add"] else demo_db
    ran = subprocess.run(
        [sys.executable, "-m", "moa_tui", "--db", str(target), *command],
        stdin=subprocess.DEVNULL if stdin == "devnull" else None,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
        **({"preexec_fn": _close_stdin} if stdin == "closed" else {}),
    )
    assert "Traceback" not in ran.stderr, ran.stderr
    if ran.stderr:
        assert ran.stderr.startswith("moa-tui: ") and ran.stderr.count("\n") == 1, ran.stderr
    if ran.returncode != 0:
        assert ran.stderr or ran.stdout  # says why
    if command[:2] == ["staff", "add"]:
        assert ran.returncode == 2 and "password" in ran.stderr
        assert not new.exists()


def _close_stdin() -> None:
    os.close(0)
