"""The app driven through Textual's Pilot (headless, in this process) on the file, each
job timed from the key to the moment its answer is on the screen (every worker it started
has finished and the screen has had its refresh), beside the same job in a bare app
(floor_app.py) timed the same way."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
import unicodedata

from floor_app import AreasApp, SearchApp  # beside this script
from measure_sql import NAME_TERMS, p95
from textual import events
from textual.app import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.widgets import DataTable

from moa_tui.cli import make_app
from moa_tui.db.database import db, is_url
from moa_tui.screens.billing.claims import ClaimsScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services import clock
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.patient_picker import PatientPicker

SIZE = (80, 24)
AREA_KEYS = ("f2", "f3", "f4", "f5", "f6")


def send_key(app, key: str) -> None:
    """The key event Pilot.press sends, without its waits for the process to look idle
    (each of those sleeps 20 ms or more, which would swamp what is measured)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def _busy(app) -> bool:
    if any(w._thread_worker and not w.is_finished for w in app.workers):
        return True
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return any(node.message_queue_size for node in nodes)


async def settle(pilot, rounds: int = 3, timeout: float = 120.0) -> None:
    """Until no service call is running and no message is waiting anywhere on the screen
    for *rounds* looks in a row, then the screen's refresh (what Pilot does to paint)."""
    quiet, end = 0, time.perf_counter() + timeout
    while quiet < rounds and time.perf_counter() < end:
        await asyncio.sleep(0.0005)
        quiet = 0 if _busy(pilot.app) else quiet + 1
    await pilot.pause(0)


async def _timed(pilot, key: str) -> float:
    start = time.perf_counter()
    send_key(pilot.app, key)
    await settle(pilot)
    return (time.perf_counter() - start) * 1000


async def _until(pilot, ready, timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > end:
            raise TimeoutError("the screen never showed the answer")
        await asyncio.sleep(0.0005)


async def _type_and_time(pilot, picker, term: str) -> float:
    """Type *term* but its last key, let that settle, then time the last key until the
    hits for the whole term are on screen."""
    picker.search_box.value = ""
    await settle(pilot)
    for char in term[:-1]:
        await pilot.press(char)
    await _until(pilot, lambda: picker.hits_for == term[:-1])
    start = time.perf_counter()
    send_key(pilot.app, term[-1])
    await _until(pilot, lambda: picker.hits_for == term)
    await settle(pilot)
    return (time.perf_counter() - start) * 1000


async def app_session(path, runs: int) -> dict:
    """Everything measured in one signed-in session (admin: every area)."""
    out: dict = {}
    app = make_app(path, actor=find_staff("admin"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Area switch: visit each once, then revisit in rounds.
        for key in AREA_KEYS:
            await _timed(pilot, key)
        per_area: dict[str, list[float]] = {k: [] for k in AREA_KEYS}
        for _ in range(runs):
            for key in AREA_KEYS:
                per_area[key].append(await _timed(pilot, key))
        out["areas"] = per_area
        # Keystroke to painted hits in the patients area.
        await _timed(pilot, "f4")
        picker = app.screen.query_one(PatientPicker)
        keystrokes = []
        for term in NAME_TERMS[: max(8, runs * 6)]:
            keystrokes.append(await _type_and_time(pilot, picker, term))
        out["keystroke"] = keystrokes
        # Open a chart: Enter on the first hit until the chart's text is on screen.
        charts = []
        for term in NAME_TERMS[: max(5, runs * 3)]:
            if term == "zz":
                continue
            await _type_and_time(pilot, picker, term)
            if not picker.hits:
                continue
            start = time.perf_counter()
            send_key(app, "enter")
            await settle(pilot)
            if not isinstance(app.screen, PatientChartScreen):
                await pilot.press("escape")  # a restricted record asks why: not timed
                await settle(pilot)
                continue
            charts.append((time.perf_counter() - start) * 1000)
            await pilot.press("escape")
            await settle(pilot)
        out["chart"] = charts
        # Claims: every filter and sort key, each until page and totals are shown.
        await _timed(pilot, "f5")
        assert isinstance(app.screen, ClaimsScreen)
        claims: list[tuple[float, str]] = []
        for key, count in (("s", 13), ("o", 2), ("a", 5), ("y", 21 if runs > 2 else 4)):
            for _ in range(count):
                took = await _timed(pilot, key)
                f = app.screen.filter
                claims.append(
                    (took, f"{key}: {f.status or ''} {f.payer_id or ''} {f.age or ''} {f.sort}")
                )
            await _timed(pilot, "x")
        out["claims"] = claims
    db.close()
    return out


async def floor_session(runs: int) -> dict:
    out: dict = {}
    app = AreasApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in AREA_KEYS:
            await _timed(pilot, key)
        out["areas"] = [await _timed(pilot, key) for _ in range(runs) for key in AREA_KEYS]
        charts = []
        for _ in range(max(5, runs * 3)):
            charts.append(await _timed(pilot, "enter"))
            await _timed(pilot, "escape")
        out["chart"] = charts
    app = SearchApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        times = []
        for term in NAME_TERMS[: max(8, runs * 6)]:
            app.query_one("#q").value = term[:-1]
            await settle(pilot)
            times.append(await _timed(pilot, term[-1]))
        out["keystroke"] = times
    return out


async def busiest_day(path) -> tuple[dt.date, int, int, int]:
    """(the busiest day, appointments on file that day, rows the schedule holds for it,
    rows its table has made or will make as they come into view)."""
    day_of = "CAST(starts_at AS DATE)" if is_url(path) else "substr(starts_at, 1, 10)"
    with db.connection_context():
        day, count = db.execute_sql(
            f"SELECT {day_of} AS day, COUNT(*) FROM appointment "
            "GROUP BY day ORDER BY COUNT(*) DESC, day LIMIT 1"
        ).fetchone()
    day = dt.date.fromisoformat(str(day)[:10])
    clock.freeze(dt.datetime.combine(day, dt.time(10, 30)))
    try:
        app = make_app(path, actor=find_staff("admin"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ScheduleScreen)
            table = screen.query_one(DataTable)
            made = table.row_count + len(getattr(table, "_pending", []))
            held = len(screen.rows)
    finally:
        clock.freeze(None)
        db.close()
    return day, count, held, made


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), p95(values)
