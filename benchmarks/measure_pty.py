"""What a user at a real terminal sees: the app (and the bare floor apps) started in a
pseudo-terminal of 80x24 (tests/pty_terminal.py), as an SSH session would run them.

    cold start to sign-in          from exec to the sign-in screen on the terminal
    cold start to the schedule     the same, the password typed the moment sign-in shows,
                                   until today's rows are on the terminal
    bytes per cursor move          bytes the app writes for one Down in the schedule,
                                   within the first screenful and when the list scrolls
    peak RSS                       VmHWM of the app after visiting every area (F2-F8)
"""

from __future__ import annotations

import compileall
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moa_tui.services.demo.large import GENERATED_PASSWORD  # noqa: E402
from tests.pty_terminal import PtyTerminal  # noqa: E402

PYTHON = sys.executable
MOA = str(Path(sys.executable).with_name("moa-tui"))
FLOOR = str(Path(__file__).with_name("floor_app.py"))
SCHEDULE_ROW = re.compile(r"^ \d\d:\d\d  \S", re.M)
F_KEYS = {
    "F2": b"\x1bOQ",
    "F3": b"\x1bOR",
    "F4": b"\x1bOS",
    "F5": b"\x1b[15~",
    "F6": b"\x1b[17~",
    "F7": b"\x1b[18~",
    "F8": b"\x1b[19~",
}
DOWN = b"\x1b[B"
QUIT = b"\x11"  # ctrl+q


def installed_bytecode() -> None:
    """Compile moa-tui's modules as an installed copy has them. pip compiles a regular
    install's bytecode, and Python writes an editable one's on its first start; where
    PYTHONDONTWRITEBYTECODE is set (as in this project's development sessions) every
    start would compile the app from source again (~50 ms measured), which no clinic's
    server does. The bare app's libraries are compiled already (pip did it)."""
    compileall.compile_dir(ROOT / "moa_tui", quiet=1)


def password_check() -> float:
    """Seconds one sign-in's password check takes here (argon2id at the parameters
    security.py uses; the cold start to the schedule includes one)."""
    from moa_tui.services.security.security import DUMMY_HASH, _verify

    times = []
    for _ in range(3):
        start = time.perf_counter()
        _verify(DUMMY_HASH, "not the password")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOA_")}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24", TEXTUAL_FPS="60")
    return env


def _wait(term: PtyTerminal, ready, timeout: float) -> bool:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        term.pump(0.002)
        if ready(term.text()):
            return True
    return False


def _quiet(term: PtyTerminal, gap: float = 0.15, timeout: float = 5.0) -> int:
    """Pump until nothing arrives for *gap* seconds; returns the bytes that arrived."""
    start = len(term.output)
    end = time.perf_counter() + timeout
    last, seen = time.perf_counter(), start
    while time.perf_counter() < end:
        term.pump(0.01)
        if len(term.output) != seen:
            seen, last = len(term.output), time.perf_counter()
        elif time.perf_counter() - last >= gap:
            break
    return len(term.output) - start


def _close(term: PtyTerminal) -> None:
    try:
        term.send(QUIT)
        _wait(term, lambda _t: term.proc.poll() is not None, 3)
    finally:
        term.close()


def _app(db: Path, user: str) -> tuple[PtyTerminal, float]:
    start = time.perf_counter()
    term = PtyTerminal([MOA, "--db", str(db), "--user", user], _env(), ROOT)
    return term, start


def cold_start_floor() -> float:
    start = time.perf_counter()
    term = PtyTerminal([PYTHON, FLOOR, "static"], _env(), ROOT)
    try:
        if not _wait(term, lambda t: "floor app ready" in t, 30):
            raise RuntimeError("the bare app did not paint")
        return time.perf_counter() - start
    finally:
        _close(term)


def cold_start_app(db: Path, user: str = "admin") -> tuple[float, float]:
    """(seconds to the sign-in screen, seconds to today's schedule rows)."""
    term, start = _app(db, user)
    try:
        if not _wait(term, lambda t: "Password" in t, 60):
            raise RuntimeError(f"no sign-in screen:\n{term.text()}")
        signin = time.perf_counter() - start
        term.send(GENERATED_PASSWORD.encode() + b"\r")
        if not _wait(term, lambda t: bool(SCHEDULE_ROW.search(t)), 120):
            raise RuntimeError(f"no schedule rows:\n{term.text()}")
        return signin, time.perf_counter() - start
    finally:
        _close(term)


def _bytes_per_move(term: PtyTerminal, moves: int, visible: int) -> tuple[float, float]:
    _quiet(term, gap=0.4, timeout=20)
    sizes = [_quiet_after(term, DOWN) for _ in range(moves)]
    inside, scrolling = sizes[: visible - 1], sizes[visible - 1 :]
    return statistics.mean(inside), statistics.mean(scrolling or inside)


def _quiet_after(term: PtyTerminal, key: bytes) -> int:
    term.send(key)
    return _quiet(term, gap=0.12, timeout=3)


def bytes_app(db: Path, moves: int = 30, user: str = "admin") -> tuple[float, float]:
    """Mean bytes per Down in the schedule: (within the first screenful, scrolling)."""
    term, _start = _app(db, user)
    try:
        _wait(term, lambda t: "Password" in t, 60)
        term.send(GENERATED_PASSWORD.encode() + b"\r")
        _wait(term, lambda t: bool(SCHEDULE_ROW.search(t)), 120)
        visible = len(SCHEDULE_ROW.findall(term.text()))
        return _bytes_per_move(term, moves, visible)
    finally:
        _close(term)


def bytes_floor(moves: int = 30) -> tuple[float, float]:
    term = PtyTerminal([PYTHON, FLOOR, "table"], _env(), ROOT)
    try:
        _wait(term, lambda t: "floor app ready" in t and bool(SCHEDULE_ROW.search(t)), 30)
        visible = len(SCHEDULE_ROW.findall(term.text()))
        return _bytes_per_move(term, moves, visible)
    finally:
        _close(term)


def _hwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_app(db: Path, user: str = "admin") -> float:
    """MiB at the high-water mark after visiting F2..F8 (each left to settle)."""
    term, _start = _app(db, user)
    try:
        _wait(term, lambda t: "Password" in t, 60)
        term.send(GENERATED_PASSWORD.encode() + b"\r")
        _wait(term, lambda t: bool(SCHEDULE_ROW.search(t)), 120)
        for key in F_KEYS.values():
            term.send(key)
            _quiet(term, gap=0.5, timeout=30)
        return _hwm(term.proc.pid)
    finally:
        _close(term)


def peak_rss_floor() -> float:
    term = PtyTerminal([PYTHON, FLOOR, "static"], _env(), ROOT)
    try:
        _wait(term, lambda t: "floor app ready" in t, 30)
        _quiet(term, gap=0.3)
        return _hwm(term.proc.pid)
    finally:
        _close(term)
