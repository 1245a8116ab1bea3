"""Issue 9 item 8: what the desk reached for and didn't find, driven by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.screens.schedule import ScheduleScreen
from moa_tui.services.find_name import name_matches, next_name_match
from moa_tui.services.staff import find_staff

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
    from moa_tui.services.schedule import day_schedule

    return [r for r in day_schedule(desk, clock.today()) if r.status == "booked"]


def test_the_visit_to_check_in_is_the_patients_first_booked_one_today(desk):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.services.errors import Conflict, NotFound
    from moa_tui.services.schedule import check_in, visit_to_check_in

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
    from moa_tui.screens.patients import PatientChartScreen, PatientsScreen
    from moa_tui.screens.visit import CheckInScreen

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
