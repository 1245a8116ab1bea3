"""End to end: the installed `moa-tui` console script in a real 80x24 pseudo-terminal.

What the terminal shows is rendered with pyte, so the assertions are about what a person at
the desk would see, not about widgets. Nothing touches the real user's files: HOME and the
XDG directories point into the test's temporary directory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .pty_terminal import PtyTerminal

START_DEADLINE = 20.0  # seconds for the first screen to appear (cold imports, building the demo)
EXIT_DEADLINE = 5.0  # seconds for a clean exit after Ctrl+Q


def moa_tui_script() -> str:
    """The installed console script: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("moa-tui")
    if beside.exists():
        return str(beside)
    found = shutil.which("moa-tui")
    if not found:
        pytest.skip("the moa-tui console script is not installed")
    return found


def isolated_env(home: Path) -> dict[str, str]:
    """The environment of a new user on a plain xterm, with no way to reach real data."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOA_", "TEXTUAL", "XDG_")) and key not in ("COLUMNS", "LINES")
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    return env


class PtyApp(PtyTerminal):
    """The installed moa-tui in a pseudo-terminal."""

    def wait_for(self, predicate, deadline: float) -> bool:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if not self.pump():
                return predicate(self.text())
            if predicate(self.text()):
                return True
            if self.proc.poll() is not None:
                # Drain what is left, then give the verdict.
                while self.pump(0):
                    pass
                return predicate(self.text())
        return predicate(self.text())

    def wait_exit(self, deadline: float) -> int | None:
        """Keep reading (a full terminal would block the program) until it exits."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            code = self.proc.poll()
            if code is not None:
                return code
            self.pump()
        return self.proc.poll()


@pytest.fixture
def pty_app(tmp_path: Path):
    started: list[PtyApp] = []

    def start(*args: str) -> PtyApp:
        app = PtyApp([moa_tui_script(), *args], isolated_env(tmp_path / "home"), tmp_path)
        started.append(app)
        return app

    yield start
    for app in started:
        app.close()


DEMO_PASSWORD = "demo-password-2026"  # README documents it

# A table row that starts with an appointment time, like " 08:00  Dr Quillfeather  ...".
APPOINTMENT_ROW = re.compile(r"^\s*(?:[01]\d|2[0-3]):[0-5]\d\s", re.MULTILINE)


def schedule_is_up(text: str) -> bool:
    """The schedule area, its footer with the check-in key, and at least one appointment."""
    lines = text.splitlines() or [""]
    return "Schedule" in text and "Check in" in lines[-1] and bool(APPOINTMENT_ROW.search(text))


def test_demo_starts_in_a_real_terminal_and_quits_cleanly(pty_app, tmp_path: Path):
    db_path = tmp_path / "demo.db"
    app = pty_app("--demo", "--db", str(db_path))

    # It starts at the sign-in screen with the demo's front-desk user filled in.
    signin = app.wait_for(lambda text: "sign in" in text and "desk" in text, START_DEADLINE)
    assert signin, f"no sign-in screen; the terminal shows:\n{app.text()}"
    app.send(b"wrong-password\r")
    assert app.wait_for(lambda text: "Wrong username or password" in text, START_DEADLINE)
    app.send(DEMO_PASSWORD.encode() + b"\r")

    shown = app.wait_for(schedule_is_up, START_DEADLINE)
    assert shown, (
        f"the schedule did not appear within {START_DEADLINE:.0f} s; the terminal shows:\n"
        f"{app.text()}\n(exit status {app.proc.poll()})"
    )

    app.send(b"\x11")  # Ctrl+Q
    code = app.wait_exit(EXIT_DEADLINE)
    assert code == 0, (
        f"moa-tui did not exit cleanly after Ctrl+Q (status {code}); output tail:\n"
        f"{bytes(app.output[-2000:])!r}"
    )
    assert db_path.exists()
    # The demo went where it was told, and nothing was written under the user's data dir.
    assert not list((tmp_path / "home").rglob("*.db"))


def test_a_clinic_without_staff_says_how_to_add_the_first_admin(tmp_path: Path):
    """A new database has nobody who could sign in: the program says what to do, exit 2.
    Then `moa-tui staff add` creates the administrator, and the same start gets past it."""
    db_path = tmp_path / "x.db"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [moa_tui_script(), "--db", str(db_path), *args],
            env=isolated_env(tmp_path / "home"),
            cwd=tmp_path,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )

    result = run("--user", "nobody")
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("moa-tui:")
    assert "moa-tui staff add" in result.stderr

    weak = run("staff", "add", "ada", "--name", "Ada Admin", "--password-stdin", stdin="short\n")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr

    added = run(
        "staff",
        "add",
        "ada",
        "--name",
        "Ada Admin",
        "--password-stdin",
        stdin="correct horse 2026\n",
    )
    assert added.returncode == 0, added.stderr
    again = run(
        "staff",
        "add",
        "bob",
        "--name",
        "Bob Other",
        "--password-stdin",
        stdin="another horse 2026\n",
    )
    assert again.returncode == 2 and "already has staff" in again.stderr

    from moa_tui.db.database import db, open_database
    from moa_tui.services.security.security import authenticate

    open_database(db_path)
    try:
        assert authenticate("ada", "correct horse 2026").role == "admin"
    finally:
        db.close()
