"""Issue 9 item 7: keys that do what they say, by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.services.staff import find_staff
from moa_tui.widgets.paged_table import PagedTable

from .ui_helpers import settle

SIZE = (80, 24)


async def test_home_and_end_move_the_cursor_in_a_list(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        table.focus()
        await settle(pilot)
        assert table.row_count > 30
        await pilot.press("end")
        await settle(pilot)
        # The day's last appointment, not only the view scrolled sideways.
        assert table.cursor_row == table.row_count - 1
        assert not table._pending
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0
