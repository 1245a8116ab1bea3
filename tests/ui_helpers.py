"""Helpers for driving the app with Pilot: wait for workers instead of sleeping."""

from __future__ import annotations

from textual.widgets import DataTable, Static


async def settle(pilot, rounds: int = 3) -> None:
    """Let every service call finish and its answer reach the screen. Service calls are
    thread workers; a flow that awaits its dialogs is an async worker waiting for a key,
    so it is not waited for, but the calls it makes in turn are (until *rounds* rounds
    in a row start no new call)."""
    quiet = 0
    for _ in range(rounds * 10):
        calls = [w for w in pilot.app.workers if w._thread_worker and not w.is_finished]
        if calls:  # (an empty list would mean every worker to wait_for_complete)
            await pilot.app.workers.wait_for_complete(calls)
        await pilot.pause()
        quiet = 0 if calls else quiet + 1
        if quiet >= rounds:
            return


def static_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def table_rows(app, selector: str = DataTable) -> list[list[str]]:
    """Every row of the screen's table as the plain text of its cells."""
    table = app.screen.query_one(selector)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def move_to_row(app, predicate, selector=DataTable) -> int:
    """Put the table cursor on the first row whose cells satisfy *predicate*."""
    for index, row in enumerate(table_rows(app, selector)):
        if predicate(row):
            app.screen.query_one(selector).move_cursor(row=index)
            return index
    raise AssertionError("no such row on screen")
