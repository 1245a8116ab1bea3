"""Issue 9 item 7: keys that do what they say, by keys at 80x24."""

from __future__ import annotations

from moa_tui.cli import make_app
from moa_tui.services.security.staff import find_staff
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


def _calls_screen(app):
    from moa_tui.screens.scheduling.calls import CallsScreen

    app.push_screen(CallsScreen())


async def test_calls_2_moves_on_to_the_next_call(demo_db):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _calls_screen(app)
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        second = table.coordinate_to_cell_key((1, 0)).row_key.value
        await pilot.press("2")
        await settle(pilot)
        assert table.selected_key() == second
        await pilot.press("3")
        await settle(pilot)
        assert table.cursor_row == 2


async def test_calls_4_asks_once_then_offers_the_slot_to_the_waitlist(demo_db):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.services.scheduling.waitlist import add_to_waitlist
    from moa_tui.widgets.dialogs import ConfirmDialog, PickDialog

    desk = find_staff("desk")
    app = make_app(demo_db, actor=desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _calls_screen(app)
        await settle(pilot)
        screen = app.screen
        item = screen.selected()
        slot = Appointment.get_by_id(item.call.appointment_id)
        waiting = Patient.select().where(Patient.id != slot.patient_id).first()
        add_to_waitlist(
            desk, waiting.id, {"provider_id": slot.provider_id, "type_id": slot.appt_type_id}
        )
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert Appointment.get_by_id(slot.id).status == "booked"  # nothing before the answer
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)  # the freed slot, offered
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "waitlist" in str(screen.query_one("#message").content).lower() or (
            "Moved" in str(screen.query_one("#message").content)
        )
    assert Appointment.get_by_id(slot.id).status == "cancelled"
    given = Appointment.get(
        (Appointment.patient == waiting.id)
        & (Appointment.starts_at == slot.starts_at)
        & (Appointment.status == "booked")
    )
    assert given.provider_id == slot.provider_id


async def test_calls_4_answered_no_keeps_the_appointment(demo_db):
    from moa_tui.db.models import Appointment

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _calls_screen(app)
        await settle(pilot)
        item = app.screen.selected()
        await pilot.press("4", "n")
        await settle(pilot)
    assert Appointment.get_by_id(item.call.appointment_id).status == "booked"


async def test_calls_5_opens_the_reschedule(demo_db):
    from moa_tui.screens.scheduling.booking import BookingScreen

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _calls_screen(app)
        await settle(pilot)
        item = app.screen.selected()
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, BookingScreen)
        assert app.screen.moving.id == item.call.appointment_id


async def test_restricting_a_chart_asks_first(demo_db):
    from moa_tui.db.models import Patient
    from moa_tui.screens.patients.chart import PatientChartScreen
    from moa_tui.widgets.dialogs import ConfirmDialog

    patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Restrict" in app.screen.question and patient.mrn in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert not Patient.get_by_id(patient.id).restricted
        await pilot.press("r", "y")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        assert "restricted" in str(app.screen.query_one("#message").content)
    assert Patient.get_by_id(patient.id).restricted


async def test_an_empty_emergency_reason_says_so(demo_db):
    from moa_tui.db.models import Patient
    from moa_tui.screens.patients.chart import PatientChartScreen
    from moa_tui.services.patients.patients import set_patient_restricted
    from moa_tui.widgets.form import FormDialog

    patient = Patient.select().order_by(Patient.id).first()
    set_patient_restricted(find_staff("manager"), patient.id, patient.version, True)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(patient.id)
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        depth = len(app.screen_stack)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and len(app.screen_stack) == depth
        assert "Reason is required" in str(app.screen.query_one("#error-reason").content)
        await pilot.press(*"patient at the desk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)


async def test_merge_shows_who_and_what_before_the_mrn_and_reports_what_moved(demo_db):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.widgets.form import FormDialog

    keep, dup = Patient.select().order_by(Patient.id).limit(2)
    visits = Appointment.select().where(Appointment.patient == dup).count()
    assert visits
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_patient(keep.id)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press(*dup.mrn, "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        title = str(app.screen.query_one(".dialog-title").content)
        hint = str(app.screen.query_one(".hint").content)
        assert f"{dup.last_name}, {dup.first_name}" in title
        assert f"DOB {dup.dob:%m/%d/%Y}" in title
        assert f"{visits} appointment" in hint
        assert Appointment.select().where(Appointment.patient == dup).count() == visits
        await pilot.press(*dup.mrn, "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#message").content)
        assert f"moved {visits} appointment" in message, message
    assert Appointment.select().where(Appointment.patient == dup).count() == 0


async def test_a_key_the_role_may_not_use_says_so(demo_db):
    from moa_tui.screens.scheduling.hours import HoursScreen
    from moa_tui.screens.scheduling.intake import IntakeScreen

    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, HoursScreen)
        await pilot.press("a")
        await settle(pilot)
        message = str(app.screen.query_one("#message").content)
        assert "Front desk staff cannot change providers' hours" in message, message
        assert "\n" not in message
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "cannot" in str(app.screen.query_one("#message").content)  # not "n adds one"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "New item: Front desk staff cannot" in str(app.screen.query_one("#message").content)
        await pilot.press("enter")
        await settle(pilot)
        assert "Change an item: Front desk" in str(app.screen.query_one("#message").content)


async def test_a_key_the_role_may_use_still_works(demo_db):
    from moa_tui.screens.scheduling.hours import HoursScreen
    from moa_tui.widgets.form import FormDialog

    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, HoursScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)


# --- one meaning per key across the app ----------------------------------------------------

# A Ctrl, Alt or F-key bound on several screens must mean one idea on all of them; where the
# words differ by screen, they are listed here as that one idea. A new meaning for one of
# these keys fails the test below until it is given a key of its own.
ONE_IDEA = {
    "ctrl+s": {"Save", "Save PDF"},  # save what is on the screen
    "ctrl+q": {"Quit", "Sign out", "Close (staff)"},  # leave the app
    "ctrl+n": {"New patient", "Switch user"},  # someone new: a new record, the next person
    "ctrl+l": {"Letters sent", "Pick account"},  # a list to look at or pick from
    "ctrl+t": {"Templates"},  # the letter templates (the letter screen and the editor)
    "ctrl+r": {"Referrals"},  # the Patients area's open referrals (Ctrl+F is refills)
    "ctrl+f": {"Refills"},  # the caller's refill requests, from the New call screen
    "f1": {"Help", "Close help"},
}


def _bindings_by_key() -> dict[str, set[tuple[str, str]]]:
    """Every Ctrl, Alt and F-key moa-tui's own classes bind: key -> {(words, class)}."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import moa_tui

    found: dict[str, set[tuple[str, str]]] = {}
    for info in pkgutil.walk_packages(moa_tui.__path__, "moa_tui."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if not inspect.isclass(obj) or obj.__module__ != module.__name__:
                continue
            for binding in obj.__dict__.get("BINDINGS", []):
                if not isinstance(binding, Binding):
                    continue
                for key in binding.key.split(","):
                    if key.startswith(("ctrl+", "alt+")) or key[1:].isdigit() and key[0] == "f":
                        found.setdefault(key, set()).add((binding.description, obj.__name__))
    return found


def test_each_ctrl_alt_and_f_key_means_one_thing_across_the_app():
    found = _bindings_by_key()
    assert {words for words, _where in found["ctrl+r"]} == {"Referrals"}
    assert {where for _words, where in found["ctrl+f"]} == {"NewCallScreen"}
    clashes = {}
    for key, uses in found.items():
        words = {w for w, _where in uses}
        if len(words) > 1 and not words <= ONE_IDEA.get(key, set()):
            clashes[key] = sorted(uses)
    assert not clashes, f"a key with two meanings: {clashes}"


async def test_ctrl_f_in_a_call_shows_the_refills_and_n_makes_the_call_one(demo_db):
    from moa_tui.db.models import Appointment, Patient
    from moa_tui.screens.comms.new_call import NewCallScreen
    from moa_tui.screens.comms.refills import PatientRefillsScreen, RefillCallScreen
    from moa_tui.screens.records.open_referrals import OpenReferralsScreen
    from moa_tui.widgets.keybar import KeyBar

    seen = Appointment.select(Appointment.patient).join(Patient).where(~Patient.restricted)
    patient = Patient.get_by_id(seen.order_by(Appointment.patient).first().patient_id)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "ctrl+r")  # Patients: Ctrl+R is the open referrals
        await settle(pilot)
        assert isinstance(app.screen, OpenReferralsScreen)
        await pilot.press("escape", "f10")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        line = str(app.screen.query_one(KeyBar).render())
        assert "^f Refills" in line and "Refill request" not in line, line
        await pilot.press("ctrl+r")  # no meaning here: nothing opens
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        await pilot.press(*f"{patient.last_name[:4]} {patient.first_name[:3]}".lower())
        await settle(pilot)
        await pilot.press("enter", *"Ann Roe", "ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, PatientRefillsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RefillCallScreen)
        assert app.screen.query_one("#caller").value.endswith("Ann Roe")  # the call's caller
