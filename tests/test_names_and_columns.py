"""One name for each thing (issue 9 item 5) and columns that use the width (item 6)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from textual.screen import Screen

import moa_tui.screens
from moa_tui.cli import make_app
from moa_tui.screens.help import HelpScreen, screen_name
from moa_tui.screens.scheduling.calendar import DayGridScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.services.wording import date_text, days_from_today, plural, quantity
from moa_tui.widgets.areabar import AreaBar

from .ui_helpers import settle

SIZE = (80, 24)
# Bases that are never shown by themselves.
ABSTRACT = {
    "TitledScreen",
    "AreaScreen",
    "PatientRowsScreen",
    "KeysetListScreen",
    "ViewScreen",
    "GridScreen",
    "VisitScreen",
    "RecordView",
}


def test_plural_says_one_and_many():
    assert plural(1, "appointment") == "1 appointment"
    assert plural(0, "appointment") == "0 appointments"
    assert plural(2, "minute") == "2 minutes"
    assert plural(1, "day") == "1 day"
    assert plural(1200, "patient") == "1,200 patients"
    assert plural(3, "entry") == "3 entries"
    assert plural(2, "person", "people") == "2 people"
    assert days_from_today(1) == "tomorrow"
    assert days_from_today(2) == "in 2 days"
    assert days_from_today(-3) == "3 days ago"
    assert quantity(5, "box of 100") == "5 boxes of 100"
    assert quantity(1, "box of 100") == "1 box of 100"
    assert quantity(3, "roll") == "3 rolls"
    assert quantity(4, "each") == "4"
    import datetime as dt

    assert date_text(dt.date(2026, 12, 1)) == "12/01/2026"


def _screen_classes():
    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(moa_tui.screens.__path__, "moa_tui.screens.")
    ]
    modules += [importlib.import_module(n) for n in ("moa_tui.kiosk", "moa_tui.widgets.form")]
    for name in ("moa_tui.widgets.export", "moa_tui.widgets.dialogs"):
        modules.append(importlib.import_module(name))
    for module in modules:
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, Screen)
                and cls.__module__ == module.__name__
                and not name.startswith("_")
                and name not in ABSTRACT
            ):
                yield cls


def test_every_screen_has_a_human_name():
    classes = list(_screen_classes())
    assert len(classes) > 30
    for cls in classes:
        name = screen_name(cls)
        assert name, f"{cls.__name__} has no name a person knows it by"
        # Words, not a class name ("DayGridScreen", "SlotsDialog").
        assert name != cls.__name__ and not re.search(r"[a-z][A-Z]", name), name


async def test_help_title_is_the_screen_name_not_its_class(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, DayGridScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen._title == "Day"
        titles = [str(s.content) for s in app.screen.query(".dialog-title")]
        assert titles == ["Keys: Day"]


async def test_patient_flow_has_one_name_in_bar_palette_and_title(demo_db):
    app = make_app(demo_db, actor=find_staff("admin"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        bar = app.screen.query_one(AreaBar)
        text = bar.render().plain
        # At 80 columns the admin's areas go keys-against-labels ("F2Schedule", the key in
        # bold), and all fit without a cut word.
        assert "F3Patient flow" in text and "Queue" not in text
        assert "F8Staff" in text and len(text) <= 80 and "…" not in text
        assert app.screen.AREA_TITLE == "Patient flow"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to Patient flow" in titles
        assert not [t for t in titles if "Queue" in t]
        # The palette finds it by "flow".
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"patient flow", "enter")
        await settle(pilot)
        assert app.current_mode == "queue"


@pytest.mark.parametrize("area", ["f2", "f3", "f4", "f5", "f6", "f7", "f8"])
async def test_palette_holds_only_this_apps_actions(demo_db, area):
    app = make_app(demo_db, actor=find_staff("admin"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(area)
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not {t for t in titles if titles.count(t) > 1}
        textual_own = {"Copy selected text", "Cursor left", "Cursor right", "Bottom", "Top"}
        textual_own |= {"Page up", "Page down", "Home", "End", "Delete", "Paste", "Select all"}
        assert not textual_own & set(titles), titles
        assert "Quit" in titles


def _column_widths(table) -> dict[str, int]:
    return {c.label.plain: c.width for c in table.columns.values()}


def _fits(table, width: int) -> bool:
    return sum(c.get_render_width(table) for c in table.columns.values()) <= width


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_claims_payer_and_patient_use_the_width(demo_db, size):
    app = make_app(demo_db, actor=find_staff("admin"))
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one("#claims-table")
        widths = _column_widths(table)
        assert widths["DOS"] >= len("06/21/2026")
        assert _fits(table, size[0])
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        longest_payer = max(len(str(r[2])) for r in rows)
        longest_patient = max(len(str(r[1])) for r in rows)
        if size[0] >= 200:
            assert widths["Payer"] >= longest_payer  # "Blue Demo Shield", not "Blue Demo Sh"
            assert widths["Patient"] >= longest_patient
        else:
            assert widths["Payer"] == 12 and widths["Patient"] == 15


def _screen_lines(app) -> list[str]:
    """The screen as text rows (from the SVG screenshot Textual exports)."""
    import html

    rows: dict[float, list[tuple[float, str]]] = {}
    svg = app.export_screenshot()
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(m[3]).replace("\xa0", " ")
        rows.setdefault(float(m[2]), []).append((float(m[1]), text))
    out = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(round(x / 12.2)) + text
        out.append(line.rstrip())
    return out


@pytest.mark.parametrize(
    "keys",
    [
        "f2",
        "f3",
        "f4",
        "f5",
        "f6",
        "f7",
        "f8",
        "f9",
        "f2 v",
        "f2 k",
        "f2 m",
        "f2 l",
        "f2 w",
        "f2 d",
        "f4 a p p enter",
        "f4 a p p enter a",
    ],  # (the last two: a chart, its record)
)
async def test_footer_keys_fit_at_80_columns(demo_db, keys):
    """Every key the footer shows is there whole: none cut ("i Idle loc") or dropped."""
    app = make_app(demo_db, actor=find_staff("admin"))
    async with app.run_test(size=SIZE) as pilot:
        for key in keys.split():
            await pilot.press(key)
            await settle(pilot)
        footer = _screen_lines(app)[-1]
        shown = [
            b.binding.description
            for b in app.screen.active_bindings.values()
            if b.binding.show and b.binding.description and b.node is app.screen
        ]
        missing = [d for d in shown if d not in footer]
        assert not missing, (footer, missing)


# (keys to reach the list, its table, a column that should grow on a wide terminal)
WIDE_LISTS = {
    "schedule": ("f2", "#schedule-table", "Patient"),
    "flow board": ("f3", "#queue-table", "Provider"),
    "patients": ("f4", "#patient-table", "Name"),
    "claims": ("f5", "#claims-table", "Payer"),
    "stock": ("f6", "#stock-table", "Item"),
    "audit": ("f7", "#audit-table", "Detail"),
    "calls": ("f2 l", "#calls-table", "Provider"),
    "waitlist": ("f2 w", "#waitlist-table", "Note"),
    "inbox": ("f9", "#inbox-table", "Reason"),
    "recalls": ("f2 d", "#recalls-table", "Patient"),
}


@pytest.mark.parametrize("name", list(WIDE_LISTS))
async def test_lists_fit_80_columns_and_use_a_wide_terminal(demo_db, name):
    keys, selector, column = WIDE_LISTS[name]
    grown = {}
    for size in ((80, 24), (200, 50)):
        app = make_app(demo_db, actor=find_staff("admin"))
        async with app.run_test(size=size) as pilot:
            for key in keys.split():
                await pilot.press(key)
                await settle(pilot)
            table = app.screen.query_one(selector)
            # Every column shows whole: none runs past the right edge to be cut ("D").
            assert _fits(table, size[0] - 2), _column_widths(table)
            grown[size[0]] = _column_widths(table).get(column, 0)
    assert grown[200] > grown[80] or grown[200] >= 30, grown
    if name == "calls":
        # At 80 the provider is left out (it shows below the list), never cut to "D".
        assert grown[80] == 0 and grown[200] >= len("Dr Quillfeather")


def test_tell_apart_adds_the_birth_date_only_to_shared_names():
    import datetime as dt

    from moa_tui.services.wording import tell_apart

    labels = tell_apart(
        [
            (1, "Smith, Jo", dt.date(1970, 1, 2)),
            (2, "Smith, Jo", dt.date(1990, 3, 4)),
            (3, "Lee, Ann", dt.date(1980, 5, 6)),
            (1, "Smith, Jo", dt.date(1970, 1, 2)),  # the same person twice: one name
        ]
    )
    assert labels == {1: "Smith, Jo (01/02/1970)", 2: "Smith, Jo (03/04/1990)", 3: "Lee, Ann"}
    narrow = tell_apart(
        [(1, "Applewood, Clover", dt.date(1937, 11, 29)), (2, "Applewood, Clover", None)], 18
    )
    assert narrow[1] == "Applew… 11/29/1937" and narrow[2] == "Applewood, Clover"


def _shows_both_birth_dates(names, first, second, width) -> None:
    """Each of the two has a row whose name carries their birth date, whole in the column
    (at 80 columns a long name gives way to the date)."""
    for patient in (first, second):
        born = f"{patient.dob:%m/%d/%Y}"
        shown = [n for n in names if born in n and n.lstrip("*").startswith(first.last_name[:3])]
        assert shown and all(len(n) <= width for n in shown), (born, names, width)


@pytest.mark.parametrize("area", ["f2", "f3"])
async def test_two_patients_of_one_name_show_their_birth_dates(demo_db, area):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.services import clock

    today = clock.today()
    seen: dict[int, Patient] = {}
    for a in Appointment.select().where(Appointment.status.in_(("arrived", "checked_out"))):
        if a.starts_at.date() == today:
            seen.setdefault(a.patient_id, a.patient)
    first, second = list(seen.values())[:2]
    Patient.update(last_name=first.last_name, first_name=first.first_name).where(
        Patient.id == second.id
    ).execute()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(area)
        await settle(pilot)
        table = app.screen.query_one("DataTable")
        names = {str(table.get_row_at(i)[1 if area == "f3" else 2]) for i in range(table.row_count)}
        _shows_both_birth_dates(names, first, second, table.column_width("Patient"))


async def test_follow_up_slots_show_as_rows_with_the_year(demo_db):
    from moa_tui.db.models import Appointment
    from moa_tui.screens.frontdesk.check_out import CheckOutScreen
    from moa_tui.widgets.dialogs import PickDialog

    seen = Appointment.select().where(Appointment.status == "with_provider").first()
    before = Appointment.select().where(Appointment.patient == seen.patient_id).count()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CheckOutScreen(seen.id))
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"t+2w", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        table = app.screen.query_one("DataTable")
        assert table.row_count > 1  # every slot found, not one at a time in a drop-down
        day, time, provider = (str(c) for c in table.get_row_at(0))
        assert re.fullmatch(r"\w{3} \d\d/\d\d/\d{4}", day) and provider
        assert _fits(table, app.screen.query_one(".dialog").size.width)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckOutScreen)
        assert "Follow-up booked" in str(app.screen.query_one("#message").content)
        assert re.search(r"\d\d/\d\d/\d{4}", str(app.screen.query_one("#message").content))
    assert Appointment.select().where(Appointment.patient == seen.patient_id).count() == before + 1


# Where a date stands without its year, and why: a narrow list column or a header under a
# title that carries the year. Anywhere else (sentences, messages, lists) it has all four.
SHORT_DATES_ALLOWED = {
    "screens/scheduling/schedule.py": "the Status column: '→ 12/10 09:00' in 13 cells",
    "screens/scheduling/waitlist.py": (
        "the one-line moved message and the slots dialog's day column"
    ),
    "screens/scheduling/slots.py": "the open-slots day column and the override form's default",
    "screens/scheduling/typed.py": "the one-line moved message",
    "screens/scheduling/calls.py": "the title's 'tomorrow Thu 11/19' beside the full date below it",
    "screens/scheduling/absences.py": "the reschedule list's narrow first column",
    "screens/comms/inbox.py": "the Due column: '11/18 17:00' in 11 cells",
    "screens/comms/refills.py": "the Asked and Where-it-stands cells; Enter reads full dates",
    "widgets/grid_cells.py": "column headers under a title with the full date",
    "screens/scheduling/hours.py": (
        "a range's first day has its year only when the last day's differs"
    ),
}


def test_a_range_shows_the_first_year_only_when_it_differs():
    import datetime as dt

    from moa_tui.screens.scheduling.hours import block_when

    midnight = dt.datetime.combine
    same = block_when(
        midnight(dt.date(2026, 12, 3), dt.time()), midnight(dt.date(2026, 12, 8), dt.time())
    )
    assert same == "Thu 12/03 - Mon 12/07/2026"
    across = block_when(
        midnight(dt.date(2026, 12, 28), dt.time()), midnight(dt.date(2027, 1, 2), dt.time())
    )
    assert across == "Mon 12/28/2026 - Fri 01/01/2027"


def test_counts_are_worded_by_the_one_helper():
    """No hand-made plural ("item{'s' if n != 1 else ''}") outside services/wording.py."""
    from pathlib import Path

    root = Path(moa_tui.screens.__file__).parent.parent
    made = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "wording.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"""\{['"](s|es)['"] if""", line)
    ]
    assert not made, made


# Where a standard, not the screen, fixes a two-digit year.
TWO_DIGIT_YEARS_REQUIRED = {
    "services/billing/x12/segments.py": "X12 ISA09 is YYMMDD by the standard (GS04 is CCYYMMDD)",
}


def test_dates_carry_four_digit_years():
    from pathlib import Path

    root = Path(moa_tui.screens.__file__).parent.parent
    short, two_digit = [], []
    for path in root.rglob("*.py"):
        name = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "%y" in line and name not in TWO_DIGIT_YEARS_REQUIRED:
                two_digit.append(f"{name}:{number}")
            if re.search(r"%m/%d(?!/%Y)", line) and name not in SHORT_DATES_ALLOWED:
                short.append(f"{name}:{number}: {line.strip()}")
    assert not two_digit, two_digit
    assert not short, short


async def test_calls_list_tells_apart_two_patients_of_one_name(demo_db):
    from moa_tui.db.models import Patient
    from moa_tui.services.scheduling.waitlist import confirmation_list
    from moa_tui.services.security.staff import find_staff as staff

    calls = confirmation_list(staff("desk"), 1)
    ids = list(dict.fromkeys(c.patient_id for c in calls))[:2]
    first, second = (Patient.get_by_id(i) for i in ids)
    Patient.update(last_name=first.last_name, first_name=first.first_name).where(
        Patient.id == second.id
    ).execute()
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one("#calls-table")
        names = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        _shows_both_birth_dates(names, first, second, table.column_width("Patient"))
