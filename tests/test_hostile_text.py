"""Hostile text (security issue, point 9).

"Any stored text (names, notes, imported files) may contain terminal escape sequences,
control characters or Rich markup. None of it may reach the terminal raw, change the
screen, or crash a screen; it shows as harmless visible text. Input boundaries clean it;
rendering treats stored text as plain text. Tests put hostile strings in every kind of
field and render every screen."

Part one drives every service that takes text with hostile values: control and escape
characters are refused, naming the field, and nothing is written; text that merely looks
like markup is refused in names and kept verbatim in notes and reasons.

Part two writes hostile values straight into the database, bypassing the services (as an
imported file or an older version might have), then drives every screen at 80x24 and
checks what would be sent to the terminal: no control character of the stored text, the
text shown in its visible form (ESC as "␛"), and markup shown as the literal brackets.
The last test runs the installed program in a real pseudo-terminal and checks with pyte
that the window title did not change and the screen was not cleared.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Input, Static

from moa_tui.cli import make_app
from moa_tui.db.database import db
from moa_tui.db.models import (
    MODELS,
    Appointment,
    AppointmentType,
    AuditEvent,
    ChangeCounter,
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimStatusChange,
    ClinicSettings,
    Coverage,
    Patient,
    Payer,
    Provider,
    StaffMember,
    StockMovement,
    SupplyItem,
)
from moa_tui.screens.billing.claims import ClaimScreen, ClaimsScreen
from moa_tui.screens.help import HelpScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.patients.form import PatientFormScreen
from moa_tui.screens.patients.patients import PatientsScreen
from moa_tui.screens.security.signin import LoginScreen
from moa_tui.services import clock
from moa_tui.services.billing.claims import change_claim_status, write_off_balance
from moa_tui.services.errors import ValidationError
from moa_tui.services.patients.patients import (
    FORM_FIELDS,
    create_patient,
    open_patient,
    set_patient_restricted,
    update_patient,
)
from moa_tui.services.scheduling.availability import add_block, save_type
from moa_tui.services.scheduling.booking import book_appointment
from moa_tui.services.scheduling.waitlist import add_to_waitlist
from moa_tui.services.security.audit import audit_page
from moa_tui.services.security.staff import create_staff, find_staff, set_os_login
from moa_tui.services.supplies.inventory import adjust_stock, receive_stock, use_stock
from moa_tui.services.validate import clean_text, has_control
from moa_tui.ui.text import visible

from .ui_helpers import settle

SIZE = (80, 24)

CLEAR = "\x1b[2J\x1b[H"  # erase the display, cursor home
TITLE = "\x1b]0;pwned\x07"  # set the window title
RED = "\x1b[31mRED"
MARKUP = "[bold red]x[/]"
CLOSE = "[/b]"  # a closing tag with no opening one: a MarkupError where parsed
LINK = "[link=http://x]y[/link]"
SHELL = "$(rm -rf /)"
BIDI = "\u202eevil"  # right-to-left override
NUL = "\x00nul"
CRLF = "\r\nnew line"
C1 = "\x9b31m"  # the one-byte (C1) CSI
ZALGO = "Zalgo Z\u0334\u0321\u034ea\u0337l"
LONG = "Long" + "x" * 300
HOSTILE = (CLEAR, TITLE, RED, MARKUP, CLOSE, LINK, SHELL, BIDI, NUL, CRLF, C1, ZALGO, LONG)
# Those with a control character that trimming the ends cannot remove: always refused.
CONTROL = tuple(h for h in HOSTILE if has_control(h.strip()))
LOOKS_LIKE_MARKUP = (MARKUP, CLOSE, LINK, SHELL, "[bold]")
# What must never be in the output as a character of stored text.
RAW = ("\x1b", "\x07", "\x9b", "\x00", "\u202e", "\r")


def controls(text: str, allow: str = "") -> list[str]:
    """The control and format characters in *text* (but those in *allow*), as code points."""
    return sorted(
        {
            f"U+{ord(ch):04X}"
            for ch in text
            if unicodedata.category(ch) in ("Cc", "Cf") and ch not in allow
        }
    )


def test_the_hostile_strings_are_what_they_claim():
    assert {CLEAR, TITLE, RED, BIDI, NUL, C1} <= set(CONTROL)
    assert CRLF not in CONTROL  # its only controls are at the start: trimming cleans them
    assert visible(CLEAR) == "␛[2J␛[H" and visible(NUL) == "␀nul"
    assert visible(MARKUP) == MARKUP  # markup-looking text is shown as it is


# --- part one: the input boundary ---------------------------------------------------------

VALID_PATIENT = {
    "last_name": "Testperson",
    "first_name": "Quinn",
    "dob": "04/17/1962",
    "sex": "F",
    "phone_mobile": "607-555-0299",  # no demo patient has it: not a likely duplicate
    "phone_home": "",
    "email": "quinn@example.com",
    "address1": "1 Maple St",
    "city": "Springfield",
    "state": "NY",
    "zip": "12345",
}


def fingerprint() -> dict[str, list]:
    """Every row of every table but the audit trail (a refusal is recorded there) and the
    change counters (which count the audit trail's changes too)."""
    return {
        model.__name__: list(model.select().order_by(model._meta.primary_key).tuples())
        for model in MODELS
        if model not in (AuditEvent, ChangeCounter)
    }


def last_audit_id() -> int:
    return AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1).scalar() or 0


@contextlib.contextmanager
def writes_nothing():
    """Nothing in the block changes a table; the audit trail gains only refusals, and
    what it records about them holds no control character."""
    before, mark = fingerprint(), last_audit_id()
    yield
    assert fingerprint() == before, "a refused value was written"
    events = list(AuditEvent.select().where(AuditEvent.id > mark))
    assert all(e.outcome == "refused" for e in events), [(e.action, e.outcome) for e in events]
    assert not [e.detail for e in events if controls(e.detail)]


def assert_refused(call, field: str, value: str) -> None:
    """*call* raises ValidationError naming *field*, with a message that does not repeat
    the hostile value."""
    with pytest.raises(ValidationError) as refused:
        call(value)
    assert field in refused.value.errors, (value, refused.value.errors)
    assert not controls(str(refused.value)), "the message repeats the hostile text"


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_registration_refuses_control_characters_in_every_field(desk, field):
    with writes_nothing():
        _refuse_in_registration(desk, field)


def _refuse_in_registration(desk, field):
    for hostile in CONTROL:

        def call(value):
            return create_patient(desk, {**VALID_PATIENT, field: value})

        # At the start, in the middle and at the end of an otherwise good value.
        good = VALID_PATIENT.get(field) or "x"
        for value in (hostile + good, good[:1] + hostile + good[1:], good + hostile):
            if field == "sex" and value[:1] in "FMXU":
                continue  # only the first letter of "Female" is read: tested below
            assert_refused(call, field, value)


def test_sex_keeps_only_a_known_code(desk):
    chart = create_patient(desk, {**VALID_PATIENT, "sex": "F" + CLEAR})
    assert Patient.get_by_id(chart.id).sex == "F"


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_an_edit_refuses_control_characters_in_every_field(desk, field):
    patient = Patient.select().order_by(Patient.id).first()
    chart = open_patient(desk, patient.id)

    def call(value):
        return update_patient(desk, patient.id, chart.version, {**chart.values, field: value})

    with writes_nothing():
        for hostile in CONTROL:
            assert_refused(call, field, hostile + (chart.values[field] or "x"))


def test_trimmed_line_breaks_leave_no_control_behind(desk):
    chart = create_patient(desk, {**VALID_PATIENT, "city": CRLF, "address1": "\t1 Elm St\r\n"})
    stored = Patient.get_by_id(chart.id)
    assert (stored.city, stored.address1) == ("new line", "1 Elm St")


@pytest.mark.parametrize("text", LOOKS_LIKE_MARKUP)
@pytest.mark.parametrize("field", ["last_name", "first_name"])
def test_names_refuse_markup_looking_text(desk, field, text):
    with writes_nothing():
        assert_refused(
            lambda value: create_patient(desk, {**VALID_PATIENT, field: value}), field, text
        )


@pytest.mark.parametrize("text", LOOKS_LIKE_MARKUP)
def test_address_and_city_keep_markup_looking_text_verbatim(desk, text):
    chart = create_patient(desk, {**VALID_PATIENT, "address1": text, "city": text})
    stored = Patient.get_by_id(chart.id)
    assert (stored.address1, stored.city) == (text, text)
    again = update_patient(desk, chart.id, chart.version, {**chart.values, "city": text + "!"})
    assert Patient.get_by_id(chart.id).city == again.values["city"] == text + "!"


# Every other service that takes free text: (id, user, field, call(actor, value) -> stored
# text, may the field hold brackets?). Each call makes a fresh record to write to.


def _claim_note(actor, value):
    claim = Claim.select().where(Claim.status != "submitted").order_by(Claim.id).first()
    change_claim_status(actor, claim.id, claim.version, "submitted", value)
    return ClaimStatusChange.select().order_by(ClaimStatusChange.id.desc()).first().note


def _write_off(actor, value):
    claim = (
        Claim.select()
        .where(Claim.total_cents > Claim.paid_cents + Claim.adjusted_cents)
        .order_by(Claim.id)
        .first()
    )
    write_off_balance(actor, claim.id, claim.version, value)
    return ClaimAdjustment.select().order_by(ClaimAdjustment.id.desc()).first().reason


def _stock(service, quantity):
    def call(actor, value):
        item = SupplyItem.select().where(SupplyItem.on_hand >= 5).order_by(SupplyItem.id).first()
        service(actor, item.id, quantity, value)
        return StockMovement.select().order_by(StockMovement.id.desc()).first().reason

    return call


def _restricted() -> Patient:
    """The last patient, restricted (opening the record needs a reason)."""
    patient = Patient.select().order_by(Patient.id.desc()).first()
    if not patient.restricted:
        set_patient_restricted(find_staff("manager"), patient.id, patient.version, True)
    return patient


def _emergency_reason(actor, value):
    open_patient(actor, _restricted().id, value)
    return AuditEvent.select().order_by(AuditEvent.id.desc()).first().detail.split(": ", 1)[1]


def _staff_name(actor, value):
    row = create_staff(
        actor,
        {
            "username": "newbie",
            "full_name": value,
            "role": "front_desk",
            "password": "a long pass 1",
        },
    )
    return StaffMember.get_by_id(row.id).full_name


def _username(actor, value):
    create_staff(
        actor,
        {
            "username": value,
            "full_name": "New Person",
            "role": "front_desk",
            "password": "plain harbor 48",
        },
    )
    return StaffMember.select().order_by(StaffMember.id.desc()).first().username


def _os_login(actor, value):
    staff = StaffMember.get(StaffMember.username == "desk2")
    row = set_os_login(actor, staff.id, staff.version, value)
    return row.os_login


def _override(actor, value):
    # After hours (the override is what lets it through), each booking after the last.
    day = dt.datetime.combine(clock.today() + dt.timedelta(days=6), dt.time(19, 0))
    later = Appointment.select().where(Appointment.starts_at >= day).count()
    book_appointment(actor, 1, 1, 1, day + dt.timedelta(minutes=15 * later), None, value)
    a = Appointment.select().order_by(Appointment.id.desc()).first()
    return a.override_reason.split(": ", 1)[1]


def _block_reason(actor, value):
    start = dt.datetime.combine(clock.today() + dt.timedelta(days=40), dt.time(9))
    info = add_block(actor, 1, start, start + dt.timedelta(hours=1), value)
    return info.reason


def _type_name(actor, value):
    return save_type(actor, None, {"name": value, "minutes": "15"}).name


def _waitlist_note(actor, value):
    return add_to_waitlist(actor, 1, {"note": value}).note


def _coverage(field: str):
    def call(actor, value):
        from moa_tui.services.patients.registration import save_coverage

        data = {"payer_id": str(Payer.select().first().id), "priority": "3", "member_id": "M1"}
        row = save_coverage(actor, 1, None, None, {**data, field: value})
        return getattr(Coverage.get_by_id(row.id), field)

    return call


def _todays(*conditions):
    today = dt.datetime.combine(clock.today(), dt.time.min)
    return Appointment.select().where(
        (Appointment.starts_at >= today)
        & (Appointment.starts_at < today + dt.timedelta(days=1))
        & (Appointment.status == "booked"),
        *conditions,
    )


def _eligibility_reference(actor, value):
    from moa_tui.db.models import EligibilityCheck
    from moa_tui.services.frontdesk.frontdesk import record_eligibility

    covered = Coverage.select(Coverage.patient)
    visit = _todays(Appointment.patient.in_(covered)).order_by(Appointment.id).first()
    record_eligibility(actor, visit.id, "verified", "phone", value)
    return EligibilityCheck.select().order_by(EligibilityCheck.id.desc()).first().reference


def _payment(field: str):
    def call(actor, value):
        from moa_tui.db.models import AccountEntry
        from moa_tui.services.frontdesk.payments import collect_payment

        text = {"reference": "A1", "description": "Payment", field: value}
        collect_payment(actor, 1, "5", "card", text["reference"], None, text["description"])
        return getattr(AccountEntry.select().order_by(AccountEntry.id.desc()).first(), field)

    return call


def _unverified_visits() -> None:
    """Five of today's booked visits without a verified insurance check (check-in needs
    a manager's override with a reason)."""
    from moa_tui.db.models import EligibilityCheck

    visits = [a.id for a in _todays().order_by(Appointment.starts_at).limit(5)]
    EligibilityCheck.delete().where(EligibilityCheck.appointment.in_(visits)).execute()
    Appointment.update(self_pay=False).where(Appointment.id.in_(visits)).execute()


def _checkin_override(actor, value):
    from moa_tui.services.scheduling.schedule import check_in, insurance_verified

    visit = next(a for a in _todays() if not a.self_pay and not insurance_verified(a))
    check_in(actor, visit.id, None, value)
    return Appointment.get_by_id(visit.id).checkin_override


TEXT_SERVICES = [
    pytest.param("desk", "note", _claim_note, True, id="claim-status-note"),
    pytest.param("manager", "reason", _write_off, True, id="write-off-reason"),
    pytest.param("desk", "reason", _stock(receive_stock, 1), True, id="receive-reason"),
    pytest.param("desk", "reason", _stock(use_stock, 1), True, id="use-reason"),
    pytest.param("desk", "reason", _stock(adjust_stock, 3), True, id="adjust-reason"),
    pytest.param("manager", "reason", _emergency_reason, True, id="emergency-reason"),
    pytest.param("admin", "full_name", _staff_name, False, id="staff-full-name"),
    pytest.param("admin", "username", _username, False, id="staff-username"),
    pytest.param("admin", "os_login", _os_login, False, id="os-login"),
    pytest.param("desk", "override", _override, True, id="booking-override"),
    pytest.param("manager", "reason", _block_reason, True, id="blocked-time-reason"),
    pytest.param("manager", "name", _type_name, True, id="appointment-type-name"),
    pytest.param("desk", "note", _waitlist_note, True, id="waitlist-note"),
    pytest.param("desk", "member_id", _coverage("member_id"), True, id="coverage-member-id"),
    pytest.param("desk", "group_id", _coverage("group_id"), True, id="coverage-group-id"),
    pytest.param("desk", "subscriber_name", _coverage("subscriber_name"), True, id="subscriber"),
    pytest.param("desk", "reference", _eligibility_reference, True, id="eligibility-reference"),
    pytest.param("desk", "reference", _payment("reference"), True, id="payment-reference"),
    pytest.param("desk", "description", _payment("description"), True, id="payment-description"),
    pytest.param("manager", "override", _checkin_override, True, id="check-in-override"),
]


@pytest.mark.parametrize(("user", "field", "call", "brackets"), TEXT_SERVICES)
def test_every_text_service_refuses_control_characters(demo_db, user, field, call, brackets):
    actor = find_staff(user)
    _restricted()
    _unverified_visits()
    with writes_nothing():
        for hostile in CONTROL:
            assert_refused(lambda value: call(actor, value), field, f"ok {hostile} ok")


MARKUP_SERVICES = [p for p in TEXT_SERVICES]


@pytest.mark.parametrize(("user", "field", "call", "brackets"), MARKUP_SERVICES)
def test_markup_is_kept_verbatim_where_brackets_are_allowed(demo_db, user, field, call, brackets):
    actor = find_staff(user)
    _restricted()
    _unverified_visits()
    for n, text in enumerate((MARKUP, CLOSE, LINK)):
        value = f"{text} {n}"
        if brackets:
            assert call(actor, value) == value
        else:
            assert_refused(lambda v: call(actor, v), field, value)


def test_audit_report_filters_refuse_control_characters(demo_db):
    manager = find_staff("manager")
    with writes_nothing():
        for hostile in CONTROL:
            assert_refused(lambda value: audit_page(manager, value, ""), "patient", hostile)
            assert_refused(lambda value: audit_page(manager, "", value), "user", hostile)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_clean_text_never_lets_a_control_character_through(text):
    try:
        cleaned = clean_text("f", text, max_len=40)
    except ValidationError as exc:
        assert set(exc.errors) == {"f"}
    else:
        assert not controls(cleaned), repr(cleaned)


# --- part two: stored hostile text on every screen ---------------------------------------


def _cycle(i: int) -> str:
    return HOSTILE[i % len(HOSTILE)]


GROUP_DOB = dt.date(1903, 1, 2)  # the poisoned patients all share it: one search finds them


def poison(demo_db: Path, *, ids_too: bool = False) -> list[Patient]:
    """Write hostile text into every text column a screen shows, the way an import or an
    old version could have: straight into the tables. Returns the patients that share
    GROUP_DOB (the first of them is on top of today's schedule). With *ids_too*, also
    their MRN, phone and sex."""
    with db.atomic():
        return _poison(ids_too)


def _poison(ids_too: bool) -> list[Patient]:
    clinic = ClinicSettings.get()
    clinic.name = f"Clinic{TITLE}{CLOSE}"
    clinic.save()
    for i, s in enumerate(StaffMember.select().order_by(StaffMember.id)):
        if s.username in ("manager", "desk"):
            s.full_name = f"Dana {CLOSE}{RED}"  # the signed-in user's name is in the title
        else:
            s.full_name = f"{_cycle(i)} {_cycle(i + 1)}"
        if s.username in ("nurse", "billing", "kiosk"):
            s.username = f"{s.username}{_cycle(i)}"
        s.os_login = f"os{i}{_cycle(i + 2)}"
        s.save()
    for i, p in enumerate(Provider.select().order_by(Provider.id)):
        p.short_name = f"Dr{_cycle(i)}"
        p.full_name = f"{_cycle(i + 4)} Provider {i}"
        p.save()
    for i, t in enumerate(AppointmentType.select().order_by(AppointmentType.id)):
        t.name = f"{_cycle(i + 2)}{i}"
        t.save()
    for i, payer in enumerate(Payer.select().order_by(Payer.id)):
        payer.name = f"{_cycle(i)}{i}"
        payer.save()
    patients = list(Patient.select().order_by(Patient.id))
    for i, p in enumerate(patients):
        p.last_name = f"{p.last_name}{_cycle(i)}"
        p.first_name = f"{_cycle(i + 1)}{p.first_name}"
        p.last_key, p.first_key = p.last_name.casefold(), p.first_name.casefold()
        p.address1 = f"{i} {_cycle(i + 2)} St"
        p.city = _cycle(i + 3)
        p.email = f"p{i}{_cycle(i + 4)}@example.com"
        p.preferred_name = _cycle(i + 5)
        p.language = _cycle(i + 6)
        p.emergency_name, p.guarantor_name = _cycle(i + 7), _cycle(i + 8)
        p.save()
    group = patients[: len(HOSTILE)]
    for i, p in enumerate(group):
        p.dob = GROUP_DOB
        if ids_too:
            p.mrn = f"{_cycle(i)}{p.mrn}"
            p.phone_mobile = _cycle(i + 1)
            p.sex = _cycle(i + 2)[:1]
        p.save()
    for i, c in enumerate(Coverage.select().order_by(Coverage.id)):
        c.member_id, c.group_id = _cycle(i), _cycle(i + 1)
        c.save()
    # The group is on today's schedule, at the top (first provider, first times), and in
    # their charts' upcoming visits.
    first_provider = Provider.select().order_by(Provider.full_name).first()
    today = dt.datetime.combine(clock.today(), dt.time.min)
    todays = (
        Appointment.select()
        .where(
            (Appointment.provider == first_provider)
            & (Appointment.starts_at >= today)
            & (Appointment.starts_at < today + dt.timedelta(days=1))
        )
        .order_by(Appointment.starts_at)
    )
    for p, a in zip(group, todays, strict=False):
        a.patient = p
        a.save()
    for i, c in enumerate(Claim.select().order_by(Claim.service_date, Claim.id).limit(40)):
        c.patient = patients[i % len(patients)]
        c.save()
    for i, line in enumerate(ClaimLine.select().order_by(ClaimLine.id)):
        line.procedure_code = _cycle(i)
        line.modifier = _cycle(i + 1)[:4]
        line.diagnosis_codes = _cycle(i + 2)
        line.save()
    for i, change in enumerate(ClaimStatusChange.select().order_by(ClaimStatusChange.id)):
        change.note = _cycle(i)
        change.save()
    for i, item in enumerate(SupplyItem.select().order_by(SupplyItem.id)):
        item.name = f"{_cycle(i)}{item.name}"
        item.unit = _cycle(i + 1)
        item.sku = f"{_cycle(i + 2)}{i}"
        item.save()
    staff = list(StaffMember.select().order_by(StaffMember.id))
    for i, p in enumerate(group):
        AuditEvent.create(
            at=clock.now_utc(),
            staff=staff[i % len(staff)],
            action=f"import{_cycle(i)}",
            patient_id=p.id,
            entity="patient",
            entity_id=p.id,
            detail=_cycle(i + 1),
            hash="",
        )
    return group


# Looking at what the terminal would get.


def rendered_lines(app) -> list[str]:
    """The text of every line of the current screen as it is composed for the terminal.

    (The compositor is Textual's internal; its strips are what the driver writes out, with
    Textual's own escape sequences added around them for styles and cursor moves.)"""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_texts(app) -> list[tuple[str, str]]:
    """(where, text) of every table cell, static text and input on the current screen."""
    found = []
    for table in app.screen.query(DataTable):
        for index in range(table.row_count):
            for cell in table.get_row_at(index):
                found.append((f"#{table.id} row {index}", str(cell)))
    for static in app.screen.query(Static):
        found.append((f"{static.__class__.__name__}#{static.id}", str(static.content)))
    for field in app.screen.query(Input):
        found.append((f"Input#{field.id}", field.value))
    return found


def assert_harmless(app, *expected: str) -> str:
    """Nothing raw on the screen, and each of *expected* (already in visible form) shown
    somewhere on it. Returns the screen's text."""
    assert app.is_running and app.return_code is None, "the app stopped"
    texts = widget_texts(app)
    lines = rendered_lines(app)
    # A widget's own line breaks are fine (a stored one is shown as "␊").
    raw = [(where, text) for where, text in texts if controls(text, allow="\n")]
    raw += [(f"line {y}", line) for y, line in enumerate(lines) if controls(line)]
    assert not raw, "stored control characters reach the terminal:\n" + "\n".join(
        f"{where}: {text!r}" for where, text in raw[:10]
    )
    svg = app.export_screenshot()
    leaked = [f"U+{ord(ch):04X}" for ch in RAW if ch in svg]
    assert not leaked, f"{leaked} in the exported screen"
    everything = "\n".join([*(text for _, text in texts), *lines])
    for text in expected:
        assert text in everything, f"{text!r} is not shown"
    return everything


def row_cells(table: DataTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


def assert_rows_show(screen, table_id: str, *attributes: str) -> None:
    """Each row the table has made shows each attribute of its data in visible form (a
    long day's rows are made as the cursor nears them)."""
    table = screen.query_one(f"#{table_id}", DataTable)
    rows = screen.hits if isinstance(screen, PatientsScreen) else screen.rows
    made = {key.value for key in table.rows}
    assert rows and made, "the list is empty"
    for key, row in rows.items():
        if key not in made:
            continue
        cells = row_cells(table, key)
        data = row if hasattr(row, attributes[0]) else row.row  # a board row wraps its data
        for attribute in attributes:
            shown = visible(getattr(data, attribute))
            assert any(shown in cell for cell in cells), (attribute, shown, cells)


def hostile_app(demo_db: Path, user: str = "manager"):
    """Signed in already, with every area (the manager's role)."""
    return make_app(demo_db, actor=find_staff(user))


async def test_schedule_and_queue_show_stored_text_as_plain_text(demo_db):
    group = poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert_rows_show(app.screen, "schedule-table", "patient", "provider", "appt_type")
        top = group[0]
        text = assert_harmless(
            app, visible(f"{top.last_name}, {top.first_name}")[:20], "Clinic␛]0;pwned␇[/b]"
        )
        assert MARKUP in text or CLOSE in text  # markup shown, not obeyed
        await pilot.press("p")  # one provider: the full name in the toolbar
        await settle(pilot)
        provider = app.screen.provider
        assert_harmless(app, visible(provider.name))
        await pilot.press("right", "left")
        await settle(pilot)
        assert_harmless(app)

        await pilot.press("f3")
        await settle(pilot)
        assert_rows_show(app.screen, "queue-table", "patient", "provider")
        assert_harmless(app)


async def test_patient_search_chart_and_form_show_stored_text_as_plain_text(demo_db):
    group = poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f4")
        await pilot.press(*f"{GROUP_DOB:%m/%d/%Y}")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        assert len(app.screen.hits) == len(group)
        assert_rows_show(app.screen, "patient-table", "name")
        assert_harmless(app, MARKUP, CLOSE, "␛[2J␛[H")

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        opened = Patient.get_by_id(app.screen.chart.id)
        body = str(app.screen.query_one("#chart-body", Static).content)
        for value in (opened.last_name, opened.first_name, opened.address1, opened.city):
            assert visible(value) in body, value
        assert visible(opened.email) in body
        assert_harmless(app)

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        shown = {name: app.screen.query_one(f"#{name}", Input).value for name in ("city",)}
        assert shown["city"] == visible(opened.city)
        assert_harmless(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        assert_harmless(app)


async def test_claims_list_and_claim_show_stored_text_as_plain_text(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        assert_rows_show(app.screen, "claims-table", "patient", "payer")
        assert_harmless(app)
        await pilot.press("o")  # by amount: other claims, other names
        await settle(pilot)
        assert_rows_show(app.screen, "claims-table", "patient", "payer")
        assert_harmless(app)
        await pilot.press("o", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        detail = app.screen.detail
        body = str(app.screen.query_one("#claim-body", Static).content)
        for value in (detail.row.patient, detail.row.payer, detail.provider):
            assert visible(value) in body, value
        for line in detail.lines:
            assert visible(line.procedure_code) in body and visible(line.diagnosis_codes) in body
        for change in detail.history:
            assert visible(change.note) in body and visible(change.staff) in body
        assert_harmless(app)
        await pilot.press("escape")
        await settle(pilot)
        assert_harmless(app)


async def test_claims_payer_filter_shows_payer_names_as_plain_text(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        for _ in range(Payer.select().count()):
            await pilot.press("y")  # the next payer in the filter
            await settle(pilot)
            assert_harmless(app)


async def test_stock_shows_stored_text_as_plain_text(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        assert_rows_show(app.screen, "stock-table", "name", "unit", "sku")
        assert_harmless(app, "␛[2J␛[H", MARKUP)
        row = app.screen.selected()
        await pilot.press("r")
        await settle(pilot)
        assert_harmless(app, visible(row.name)[:20])
        await pilot.press("escape")
        await settle(pilot)
        assert_harmless(app)


async def test_audit_and_staff_show_stored_text_as_plain_text(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert_rows_show(app.screen, "audit-table", "staff", "action", "patient", "detail")
        assert_harmless(app)
        await pilot.press("down", "down")  # the highlighted event's detail in full below
        await settle(pilot)
        assert_harmless(app)

        await pilot.press("f8")
        await settle(pilot)
        assert_rows_show(app.screen, "staff-table", "username", "full_name", "os_login")
        assert_harmless(app, MARKUP)

        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_harmless(app)


async def test_sign_in_shows_a_hostile_clinic_name_as_plain_text(demo_db):
    poison(demo_db)
    app = make_app(demo_db, "manager")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert_harmless(app, "Clinic␛]0;pwned␇[/b]: sign in")


async def test_patient_list_shows_stored_ids_and_phones_as_plain_text(demo_db):
    poison(demo_db, ids_too=True)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f4")
        await pilot.press(*f"{GROUP_DOB:%m/%d/%Y}")
        await settle(pilot)
        assert_rows_show(app.screen, "patient-table", "mrn", "phone", "sex")
        assert_harmless(app)


async def test_emergency_access_dialog_shows_the_name_as_plain_text(demo_db):
    group = poison(demo_db)
    target = next(p for p in group if has_control(p.first_name + p.last_name))
    Patient.update(restricted=True).where(Patient.id == target.id).execute()
    app = hostile_app(demo_db, "desk")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.open_patient(target.id)
        await settle(pilot)
        assert_harmless(app, visible(target.last_name))


async def test_a_stale_save_reports_a_hostile_name_as_plain_text(demo_db):
    patient = Patient.select().order_by(Patient.id).first()
    Patient.update(first_name=f"Quinn{CLOSE}", last_name=f"Doe{CLEAR}").where(
        Patient.id == patient.id
    ).execute()
    app = hostile_app(demo_db, "desk")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.open_patient(patient.id, edit=True)
        await settle(pilot)
        assert isinstance(app.screen, PatientFormScreen)
        # Fix the name in the form (the form refuses brackets), while another terminal
        # saves the patient first.
        app.screen.query_one("#first_name", Input).value = "Quinn"
        app.screen.query_one("#last_name", Input).value = "Doe"
        Patient.update(version=Patient.version + 1).where(Patient.id == patient.id).execute()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert_harmless(app, "Quinn[/b]")


async def test_booking_steps_history_and_cancel_show_stored_text_as_plain_text(demo_db):
    group = poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # The schedule's first row is a poisoned patient's: cancelling shows the name.
        app.screen.query_one("#schedule-table", DataTable).move_cursor(row=0)
        row = app.screen.selected()
        await pilot.press("x")
        await settle(pilot)
        assert_harmless(app, visible(row.patient)[:20])
        await pilot.press("escape")
        await settle(pilot)

        # Booking: the patient (searched by birth date), the type, the provider, the slot.
        await pilot.press("b", *f"{GROUP_DOB:%m/%d/%Y}")
        await settle(pilot)
        assert_harmless(app, visible(f"{group[0].last_name}, {group[0].first_name}")[:20])
        for _step in ("patient", "type", "provider"):
            await pilot.press("enter")
            await settle(pilot)
            assert_harmless(app)
        await pilot.press("escape", "escape", "escape", "escape")
        await settle(pilot)

        # A chart's appointment history.
        app.open_patient(group[0].id)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert_harmless(app, visible(group[0].last_name)[:20])


async def test_kiosk_shows_the_patients_details_as_plain_text(demo_db):
    from moa_tui.kiosk import KioskApp, KioskScreen

    # A patient booked today whose last name can be typed, with everything else hostile.
    today = dt.datetime.combine(clock.today(), dt.time.min)
    booked = (
        Appointment.select()
        .where(
            (Appointment.starts_at >= today)
            & (Appointment.starts_at < today + dt.timedelta(days=1))
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at)
    )
    visit = next(
        a
        for a in booked
        if Patient.select()
        .where((Patient.last_key == a.patient.last_key) & (Patient.dob == a.patient.dob))
        .count()
        == 1
    )
    Patient.update(
        first_name=f"Quinn{CLOSE}{CLEAR}",
        preferred_name="",
        address1=f"1 {MARKUP} St{TITLE}",
        city=BIDI,
    ).where(Patient.id == visit.patient_id).execute()
    Provider.update(short_name=f"Dr{RED}").where(Provider.id == visit.provider_id).execute()
    patient = Patient.get_by_id(visit.patient_id)
    app = KioskApp(f"Clinic{TITLE}", "kiosk", find_staff("kiosk"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskScreen)
        await pilot.press(*patient.last_name, "enter", *f"{patient.dob:%m/%d/%Y}", "enter")
        await pilot.press("enter")
        await settle(pilot)
        assert_harmless(app, "Quinn[/b]␛[2J␛[H", f"1 {MARKUP} St␛]0;pwned␇", "Dr␛[31mRED")


async def test_waiting_room_shows_a_hostile_clinic_name_as_plain_text(demo_db):
    from moa_tui.kiosk import WaitingRoomApp

    poison(demo_db)
    kiosk = StaffMember.get(StaffMember.role == "kiosk")
    app = WaitingRoomApp(ClinicSettings.get().name, demo_db, kiosk.username, kiosk)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert_harmless(app, "Clinic␛]0;pwned␇[/b]")


async def test_booking_patient_step_shows_stored_ids_and_phones_as_plain_text(demo_db):
    poison(demo_db, ids_too=True)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("b", *f"{GROUP_DOB:%m/%d/%Y}")
        await settle(pilot)
        assert_harmless(app)


# --- the real program in a real terminal -------------------------------------------------


def test_a_real_terminal_keeps_its_title_and_screen(tmp_path: Path):
    """The installed program, signed in as the manager, on a clinic whose name sets the
    window title and whose patients' names clear the screen (if they reached it raw)."""
    pytest.importorskip("pyte")
    from moa_tui.db.database import open_database
    from moa_tui.services.demo import build_demo
    from moa_tui.services.security.staff import load_clinic

    from .conftest import DEMO_PASSWORD, FROZEN_NOW, SMALL_DEMO
    from .test_e2e_pty import (
        EXIT_DEADLINE,
        START_DEADLINE,
        PtyApp,
        isolated_env,
        moa_tui_script,
        schedule_is_up,
    )

    # The program runs on the real clock: build its clinic around the real today.
    path = tmp_path / "clinic.db"
    clock.freeze(None)
    try:
        open_database(path)
        load_clinic()
        build_demo(SMALL_DEMO)
        poison(path)
    finally:
        db.close()
        clock.freeze(FROZEN_NOW)

    script = moa_tui_script()
    app = PtyApp(
        [script, "--db", str(path), "--user", "manager"], isolated_env(tmp_path / "home"), tmp_path
    )
    try:
        assert app.wait_for(lambda text: "sign in" in text, START_DEADLINE), app.text()
        assert "Clinic␛]0;pwned␇[/b]: sign in" in app.text()
        app.send(DEMO_PASSWORD.encode() + b"\r")
        shown = app.wait_for(lambda t: schedule_is_up(t) and "␛[2J␛[H" in t, START_DEADLINE)
        assert shown, app.text()
        # Read on until the program has nothing more to write, then look again.
        while True:
            written = len(app.output)
            app.pump(0.3)
            if len(app.output) == written:
                break
        text = app.text()
        assert schedule_is_up(text), f"the schedule was wiped:\n{text}"
        assert "pwned" not in app.screen.title, app.screen.title
        assert "Clinic␛]0;pwned" in text.splitlines()[0]
        assert "␛[2J␛[H" in text  # a patient's name: shown, not obeyed
        output = bytes(app.output).decode("utf-8", "replace")
        for raw in (TITLE, "\x1b]0;pwned", RED, C1, BIDI, NUL):
            assert raw not in output, f"{raw!r} was written to the terminal"
        app.send(b"\x11")  # Ctrl+Q
        assert app.wait_exit(EXIT_DEADLINE) == 0
    finally:
        app.close()


# --- choices in form dialogs (issue 8, item 10) -------------------------------------------
# A Select parses a str option label as markup: a visit type named "Flu shot [/b]" made the
# waitlist dialog raise MarkupError and end the app. Every dialog whose choices come from
# stored text is opened here with hostile names, its list of choices shown too.


async def _choices_are_harmless(app, pilot, *expected: str) -> None:
    from moa_tui.widgets.form import FieldSelect, FormDialog

    assert isinstance(app.screen, FormDialog), app.screen
    assert_harmless(app, *expected)
    for select in list(app.screen.query(FieldSelect)):
        select.focus()
        await settle(pilot)
        await pilot.press("down")  # opens the list of choices
        await settle(pilot)
        assert_harmless(app)
        await pilot.press("escape")  # closes the list, not the dialog
        await settle(pilot)
    assert isinstance(app.screen, FormDialog), app.screen


async def test_a_form_choice_of_any_hostile_text_is_shown_plain():
    from textual.app import App

    from moa_tui.widgets.form import FieldSpec, FormDialog

    labels = [(f"Flu shot {h}", str(n)) for n, h in enumerate(HOSTILE)]

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(
                FormDialog("Choose", [FieldSpec("pick", "Pick", options=labels)], lambda a, v: v)
            )

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _choices_are_harmless(app, pilot, visible(labels[0][0])[:20])


async def test_waitlist_dialog_shows_hostile_type_and_provider_names_plain(demo_db):
    poison(demo_db)
    with db.atomic():
        AppointmentType.update(name="Flu shot [/b]").where(
            AppointmentType.id == AppointmentType.select(AppointmentType.id).limit(1)
        ).execute()
    app = hostile_app(demo_db, "desk")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.screen.query_one("#schedule-table", DataTable).move_cursor(row=0)
        await pilot.press("W")
        await settle(pilot)
        await _choices_are_harmless(app, pilot)
        shown = "\n".join(rendered_lines(app))
        assert "Provider" in shown and "Type" in shown


async def test_block_dialog_shows_hostile_provider_names_plain(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await _choices_are_harmless(app, pilot)


async def test_coverage_dialog_shows_hostile_payer_names_plain(demo_db):
    group = poison(demo_db)
    app = hostile_app(demo_db, "desk")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.open_patient(group[0].id)
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await _choices_are_harmless(app, pilot)


async def test_overbook_dialog_shows_hostile_provider_names_plain(demo_db):
    poison(demo_db)
    app = hostile_app(demo_db, "desk")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("b", *f"{GROUP_DOB:%m/%d/%Y}")
        await settle(pilot)
        for _step in ("patient", "type", "provider"):
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await _choices_are_harmless(app, pilot)
