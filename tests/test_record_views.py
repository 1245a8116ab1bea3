"""One title bar, one message line and the kinds it says things in (issue 9 item 12), and
columns that tell patients apart (item 6), for the screens pushed over an area."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import moa_tui
from moa_tui.cli import make_app, make_kiosk_app
from moa_tui.db.models import AuditEvent, Patient
from moa_tui.screens.base import RecordView, TitledScreen
from moa_tui.screens.security.audit import keep_the_mrn
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.message_line import KINDS, MessageLine

from .test_kiosk_ui import unique_booked_patient
from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)
CHART = ["f4", *"app", "enter"]

# (who, keys from the start, the view's name in its title bar)
VIEWS = {
    "chart": ("desk", CHART, "Patient · Applewood, Clover · MRN"),
    "patient form": ("desk", [*CHART, "e"], "Edit patient · Applewood, Clover"),
    "new patient": ("desk", ["f4", "ctrl+n"], "New patient"),
    "insurance": ("desk", [*CHART, "i"], "Insurance · Applewood, Clover"),
    "check-in": ("desk", ["down"] * 6 + ["c"], "Check in · "),
    "claim": ("admin", ["f5", "enter"], "Claim "),
    "stock history": ("admin", ["f6", "h"], "Stock history · "),
    "appointment history": ("desk", [*CHART, "h"], "Appointment history · Applewood, Clover"),
    "clinical record": ("desk", [*CHART, "a"], "Record · Applewood, Clover"),
}
# Pushed over an area but not one record: a flow (booking) and a list (intake items).
FLOWS = {
    "booking": ("desk", ["b"], "Book an appointment"),
    "moving": ("desk", ["down"] * 6 + ["r"], "Move "),
    "intake": ("admin", ["F"], "Intake forms and items"),
}


@pytest.mark.parametrize("name", list(VIEWS))
async def test_pushed_views_have_the_one_title_bar_and_message_line(demo_db, name):
    who, keys, title = VIEWS[name]
    actor = find_staff(who)
    app = make_app(demo_db, actor=actor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecordView), type(screen).__name__
        assert len(screen.query("#titlebar")) == 1 and len(screen.query(MessageLine)) == 1
        shown = static_text(app, "#titlebar")
        assert shown.startswith(title), shown
        assert shown.endswith(f"· {app.clinic_name} · {actor.short_name}"), shown


@pytest.mark.parametrize("name", list(FLOWS))
async def test_pushed_flows_and_lists_have_the_one_title_bar_and_message_line(demo_db, name):
    who, keys, title = FLOWS[name]
    actor = find_staff(who)
    app = make_app(demo_db, actor=actor)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TitledScreen) and not isinstance(screen, RecordView), screen
        assert len(screen.query("#titlebar")) == 1 and len(screen.query(MessageLine)) == 1
        shown = static_text(app, "#titlebar")
        assert shown.startswith(title), shown
        if name != "moving":  # a move names the patient and the time: the clinic is cut off
            assert shown.endswith(f"· {app.clinic_name} · {actor.short_name}"), shown
        screen.say("Something went wrong.", "error")
        assert screen.query_one(MessageLine).kind == "error"


async def test_the_history_is_fetched_when_opened_not_when_a_dialog_over_it_closes(demo_db):
    from moa_tui.screens.scheduling.history import HistoryScreen

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        for key in [*CHART, "h"]:
            await pilot.press(key)
            await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen) and history.rows
        fetched = []
        history.reload = lambda: fetched.append(1)
        await pilot.press("f1")  # the help screen over it, then back
        await settle(pilot)
        assert app.screen is not history
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is history and fetched == []


def _opened(patient_id: int) -> int:
    return (
        AuditEvent.select()
        .where((AuditEvent.action == "patient.open") & (AuditEvent.patient_id == patient_id))
        .count()
    )


async def test_a_dialog_closing_over_the_chart_does_not_open_it_again(demo_db):
    """The chart is fetched (and audited) when it opens, not each time it is uncovered."""
    app = make_app(demo_db, actor=find_staff("admin"))  # may restrict a record
    async with app.run_test(size=SIZE) as pilot:
        for key in CHART:
            await pilot.press(key)
            await settle(pilot)
        chart = app.screen
        before = _opened(chart.patient_id)
        assert before >= 1
        await pilot.press("r")  # restrict? asks first
        await settle(pilot)
        assert app.screen is not chart
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is chart
        assert _opened(chart.patient_id) == before


def _say_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "say":
                yield node


def _constants(node: ast.AST):
    if isinstance(node, ast.Constant):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)


def test_messages_are_said_in_kinds_not_rich_styles():
    """say(text, kind): "error", "warning", "ok" (the looks are in the .tcss), never
    "bold red" or "green"."""
    root = Path(moa_tui.__file__).parent
    checked = 0
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for call in _say_calls(ast.parse(path.read_text(), str(path))):
            checked += 1
            for kind in _constants(call.args[1]):
                assert kind in (*KINDS, ""), f"{relative}:{call.lineno} says in {kind!r}"
    assert checked > 50


def test_a_rich_style_is_no_kind():
    """The old "bold red"/"green" styles are not read as kinds any more: a slip is found."""
    for style in ("bold red", "red", "yellow", "green", "Error"):
        with pytest.raises(ValueError, match="kind"):
            MessageLine().say("Saved.", style)


async def test_the_kiosk_looks_are_classes(demo_db):
    _row, patient = unique_booked_patient()
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"Nobody", "enter", *"01/01/1970", "enter", "enter")
        await settle(pilot)
        message = app.screen.query_one("#dialog-message", MessageLine)
        assert "front desk" in str(message.content).lower()
        assert not message.content.style and message.styles.text_style.bold
        await pilot.press("escape", *patient.last_name, "enter", *f"{patient.dob:%m/%d/%Y}")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        text = app.screen.query_one("#kiosk-text")
        assert "Please have a seat" in str(text.content)
        assert text.has_class("checked-in") and not text.content.style
        app.screen.action_restart()
        assert not text.has_class("checked-in")


def test_the_audit_list_cuts_the_name_not_the_mrn():
    assert keep_the_mrn("Applewood, Clover (100003)", 16) == "Applew… (100003)"
    assert keep_the_mrn("Lee, Ann (100001)", 20) == "Lee, Ann (100001)"
    assert keep_the_mrn("", 16) == ""


async def test_two_patients_of_one_name_are_told_apart_in_the_audit_list(demo_db):
    first, second = Patient.select().order_by(Patient.id).limit(2)
    Patient.update(last_name="Applewoodhouse", first_name="Clementine").where(
        Patient.id.in_([first.id, second.id])
    ).execute()
    manager = find_staff("manager")
    app = make_app(demo_db, actor=manager)
    async with app.run_test(size=SIZE) as pilot:
        for patient in (first, second):  # opening each chart puts it in the trail
            app.open_patient(patient.id)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        width = app.screen.query_one("#audit-table").column_width("Patient")
        shown = {row[3] for row in table_rows(app, "#audit-table") if row[3].startswith("Apple")}
        for patient in (first, second):
            mine = [s for s in shown if s.endswith(f"({patient.mrn})")]
            assert mine and all(len(s) <= width for s in mine), (patient.mrn, shown, width)
        # A name nobody else on the list has is left whole (the table cuts what is shown).
        table = app.screen.query_one("#audit-table")
        for key, row in app.screen.rows.items():
            if row.patient and not row.patient.startswith("Applewoodhouse"):
                assert str(table.get_row(key)[3]) == row.patient


async def test_the_insurance_list_uses_the_width(demo_db):
    payer = {}
    for size in ((80, 24), (200, 50)):
        app = make_app(demo_db, actor=find_staff("desk"))
        async with app.run_test(size=size) as pilot:
            for key in [*CHART, "i"]:
                await pilot.press(key)
                await settle(pilot)
            table = app.screen.query_one("#coverage-table")
            total = sum(c.get_render_width(table) for c in table.columns.values())
            assert total <= size[0] - 2, size
            payer[size[0]] = table.column_width("Payer")
    assert payer[80] >= 18 and payer[200] >= 30, payer


def test_every_pushed_view_is_a_titled_screen():
    from moa_tui.screens.billing.claims import ClaimScreen
    from moa_tui.screens.frontdesk.visit import VisitScreen
    from moa_tui.screens.patients.chart import PatientChartScreen
    from moa_tui.screens.patients.coverage import CoverageScreen
    from moa_tui.screens.patients.form import PatientFormScreen
    from moa_tui.screens.scheduling.booking import BookingScreen
    from moa_tui.screens.scheduling.history import HistoryScreen
    from moa_tui.screens.scheduling.intake import IntakeScreen
    from moa_tui.screens.supplies.stock_history import StockHistoryScreen

    for cls in (
        ClaimScreen,
        VisitScreen,
        PatientChartScreen,
        CoverageScreen,
        PatientFormScreen,
        StockHistoryScreen,
        HistoryScreen,
        BookingScreen,
        IntakeScreen,
    ):
        assert issubclass(cls, TitledScreen) and "compose" not in vars(cls), cls.__name__


async def test_a_restricted_chart_says_why_in_the_refused_look_until_it_opens(demo_db):
    from moa_tui.screens.patients.chart import PatientChartScreen
    from moa_tui.services.patients.patients import set_patient_restricted

    patient = Patient.select().first()
    set_patient_restricted(find_staff("manager"), patient.id, patient.version, True)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        chart = next(s for s in app.screen_stack if isinstance(s, PatientChartScreen))
        assert app.screen is not chart  # the reason is asked for over it
        body = chart.query_one("#chart-body")
        assert body.has_class("refused") and not body.content.style
        assert "reason" in str(body.content).lower()
        await pilot.press(*"patient at the desk", "enter")
        await settle(pilot)
        assert app.screen is chart
        assert not body.has_class("refused") and "RESTRICTED" in str(body.content)
