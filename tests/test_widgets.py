"""Reusable widgets on their own."""

from __future__ import annotations

from textual.app import App, ComposeResult

from moa_tui.ui.text import plain, visible
from moa_tui.widgets.paged_table import PagedTable


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield PagedTable()

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_column("n")
        rows = [(str(n),) for n in range(500)]
        table.set_rows(rows, [f"k{n}" for n in range(500)], keep="k250")


async def test_a_long_list_is_made_into_rows_as_the_cursor_nears_them():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        # The kept row and a little beyond it are made; the rest waits.
        assert table.selected_key() == "k250"
        assert 250 < table.row_count < 500
        made = table.row_count
        table.move_cursor(row=made - 1)
        await pilot.pause()
        assert table.row_count > made
        await pilot.press("end")
        for _ in range(6):
            table.move_cursor(row=table.row_count - 1)
            await pilot.pause()
        assert table.row_count == 500


def test_control_characters_become_visible_and_markup_stays_text():
    assert visible("a\x1b[2Jb\x07") == "a␛[2Jb␇"
    text = plain("[bold]x[/] \u202e")
    assert text.plain.startswith("[bold]x[/]") and "\u202e" not in text.plain


async def test_a_new_list_never_takes_rows_left_pending_from_the_old_one():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        assert table._pending  # rows of the first list still wait to be made
        table.set_rows([(f"new {n}",) for n in range(30)], [f"n{n}" for n in range(30)])
        await pilot.pause()
        assert [key.value for key in table.rows] == [f"n{n}" for n in range(30)]


async def test_the_message_line_takes_its_look_from_a_class_and_shows_plain_text():
    from moa_tui.widgets.message_line import MessageLine

    class One(App):
        CSS_PATH = "../moa_tui/styles/app.tcss"

        def compose(self) -> ComposeResult:
            yield MessageLine()

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.query_one(MessageLine)
        line.say("Dr Lee is booked [/b] 10:00", "error")
        await pilot.pause()
        assert line.kind == "error" and line.has_class("error")
        assert str(line.content) == "Dr Lee is booked [/b] 10:00"
        assert line.styles.text_style.bold
        line.say("Saved", "ok")
        assert line.kind == "ok" and not line.has_class("error")
        line.say("Forms due", "warning")
        assert line.kind == "warning" and line.has_class("warning")
        line.say("")
        assert line.kind == "" and str(line.content) == ""
