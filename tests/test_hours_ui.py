"""The calendar views and the managers' hours and types screens, driven by key presses.

The screens are pushed directly on an app signed in as the demo manager (the schedule's
keys for them are wired elsewhere)."""

from __future__ import annotations

import datetime as dt

from moa_tui.cli import make_app
from moa_tui.db.models import (
    AppointmentType,
    AppointmentTypeProvider,
    AuditEvent,
    BlockedTime,
    ProviderHours,
)
from moa_tui.screens.scheduling.calendar import DayGridScreen, WeekScreen
from moa_tui.screens.scheduling.hours import ConfirmDialog, HoursScreen, TypesScreen
from moa_tui.screens.scheduling.month import MonthScreen
from moa_tui.services import clock
from moa_tui.services.scheduling.availability import add_block, availability
from moa_tui.services.scheduling.schedule import list_providers
from moa_tui.services.security.staff import find_staff
from moa_tui.ui.changes import DataChanged
from moa_tui.widgets.day_grid import DayGrid
from moa_tui.widgets.form import FormDialog

from .ui_helpers import settle, static_text, table_rows

SMALL = (80, 24)
WIDE = (160, 40)
TUESDAY = 1


def _app(demo_db, user: str = "manager"):
    return make_app(demo_db, actor=find_staff(user))


async def _push(pilot, screen, callback=None):
    await settle(pilot)
    await pilot.app.push_screen(screen, callback)
    await settle(pilot)
    return screen


def _line(grid: DayGrid, y: int) -> str:
    return grid.render_line(y).text


async def test_day_grid_at_80_columns_shows_one_provider_at_a_time(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, DayGridScreen(clock.today()))
        grid = app.screen.query_one(DayGrid)
        providers = list_providers(app.actor)
        assert len(providers) == 4 and grid.fit == 1
        assert [c.provider_id for c in grid.visible_columns] == [providers[0].id]
        header = _line(grid, 0)
        assert providers[0].short_name in header and "1 of 4" in header
        assert providers[1].short_name not in header
        # The cursor starts at the current time (10:30) in the first provider's column.
        assert grid.highlighted_slot == (providers[0].id, dt.datetime(2026, 11, 18, 10, 30))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert [c.provider_id for c in grid.visible_columns] == [providers[1].id]
        assert providers[1].short_name in _line(grid, 0)
        assert grid.highlighted_slot == (providers[1].id, dt.datetime(2026, 11, 18, 10, 30))
        # Round the end and back.
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert grid.visible_columns[0].provider_id == providers[3].id
        await pilot.press("down", "down")
        assert grid.highlighted_time == dt.datetime(2026, 11, 18, 11, 0)
        assert "11:00" in static_text(app, "#message")


async def test_day_grid_at_160_columns_shows_all_four_side_by_side(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await _push(pilot, DayGridScreen(clock.today()))
        grid = app.screen.query_one(DayGrid)
        providers = list_providers(app.actor)
        assert grid.fit == 4 and len(grid.visible_columns) == 4
        header = _line(grid, 0)
        positions = [header.index(p.short_name) for p in providers]
        assert positions == sorted(positions)  # left to right in the providers' order
        assert "of 4" not in header
        # Right moves the cursor to the next provider's column at the same time.
        at = grid.highlighted_time
        await pilot.press("right")
        assert grid.highlighted_slot == (providers[1].id, at)


async def test_day_grid_cells_show_appointments_blocks_and_the_patient(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await _push(pilot, DayGridScreen(clock.today()))
        grid = app.screen.query_one(DayGrid)
        first = grid.columns[0].appointments[0]
        # Put the cursor on the first appointment and read it back.
        grid.cursor_col = 0
        grid.cursor_row = (first.starts_at.hour * 60 + first.starts_at.minute - 480) // 15
        grid.action_move(0, 0)
        await settle(pilot)
        assert grid.highlighted_appointment_id == first.id
        assert first.patient in static_text(app, "#message")
        rendered = "\n".join(_line(grid, y) for y in range(grid.size.height))
        assert first.patient.split(",")[0] in rendered
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "PatientChartScreen"
        await pilot.press("escape")
        await settle(pilot)
        # The closed day is shaded with its reason in every column.
        await pilot.press("g", *"t+10", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DayGridScreen) and app.screen.day == dt.date(2026, 11, 28)
        notes = [grid.column_title(i)[1] for i in range(4)]
        assert notes == ["closed: Clinic closed: staff training"] * 4
        assert "Clinic closed: staff training" in _line(grid, 2)


async def test_week_screen_changes_week_and_provider(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        providers = list_providers(find_staff("manager"))
        screen = await _push(pilot, WeekScreen(clock.today(), providers[1].id))
        grid = app.screen.query_one(DayGrid)
        assert grid.fit == 7  # seven days side by side at 80 columns
        assert screen.data.monday == dt.date(2026, 11, 16)
        assert grid.highlighted_column.day == clock.today()
        await pilot.press("right")
        await settle(pilot)
        assert screen.data.monday == dt.date(2026, 11, 23)
        assert grid.highlighted_column.day == dt.date(2026, 11, 25)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.data.provider.id == providers[2].id
        await pilot.press("right")  # the vacation week of provider #2
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.data.provider.id == providers[1].id
        assert [c.closed for c in screen.data.columns][3:] == ["Vacation"] * 4
        await pilot.press("t")
        await settle(pilot)
        assert screen.data.monday == dt.date(2026, 11, 16)


async def test_month_screen_enter_returns_the_chosen_date(demo_db):
    app = _app(demo_db)
    chosen: list = []
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, MonthScreen(clock.today()), chosen.append)
        grid = screen.month_grid
        assert grid.data.get(clock.today()).booked > 0
        assert "November 2026" in static_text(app, "#titlebar")
        await pilot.press("right", "down")
        assert grid.cursor == dt.date(2026, 11, 26)
        await pilot.press("enter")
        await settle(pilot)
        assert chosen == [dt.date(2026, 11, 26)]
        assert not isinstance(app.screen, MonthScreen)

        screen = await _push(pilot, MonthScreen(clock.today()), chosen.append)
        await pilot.press("pagedown")
        await settle(pilot)
        assert (screen.month_grid.data.year, screen.month_grid.data.month) == (2026, 12)
        assert "December 2026" in static_text(app, "#titlebar")
        await pilot.press("escape")
        await settle(pilot)
        assert chosen == [dt.date(2026, 11, 26), None]


async def test_month_screen_marks_the_closed_day(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, MonthScreen(clock.today()))
        grid = screen.month_grid
        lines = [grid.render_line(y).text for y in range(grid.size.height)]
        assert sum(line.count("closed") for line in lines) == 1
        await pilot.press(*["right"] * 10)  # to the 28th, the closed day
        assert "Closed: Clinic closed: staff training" in static_text(app, "#message")


# --- hours ---------------------------------------------------------------------------


def _tuesday(provider_id: int) -> list[tuple[str, str]]:
    return [
        (h.starts, h.ends)
        for h in ProviderHours.select()
        .where((ProviderHours.provider == provider_id) & (ProviderHours.weekday == TUESDAY))
        .order_by(ProviderHours.starts)
    ]


async def _edit_tuesday(pilot, text: str) -> None:
    await pilot.press("down", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormDialog)
    await pilot.press("ctrl+u", *text, "enter")
    await settle(pilot)


async def test_hours_screen_edits_tuesday(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, HoursScreen())
        provider_id = screen.provider_id
        rows = table_rows(app, "#hours-week")
        assert rows[TUESDAY][:2] == ["Tuesday", "08:00-12:00, 13:00-17:00"]
        await _edit_tuesday(pilot, "9:00-12:00, 13:00-16:00")
        assert isinstance(app.screen, HoursScreen)
        assert table_rows(app, "#hours-week")[TUESDAY][1:] == ["09:00-12:00, 13:00-16:00", "6h"]
        assert "Tuesday is now 09:00-12:00, 13:00-16:00" in static_text(app, "#message")
    assert _tuesday(provider_id) == [("09:00", "12:00"), ("13:00", "16:00")]
    manager = find_staff("manager")
    assert availability(manager, provider_id).hours[TUESDAY] == [
        ("09:00", "12:00"),
        ("13:00", "16:00"),
    ]


async def test_a_bad_entry_is_marked_beside_the_field_and_writes_nothing(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, HoursScreen())
        before = _tuesday(screen.provider_id)
        audits = AuditEvent.select().where(AuditEvent.action == "hours.set").count()
        await _edit_tuesday(pilot, "12:00-9:00")
        assert isinstance(app.screen, FormDialog)  # still open, the field marked
        assert "the end is before the start" in static_text(app, "#error-hours")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HoursScreen)
        assert _tuesday(screen.provider_id) == before
    ok = AuditEvent.select().where(
        (AuditEvent.action == "hours.set") & (AuditEvent.outcome == "ok")
    )
    assert ok.count() == audits == 0


async def test_hours_screen_changes_provider(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, HoursScreen())
        providers = list_providers(find_staff("manager"))
        assert screen.provider_id == providers[0].id
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.provider_id == providers[1].id
        assert providers[1].short_name in static_text(app, "#titlebar")
        # Provider #2's vacation is listed with the clinic's closed day.
        reasons = [row[2] for row in table_rows(app, "#hours-blocks")]
        assert reasons == ["Clinic closed: staff training", "Vacation"]


async def test_add_and_remove_a_block(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, HoursScreen())
        provider_id = screen.provider_id
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        # For: the provider on screen (Enter keeps it); then from, to and the reason.
        await pilot.press("enter", *"12/24 13:00", "enter", *"12/24 17:00", "enter")
        await pilot.press(*"Staff meeting", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HoursScreen)
        block = BlockedTime.get(BlockedTime.reason == "Staff meeting")
        assert block.provider_id == provider_id
        assert (block.starts_at, block.ends_at) == (
            dt.datetime(2026, 12, 24, 13),
            dt.datetime(2026, 12, 24, 17),
        )
        rows = table_rows(app, "#hours-blocks")
        assert ["Thu 12/24/2026 13:00-17:00", "Dr Quillfeather", "Staff meeting"] in rows

        # Delete it: select its row, d, and answer the question.
        await pilot.press("tab")
        table = app.screen.query_one("#hours-blocks")
        table.move_cursor(row=[r[2] for r in rows].index("Staff meeting"))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert BlockedTime.select().where(BlockedTime.id == block.id).exists()
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not BlockedTime.select().where(BlockedTime.id == block.id).exists()
        assert "Staff meeting" not in [r[2] for r in table_rows(app, "#hours-blocks")]
    removed = AuditEvent.select().where(AuditEvent.action == "block.remove")
    assert removed.count() == 1


async def test_a_block_with_its_end_before_its_start_is_refused(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, HoursScreen())
        count = BlockedTime.select().count()
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", *"12/24 13:00", "enter", *"12/24 9:00", "enter")
        await pilot.press(*"Meeting", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "end is before the start" in static_text(app, "#error-ends_at")
        await pilot.press("escape")
        await settle(pilot)
    assert BlockedTime.select().count() == count


async def test_desk_staff_see_hours_but_cannot_edit(demo_db):
    app = _app(demo_db, "desk")
    async with app.run_test(size=SMALL) as pilot:
        screen = await _push(pilot, HoursScreen())
        assert table_rows(app, "#hours-week")[0][1] == "08:00-12:00, 13:00-17:00"
        assert not screen.check_action("edit_day", ())
        assert not screen.check_action("add_block", ())
        await pilot.press("enter")
        await settle(pilot)
        assert "Only a manager" in static_text(app, "#message")
        await pilot.press("a")  # hidden from the footer; typed anyway, it says why
        await settle(pilot)
        assert isinstance(app.screen, HoursScreen)
        assert "Add block: Front desk staff cannot" in static_text(app, "#message")


# --- appointment types -----------------------------------------------------------------


async def test_save_a_type_offered_by_two_providers(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, TypesScreen())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"Allergy shot", "enter", "ctrl+u", *"10", "enter", *"red", "enter")
        await pilot.press("enter")  # overbook: no
        await pilot.press("enter")  # needs an authorization: no
        await pilot.press("ctrl+u", *"Dr Nobody", "enter")
        await settle(pilot)
        assert "No provider is called Dr Nobody" in static_text(app, "#error-providers")
        await pilot.press("ctrl+u", *"quill, saltmarsh", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TypesScreen)
        row = next(r for r in table_rows(app, "#types-table") if r[0] == "Allergy shot")
        assert row[1:] == ["10 min", "   red", "no", "no", "Dr Quillfeather, NP Saltmarsh"]
    kind = AppointmentType.get(AppointmentType.name == "Allergy shot")
    assert (kind.default_minutes, kind.color, kind.allow_overbook) == (10, "red", False)
    offered = {
        r.provider.short_name
        for r in AppointmentTypeProvider.select().where(AppointmentTypeProvider.appt_type == kind)
    }
    assert offered == {"Dr Quillfeather", "NP Saltmarsh"}


async def test_edit_a_type_back_to_all_providers_and_refuse_a_bad_colour(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, TypesScreen())
        names = [r[0] for r in table_rows(app, "#types-table")]
        app.screen.query_one("#types-table").move_cursor(row=names.index("Sick visit"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        values = app.screen.query_one("Form").values()
        assert values == {
            "name": "Sick visit",
            "minutes": "15",
            "color": "yellow",
            "overbook": "yes",
            "needs_auth": "no",
            "providers": "all",
        }
        await pilot.press(
            "enter", "enter", "ctrl+u", *"not-a-colour", "enter", "enter", "enter", "enter"
        )
        await settle(pilot)
        assert "not a colour" in static_text(app, "#error-color")
        await pilot.press("ctrl+u", *"#3366cc", "enter", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TypesScreen)
    assert AppointmentType.get(AppointmentType.name == "Sick visit").color == "#3366cc"


async def test_another_terminals_change_appears(demo_db):
    app = _app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await _push(pilot, DayGridScreen(clock.today()))
        grid = app.screen.query_one(DayGrid)
        place = (grid.cursor_row, grid.cursor_col)
        # Another terminal closes the clinic this afternoon; the app's watcher tells the
        # visible screen, which fetches again and keeps the cursor where it was.
        start = dt.datetime.combine(clock.today(), dt.time(13))
        add_block(find_staff("admin"), None, start, start + dt.timedelta(hours=4), "Power cut")
        app.screen.post_message(DataChanged())
        await settle(pilot)
        assert all([b.reason for b in c.blocks] == ["Power cut"] for c in grid.columns)
        assert (grid.cursor_row, grid.cursor_col) == place
        # Free time in the block shows its reason; appointments in it are marked "!".
        grid.cursor_row = (13 * 60 - grid.start_minute) // 15
        grid.action_move(0, 0)
        await settle(pilot)
        lines = [_line(grid, y) for y in range(grid.cursor_row - grid.top + 2, grid.size.height)]
        assert lines[0].startswith("13:00") and any("Power cut" in line for line in lines)
        assert grid.highlighted_appointment is not None  # the demo has one at 13:00
        assert lines[0][6] == "!"
        assert "booked in blocked time: Power cut" in static_text(app, "#message")
