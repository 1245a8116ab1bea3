"""Every command line README.md shows runs as written (issue 8, item 9).

The commands are taken from the README itself: its indented code lines and its `inline`
spans that start like a command (`moa-tui`, `python3`, `.venv/bin/...`, `pytest`...), a
chain `a && b` being taken apart. Each runs with bash, as written, in a pseudo-terminal,
for a new user: HOME and the XDG folders in a temporary directory, the installed
.venv/bin (moa-tui) on PATH, and `.venv` beside the current folder. A reader who follows
the README first opens the demo and creates a clinic (`staff add`): those run first, then
every other command in the README's order, on the files the earlier ones made.

Interactive ones (the app, --kiosk, --waiting-room) run until their first screen shows,
then Ctrl+Q (the kiosk closes only with a staff password: it is killed after the check);
password prompts are answered; everything else must exit 0.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

from moa_tui.cli import build_parser
from moa_tui.db.backup import check_backup

from .test_e2e_pty import PtyApp, isolated_env

README = Path(__file__).resolve().parents[1] / "README.md"
COMMAND_START = ("moa-tui", "python3 ", "python ", ".venv/bin/", "pytest", "pip ", "textual ")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*\s+")

INSTALL = "installs the package; done before any test runs"
# The commands this test deliberately does not run, and why.
NOT_RUN = {
    "python3 -m venv .venv": "makes the virtual environment this test runs in",
    ".venv/bin/pip install -e .": INSTALL,
    "pip install -e .": INSTALL,
    ".venv/bin/pip install -e '.[test]'": INSTALL,
    ".venv/bin/pip install -e '.[dev]'": INSTALL,
    "pip install -e '.[dev]'": INSTALL,
    ".venv/bin/python -m pytest -n auto": "the test suite itself, which CI runs (reading it "
    "from here)",
    ".venv/bin/ruff check .": "the lint of the source tree, which CI runs",
    "pytest tests/test_snapshots.py --snapshot-update": "rewrites the snapshots: by hand only",
    "textual console": "a developer's log window that runs until it is closed",
    ".venv/bin/python": "the interpreter the benchmarks run with, not a command in itself",
    "python -m playhouse.migrations COPY.db generate NAME moa_tui.db.models:MODELS "
    "-d moa_tui/db/migrations": "a template (COPY.db, NAME) that writes into the source tree",
    "moa-tui rekey --new-key-file PATH": "would encrypt the clinic that the commands after it "
    "use without a key; tests/test_encryption.py runs rekey",
}
# What a reader does first: open the demo, create the clinic's first administrator.
SET_UP = (".venv/bin/moa-tui --demo", "moa-tui staff add dana --name 'Dana Officer'")
PASSWORD = "Plum ladder quietly 7 orbits"  # answered at every password prompt
START_DEADLINE = 40.0  # seconds: cold imports and building the demo clinic
RUN_DEADLINE = 90.0
QUIT_DEADLINE = 8.0


def readme_commands(text: str | None = None) -> list[str]:
    """The README's command lines in the order it shows them, each once."""
    text = README.read_text(encoding="utf-8") if text is None else text
    found: list[tuple[int, str]] = []
    for match in re.finditer(r"^    (\S.*)$", text, re.MULTILINE):  # indented code lines
        found.append((match.start(), match.group(1).strip()))
    for match in re.finditer(r"`([^`\n]+)`", text):
        found.append((match.start(), match.group(1).strip()))
    commands: list[str] = []
    for _, line in sorted(found):
        for part in line.split(" && "):
            part = part.strip()
            if ENV_ASSIGNMENT.sub("", part).startswith(COMMAND_START) and part not in commands:
                commands.append(part)
    return commands


def _moa_args(command: str) -> list[str] | None:
    """The arguments of a moa-tui command line, or None for another program."""
    words = shlex.split(ENV_ASSIGNMENT.sub("", command))
    if not words or Path(words[0]).name != "moa-tui":
        return None
    return words[1:]


def _is_screen(command: str) -> bool:
    """True for the app and its modes (no subcommand): they show a screen until quit."""
    args = _moa_args(command)
    return args is not None and build_parser().parse_known_args(args)[0].command is None


def _keeps_running_after_ctrl_q(command: str) -> bool:
    args = _moa_args(command) or []
    return "--kiosk" in args or "--waiting-room" in args


def test_the_list_of_commands_not_run_is_still_true():
    """Every command listed as not run is still in the README (or the list goes stale)."""
    shown = readme_commands()
    assert [c for c in NOT_RUN if c not in shown] == []
    assert [c for c in SET_UP if c not in shown] == []


def test_commands_are_found_inline_in_code_and_in_chains():
    sample = (
        "    # comment\n    python3 -m venv .venv && .venv/bin/moa-tui --demo\n"
        "Run `moa-tui --demo --kiosk` or `--kiosk`; `TEXTUAL=devtools .venv/bin/moa-tui`.\n"
    )
    assert readme_commands(sample) == [
        "python3 -m venv .venv",
        ".venv/bin/moa-tui --demo",
        "moa-tui --demo --kiosk",
        "TEXTUAL=devtools .venv/bin/moa-tui",
    ]


def _run(command: str, home: Path, cwd: Path) -> str | None:
    """Run one README command as written; None if it did what it should, else why not."""
    env = isolated_env(home)
    env["PATH"] = f"{cwd / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    term = PtyApp(["bash", "-c", command], env, cwd)
    try:
        if _is_screen(command):
            shown = term.wait_for(lambda text: "sign in" in text, START_DEADLINE)
            if not shown:
                return f"no sign-in screen; exit {term.proc.poll()}; it shows:\n{term.text()}"
            term.send(b"\x11")  # Ctrl+Q
            code = term.wait_exit(QUIT_DEADLINE)
            if _keeps_running_after_ctrl_q(command):
                return None  # closed by killing it (below), as a staff password would
            return None if code == 0 else f"exit status {code} after Ctrl+Q:\n{term.text()}"
        answered = 0
        end = time.monotonic() + RUN_DEADLINE
        while time.monotonic() < end and term.proc.poll() is None:
            term.pump()
            prompts = len(re.findall(rb"Password[^:\n]*: ", bytes(term.output)))
            while answered < prompts:
                term.send(PASSWORD.encode() + b"\r")
                answered += 1
        while term.pump(0.1):
            pass
        code = term.proc.poll()
        if code != 0:
            return f"exit status {code}; it printed:\n{bytes(term.output).decode(errors='replace')}"
        return None
    finally:
        term.close()


def test_every_readme_command_runs_as_written(tmp_path: Path):
    pytest.importorskip("pyte")
    home, cwd = tmp_path / "home", tmp_path / "work"
    cwd.mkdir()
    (cwd / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    if not (cwd / ".venv" / "bin" / "moa-tui").exists():
        pytest.skip("the moa-tui console script is not installed in this interpreter's venv")
    commands = [c for c in readme_commands() if c not in NOT_RUN]
    ordered = [c for c in SET_UP if c in commands] + [c for c in commands if c not in SET_UP]
    failures = []
    for command in ordered:
        problem = _run(command, home, cwd)
        if problem:
            failures.append(f"$ {command}\n{problem}")
    assert not failures, "\n\n".join(failures)
    # The demo ran where the README says, and the clinic made by `staff add` is there.
    data = home / ".local" / "share" / "moa-tui"
    assert list((data / "demo").glob("demo-*.db")) and (data / "clinic.db").exists()
    # `moa-tui --demo backup demo-copy.db` copied the demo clinic, not the other one.
    assert check_backup(cwd / "demo-copy.db", None).is_demo
