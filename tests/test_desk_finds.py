"""Issue 9 item 8: what the desk reached for and didn't find, driven by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.scheduling.find_name import name_matches, next_name_match
from moa_tui.services.security.staff import find_staff

from .ui_helpers import settle, static_text

SIZE = (80, 24)


def test_a_name_is_found_by_the_starts_of_its_words():
    assert name_matches("Jonesbury, Dex", "jon dex")
    assert name_matches("Jonesbury, Dex", "Dex J")
    assert name_matches("Jonesbury, Dex", "JONESBURY")
    assert not name_matches("Jonesbury, Dex", "esbury")
    assert not name_matches("Jonesbury, Dex", "  ")
    names = ["Ames, Jo", "Brook, Al", "Amesly, Kit", "Cole, Jo"]
    assert next_name_match(names, "ames") == 0
    assert next_name_match(names, "ames", 0) == 2
    assert next_name_match(names, "ames", 2) == 0  # round again from the top
    assert next_name_match(names, "zed") is None
    assert next_name_match([], "ames") is None


async def test_slash_on_the_schedule_finds_the_patient_and_again_the_next(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        rows = list(screen.rows.values())
        # A last name that is on the day twice or more, if the demo has one; else any.
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.patient.split(",")[0]] = counts.get(r.patient.split(",")[0], 0) + 1
        last = max(counts, key=lambda k: (counts[k], k))
        wanted = [str(r.id) for r in rows if r.patient.split(",")[0] == last]
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*last.lower(), "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#schedule-table").selected_key() == wanted[0]
        assert "Found" in static_text(app, "#message")
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("enter")  # the last name typed is offered again: the next one
        await settle(pilot)
        assert screen.query_one("#schedule-table").selected_key() == wanted[1 % len(wanted)]
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("ctrl+u", *"zzqx", "enter")
        await settle(pilot)
        assert app.screen is not screen  # still asking: nobody by that name
        assert "No one on" in static_text(app, "#error-name")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


def _booked_today(desk):
    from moa_tui.services import clock
    from moa_tui.services.scheduling.schedule import day_schedule

    return [r for r in day_schedule(desk, clock.today()) if r.status == "booked"]


def test_the_visit_to_check_in_is_the_patients_first_booked_one_today(desk):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.services.errors import Conflict, NotFound
    from moa_tui.services.scheduling.schedule import check_in, visit_to_check_in

    row = _booked_today(desk)[0]
    found = visit_to_check_in(desk, row.patient_id)
    assert found.status == "booked" and found.starts_at.date() == row.starts_at.date()
    assert found.patient_id == row.patient_id
    for _ in range(5):  # check in every booked visit of the day: then it says so
        try:
            visit = visit_to_check_in(desk, row.patient_id)
        except Conflict as exc:
            assert "already checked in" in str(exc)
            break
        Appointment.update(self_pay=True).where(Appointment.id == visit.id).execute()
        check_in(desk, visit.id)
    today_ids = {r.patient_id for r in _booked_today(desk)} | {row.patient_id}
    nobody = Patient.select().where(Patient.id.not_in(list(today_ids))).first()
    try:
        visit_to_check_in(desk, nobody.id)
    except NotFound as exc:
        assert "no appointment today" in str(exc)
    else:
        raise AssertionError("a patient without a visit today has nothing to check in")


async def test_check_in_from_the_patient_search_and_from_the_chart(demo_db):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.screens.frontdesk.check_in import CheckInScreen
    from moa_tui.screens.patients.chart import PatientChartScreen
    from moa_tui.screens.patients.patients import PatientsScreen

    from .ui_helpers import move_to_row

    desk = find_staff("desk")
    booked = _booked_today(desk)
    # Two patients with one booked visit today each, self-pay so Enter checks in at once.
    once = [r for r in booked if sum(b.patient_id == r.patient_id for b in booked) == 1][:2]
    for r in once:
        Appointment.update(self_pay=True).where(Appointment.id == r.id).execute()
    first, second = (Patient.get_by_id(r.patient_id) for r in once)
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.press(*f"{first.last_name} {first.first_name}".lower())
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        await pilot.press("down")
        move_to_row(app, lambda row: row[0] == first.mrn)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        assert "checked in" in static_text(app, "#message")
        assert Appointment.get_by_id(once[0].id).status == "arrived"
        await pilot.press("c")  # again: already here, says so in one line
        await settle(pilot)
        assert "already checked in" in static_text(app, "#message")

        app.open_patient(second.id)
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "checked in" in static_text(app, "#message")
        assert Appointment.get_by_id(once[1].id).status == "arrived"


def test_stock_search_by_name_or_sku_and_an_items_movements(desk):
    import pytest

    from moa_tui.db.models import SupplyItem
    from moa_tui.services.errors import ValidationError
    from moa_tui.services.supplies.inventory import (
        item_movements,
        receive_stock,
        stock_page,
        use_stock,
    )

    gloves = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
    by_name = stock_page(desk, search="GLOVES nit").rows
    assert gloves.id in [r.id for r in by_name]
    assert all("gloves nit" in r.name.lower() for r in by_name)
    by_sku = stock_page(desk, search=gloves.sku[:4].lower()).rows
    assert gloves.id in [r.id for r in by_sku]
    assert stock_page(desk, search="100%_").rows == []  # wildcards are plain characters
    with pytest.raises(ValidationError):
        stock_page(desk, search="\x1b[2J")
    receive_stock(desk, gloves.id, "3", "Delivery received")
    use_stock(desk, gloves.id, "2", "Used in clinic")
    page = item_movements(desk, gloves.id, limit=1)
    assert [(m.kind, m.quantity, m.staff) for m in page.rows] == [("use", -2, desk.short_name)]
    assert page.next_after == page.rows[0].id
    older = item_movements(desk, gloves.id, page.next_after, limit=1)
    assert (older.rows[0].kind, older.rows[0].quantity) == ("receive", 3)
    assert older.item.on_hand == gloves.on_hand + 1


async def test_stock_find_then_enter_shows_the_history(demo_db):
    from moa_tui.db.models import SupplyItem
    from moa_tui.screens.supplies.stock import StockScreen
    from moa_tui.screens.supplies.stock_history import StockHistoryScreen
    from moa_tui.services.supplies.inventory import receive_stock

    from .ui_helpers import table_rows

    desk = find_staff("desk")
    gloves = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
    receive_stock(desk, gloves.id, "7", "Box from Henry's")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"gloves nitrile m", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
        names = [row[1] for row in table_rows(app)]
        assert names == ["Exam gloves nitrile M"]
        assert "matching" in static_text(app, "#stock-summary")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StockHistoryScreen)
        first = table_rows(app)[0]
        assert first[1:4] == ["Received", "    +7", str(gloves.on_hand + 7).rjust(6)]
        assert "Box from Henry's" in first[5]
        assert "Exam gloves nitrile M" in static_text(app, "#titlebar")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, StockHistoryScreen)
        await pilot.press("escape", "slash")
        await settle(pilot)
        await pilot.press("ctrl+u", "enter")  # blank: every item again
        await settle(pilot)
        assert len(table_rows(app)) > 1


async def test_switch_user_at_the_lock_keeps_the_first_persons_screens(demo_db):
    from textual.widgets import Input

    from moa_tui.screens.patients.patients import PatientsScreen
    from moa_tui.screens.security.signin import LockScreen, SwitchUserScreen

    from .conftest import DEMO_PASSWORD

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", *"app")  # the desk was searching: half done
        await settle(pilot)
        first_search = app.screen
        app.action_lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Ctrl+N: switch user" in static_text(app, ".hint")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, SwitchUserScreen)
        await pilot.press("escape")  # changed their mind: the lock again
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"manager", "enter", *DEMO_PASSWORD, "enter")
        await settle(pilot)
        # The manager works in fresh screens of their own; the desk's search is not there.
        assert app.actor.username == "manager"
        assert not isinstance(app.screen, LockScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen) and app.screen is not first_search
        assert app.screen.query_one("#search", Input).value == ""
        # The manager locks; the desk comes back to their screens as they left them.
        app.action_lock()
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"desk", "enter", *DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert app.actor.username == "desk"
        assert app.screen is first_search
        assert app.screen.query_one("#search", Input).value == "app"
        # And the manager's screens were kept in turn.
        assert set(app._kept) == {find_staff("manager").id}


def test_the_kiosk_gives_a_ticket_number_the_waiting_room_shows(desk):
    import re

    from moa_tui.db.models import Appointment, Patient
    from moa_tui.services.frontdesk.kiosk import kiosk_check_in, waiting_room

    kiosk = find_staff("kiosk")
    booked = _booked_today(desk)
    for r in booked[:2]:
        Appointment.update(self_pay=True).where(Appointment.id == r.id).execute()
    said = [kiosk_check_in(kiosk, r.id, True) for r in booked[:2]]
    tickets = [re.search(r"ticket number is (\d+)", s).group(1) for s in said]
    assert tickets[0] != tickets[1]
    board = {line.ticket for line in waiting_room(kiosk)}
    assert set(tickets) <= board
    for line in waiting_room(kiosk):
        assert line.ticket.isdigit()  # no initials, nothing of the name
    patient = Patient.get_by_id(booked[0].patient_id)
    initials = f"{patient.first_name[0]}{patient.last_name[0]}"
    assert not any(t.startswith(initials) for t in board)
    # The same visit keeps its ticket when the board is read again later.
    assert tickets[0] in {line.ticket for line in waiting_room(kiosk)}


async def test_the_kiosk_screen_says_the_ticket_and_the_board_shows_it(demo_db):
    import re

    from moa_tui.cli import make_kiosk_app
    from moa_tui.db.models import Patient
    from moa_tui.kiosk import WaitingRoomScreen

    from .test_kiosk_ui import unique_booked_patient

    row, patient = unique_booked_patient()
    app = make_kiosk_app(demo_db, actor=find_staff("kiosk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*patient.last_name, "enter", *f"{patient.dob:%m/%d/%Y}", "enter", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        shown = static_text(app, "#kiosk-text")
        ticket = re.search(r"ticket number is (\d+)", shown).group(1)
    board_app = make_kiosk_app(demo_db, actor=find_staff("kiosk"), waiting_room=True)
    async with board_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(board_app.screen, WaitingRoomScreen)
        board = static_text(board_app, "#board")
        assert re.search(rf"^\s+{ticket}\s+Please wait", board, re.M)
        initials = f"{patient.first_name[0]}{patient.last_name[0]}-"
        assert initials not in board
        assert not any(p.last_name in board for p in Patient.select())


def test_a_kiosk_patient_who_says_something_changed_is_flagged(desk):
    from moa_tui.db.models import Appointment
    from moa_tui.services.frontdesk.flow_board import flow_board
    from moa_tui.services.frontdesk.frontdesk import visit_desk
    from moa_tui.services.frontdesk.kiosk import kiosk_check_in

    kiosk = find_staff("kiosk")
    changed, same = _booked_today(desk)[:2]
    for r in (changed, same):
        Appointment.update(self_pay=True, note="x" * 199).where(Appointment.id == r.id).execute()
    kiosk_check_in(kiosk, changed.id, False)
    kiosk_check_in(kiosk, same.id, True)
    board = {b.row.id: b.row for b in flow_board(desk)}
    assert board[changed.id].details_changed and not board[same.id].details_changed
    assert visit_desk(desk, changed.id).appointment.details_changed


async def test_the_flow_board_and_check_in_screen_flag_changed_details(demo_db):
    from moa_tui.db.models import Appointment
    from moa_tui.screens.frontdesk.check_in import CheckInScreen
    from moa_tui.screens.frontdesk.flow_board import QueueScreen
    from moa_tui.services.frontdesk.kiosk import kiosk_check_in

    from .ui_helpers import table_rows

    desk = find_staff("desk")
    row = _booked_today(desk)[0]
    Appointment.update(self_pay=True).where(Appointment.id == row.id).execute()
    kiosk_check_in(find_staff("kiosk"), row.id, False)
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        flagged = [r[1] for r in table_rows(app) if r[1].startswith("*")]
        assert flagged == ["*" + row.patient]
        assert "changed details (*)" in static_text(app, "#queue-summary")
        app.push_screen(CheckInScreen(row.id))
        await settle(pilot)
        assert "address/phone changed" in static_text(app, "#visit-body")
