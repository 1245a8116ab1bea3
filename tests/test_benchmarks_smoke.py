"""benchmarks/run.py runs on a tiny generated clinic and prints one table with every row
of issue 10's figures. It measures only: nothing here looks at a time."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from moa_tui.services.demo.large import ZONE, generate_clinic

ROOT = Path(__file__).resolve().parent.parent
FIGURES = (
    "cold start to sign-in",
    "cold start to the painted schedule",
    "patient search, service p95",
    "claims worklists (page, total, groups), worst",
    "patient search, keystroke to painted",
    "area switch F2-F6 revisit",
    "open a chart, Enter to painted",
    "claims filter or sort key, worst",
    "bytes per cursor move in the schedule",
    "peak RSS after visiting every area",
    "busiest day: the schedule shows every appointment",
)


def test_run_prints_every_figure_with_its_floor(tmp_path):
    db = tmp_path / "tiny.db"
    # The app in the pseudo-terminal runs on the real clock: today must be the file's today.
    today = dt.datetime.now(ZoneInfo(ZONE)).date()
    report = generate_clinic(db, patients=300, years=1, seed=5, today=today)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--db",
            str(db),
            "--quick",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    header, rows = lines[0], lines[1:]
    assert "floor (same run)" in header and "target" in header
    assert len(rows) == len(FIGURES)
    for figure, row in zip(FIGURES, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0].startswith(figure), row
        assert cells[1] and cells[2] and cells[3], row  # measured, floor, target
    busiest = rows[-1]
    on_file = f"{report.busiest_count:,} on file"
    assert on_file in busiest and f"{report.busiest_count:,} of {report.busiest_count:,}" in busiest


def test_run_refuses_a_missing_file(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--db", str(tmp_path / "none.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "there is no clinic" in done.stderr
    assert not (tmp_path / "none.db").exists()
