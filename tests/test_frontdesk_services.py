"""Front desk rules as services: registration and duplicates, merge, coverage, insurance
checks, intake, co-pays and receipts, the flow board, the kiosk and the waiting room."""

from __future__ import annotations

import pytest

from moa_tui.db.models import (
    AccountEntry,
    Appointment,
    AuditEvent,
    Coverage,
    EligibilityCheck,
    IntakeRecord,
    Patient,
    Payer,
)
from moa_tui.services import clock
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.frontdesk.flow_board import flow_board
from moa_tui.services.frontdesk.frontdesk import (
    balance_of,
    record_eligibility,
    set_self_pay,
    tick_intake,
    visit_desk,
)
from moa_tui.services.frontdesk.kiosk import (
    SEE_THE_DESK,
    KioskRefusal,
    NeedPhoneDigits,
    kiosk_check_in,
    kiosk_find,
    waiting_room,
)
from moa_tui.services.frontdesk.payments import collect_payment, receipt_text
from moa_tui.services.patients.patients import PossibleDuplicates, create_patient, search_patients
from moa_tui.services.patients.registration import (
    likely_duplicates,
    list_coverage,
    merge_patients,
    save_coverage,
)
from moa_tui.services.scheduling.booking import SlotFilter, book_appointment, find_open_slots
from moa_tui.services.scheduling.schedule import InsuranceNotVerified, check_in, day_schedule
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

NEW = {
    "last_name": "Newcomb",
    "first_name": "Harriet",
    "dob": "03/14/1988",
    "sex": "F",
    "phone_mobile": "607-555-0199",
    "zip": "12345",
    "emergency_name": "Sam Newcomb",
    "emergency_relation": "brother",
    "emergency_phone": "607-555-0198",
    "guarantor_name": "",
    "language": "Spanish",
    "preferred_phone": "mobile",
}


def todays_booked(desk):
    return [r for r in day_schedule(desk, clock.today()) if r.status == "booked"]


def book_today(desk, patient_id):
    """A new appointment later today for this patient (not yet insurance-checked)."""
    kind = 1
    slot = find_open_slots(desk, kind, SlotFilter(earliest=clock.today()), 1)[0]
    assert slot.starts_at.date() == clock.today()
    return book_appointment(desk, patient_id, slot.provider_id, kind, slot.starts_at)


# --- registration ------------------------------------------------------------------------


def test_register_full_demographics(desk):
    chart = create_patient(desk, dict(NEW))
    p = Patient.get_by_id(chart.id)
    assert (p.language, p.emergency_name, p.emergency_phone) == (
        "Spanish",
        "Sam Newcomb",
        "6075550198",
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("emergency_phone", "12"),
        ("phone_work", "call me"),
        ("preferred_phone", "pager"),
        ("zip", "1234"),
        ("email", "x@"),
        ("dob", "13/01/1990"),
    ],
)
def test_bad_demographics_are_refused_by_field(desk, field, value):
    before = Patient.select().count()
    with pytest.raises(ValidationError) as refused:
        create_patient(desk, dict(NEW, **{field: value}))
    assert field in refused.value.errors
    assert Patient.select().count() == before


def test_a_likely_duplicate_is_shown_before_saving(desk):
    existing = Patient.select().first()
    twin = dict(
        NEW,
        last_name=existing.last_name,
        first_name=existing.first_name[:-1] + "e",
        dob=f"{existing.dob:%m/%d/%Y}",
        phone_mobile="",
    )
    assert existing.id in [h.id for h in likely_duplicates(desk, twin)]
    before = Patient.select().count()
    with pytest.raises(PossibleDuplicates) as shown:
        create_patient(desk, twin)
    assert existing.id in [m.id for m in shown.value.matches]
    assert Patient.select().count() == before
    create_patient(desk, twin, allow_duplicate=True)
    assert Patient.select().count() == before + 1


def test_same_phone_is_a_likely_duplicate(desk):
    existing = Patient.select().where(Patient.phone_mobile != "").first()
    other = dict(NEW, phone_mobile=existing.phone_mobile)
    assert existing.id in [h.id for h in likely_duplicates(desk, other)]


def test_merge_moves_everything_and_needs_the_mrn(demo_db):
    manager = find_staff("manager")
    keep, dup = Patient.select().order_by(Patient.id).limit(2)
    moved_appointments = Appointment.select().where(Appointment.patient == dup).count()
    with pytest.raises(PermissionDenied):
        merge_patients(find_staff("desk"), keep.id, dup.id, dup.mrn)
    with pytest.raises(ValidationError, match="Type the MRN"):
        merge_patients(manager, keep.id, dup.id, keep.mrn)
    assert Appointment.select().where(Appointment.patient == dup).count() == moved_appointments
    moved = merge_patients(manager, keep.id, dup.id, dup.mrn)
    assert moved.of(Appointment) == moved_appointments and moved.total >= moved_appointments
    assert Appointment.select().where(Appointment.patient == dup).count() == 0
    assert Patient.get_by_id(dup.id).merged_into_id == keep.id
    assert dup.id not in [h.id for h in search_patients(manager, dup.mrn)]
    assert AuditEvent.select().where(AuditEvent.action == "patient.merge").count() == 1
    with pytest.raises(ServiceError, match="already been merged"):
        merge_patients(manager, keep.id, dup.id, dup.mrn)


# --- coverage and eligibility ----------------------------------------------------------------


def test_add_a_secondary_coverage_with_a_subscriber(desk):
    patient = Patient.select().first()
    payer = Payer.select().first()
    row = save_coverage(
        desk,
        patient.id,
        None,
        None,
        {
            "payer_id": payer.id,
            "priority": "2",
            "member_id": "SEC123",
            "subscriber_name": "Pat Spouse",
            "subscriber_relation": "spouse",
            "copay_cents": "10",
            "effective": "01/01/2026",
        },
    )
    assert (row.priority, row.relation, row.copay_cents) == (2, "spouse", 1000)
    assert any(c.member_id == "SEC123" for c in list_coverage(desk, patient.id))


@pytest.mark.parametrize(
    "change, field",
    [
        ({"member_id": ""}, "member_id"),
        ({"payer_id": "999"}, "payer_id"),
        ({"subscriber_relation": "spouse"}, "subscriber_name"),
        ({"copay_cents": "-5"}, "copay_cents"),
        ({"effective": "06/01/2026", "ends": "01/01/2026"}, "ends"),
    ],
)
def test_bad_coverage_is_refused(desk, change, field):
    patient = Patient.select().first()
    data = {"payer_id": Payer.select().first().id, "member_id": "M1"} | change
    before = Coverage.select().count()
    with pytest.raises(ValidationError) as refused:
        save_coverage(desk, patient.id, None, None, data)
    assert field in refused.value.errors
    assert Coverage.select().count() == before


def test_check_in_needs_verified_insurance_or_self_pay(desk):
    covered = Coverage.select().first().patient_id
    row = book_today(desk, covered)
    with pytest.raises(InsuranceNotVerified, match="not verified"):
        check_in(desk, row.id, row.version)
    with pytest.raises(ValidationError) as no_ref:
        record_eligibility(desk, row.id, "verified", "phone", "")
    assert "reference" in no_ref.value.errors
    record_eligibility(desk, row.id, "inactive", "portal", "X1")
    with pytest.raises(InsuranceNotVerified):
        check_in(desk, row.id, row.version)
    desk_view = record_eligibility(desk, row.id, "verified", "phone", "REF-42")
    assert desk_view.verified and desk_view.eligibility == "Verified"
    assert check_in(desk, row.id, row.version).status == "arrived"
    assert EligibilityCheck.select().where(EligibilityCheck.appointment == row.id).count() == 2


def test_self_pay_visit_can_be_checked_in(desk):
    covered = Coverage.select().first().patient_id
    row = book_today(desk, covered)
    view = set_self_pay(desk, row.id, row.version, True)
    assert view.self_pay and view.copay_cents == 0
    assert check_in(desk, row.id, view.appointment.version).status == "arrived"


def test_only_a_manager_overrides_unverified_insurance(desk):
    covered = Coverage.select().first().patient_id
    row = book_today(desk, covered)
    with pytest.raises(PermissionDenied):
        check_in(desk, row.id, row.version, override="patient in pain")
    done = check_in(find_staff("manager"), row.id, row.version, override="patient in pain")
    assert done.status == "arrived"
    assert Appointment.get_by_id(row.id).checkin_override == "patient in pain"


# --- intake --------------------------------------------------------------------------------


def test_missing_intake_items_can_be_ticked_off(desk):
    row = next(r for r in todays_booked(desk) if visit_desk(desk, r.id).missing)
    view = visit_desk(desk, row.id)
    item_id, name = view.missing[0]
    after = tick_intake(desk, row.id, item_id)
    assert (item_id, name) not in after.missing
    assert IntakeRecord.select().where(IntakeRecord.appointment == row.id).count() == 1


# --- payments ------------------------------------------------------------------------------


def test_copay_by_card_posts_a_charge_and_a_payment_with_a_receipt(desk):
    row = todays_booked(desk)[0]
    before = balance_of(row.patient_id)
    copay = visit_desk(desk, row.id).copay_cents
    receipt = collect_payment(desk, row.patient_id, "25.00", "card", "AUTH77", row.id, "Co-pay")
    assert receipt.amount_cents == 2500 and receipt.number > 1000
    # The visit's co-pay charged (or the amount, when more), $25 of it paid.
    assert balance_of(row.patient_id) == before + max(copay - 2500, 0)
    text = receipt_text(receipt)
    assert "Co-pay: $25.00" in text and "Card (AUTH77)" in text and str(receipt.number) in text
    again = collect_payment(desk, row.patient_id, "5", "cash", "", row.id, "Co-pay")
    assert again.number == receipt.number + 1
    charges = AccountEntry.select().where(
        (AccountEntry.appointment == row.id) & (AccountEntry.kind == "charge")
    )
    assert charges.count() == 1  # the co-pay is charged once


def test_a_collected_copay_shows_as_collected_and_only_the_rest_is_due(desk):
    row = next(r for r in todays_booked(desk) if visit_desk(desk, r.id).copay_cents >= 2000)
    view = visit_desk(desk, row.id)
    assert view.copay_collected_cents == 0 and view.copay_due_cents == view.copay_cents
    assert view.paid_today == ()
    before = balance_of(row.patient_id)
    first = collect_payment(desk, row.patient_id, "5.00", "cash", "", row.id, "Co-pay")
    view = visit_desk(desk, row.id)
    assert view.copay_collected_cents == 500
    assert view.copay_due_cents == view.copay_cents - 500
    assert view.paid_today == ((first.number, 500),)
    # The visit's whole co-pay is charged: what was not paid yet stays on the account.
    assert balance_of(row.patient_id) == before + view.copay_cents - 500
    rest = f"{view.copay_due_cents / 100:.2f}"
    second = collect_payment(desk, row.patient_id, rest, "cash", "", row.id, "Co-pay")
    view = visit_desk(desk, row.id)
    assert view.copay_due_cents == 0 and view.copay_collected_cents == view.copay_cents
    assert view.paid_today == ((first.number, 500), (second.number, view.copay_cents - 500))
    assert balance_of(row.patient_id) == before


@pytest.mark.parametrize(
    "amount, method, reference, field",
    [
        ("-5", "cash", "", "amount"),
        ("abc", "cash", "", "amount"),
        ("0", "cash", "", "amount"),
        ("10", "check", "", "reference"),
        ("10", "bitcoin", "", "method"),
        ("10", "card", "\x1b[2J", "reference"),
    ],
)
def test_bad_payments_write_nothing(desk, amount, method, reference, field):
    patient = Patient.select().first()
    before = AccountEntry.select().count()
    with pytest.raises(ValidationError) as refused:
        collect_payment(desk, patient.id, amount, method, reference)
    assert field in refused.value.errors
    assert AccountEntry.select().count() == before


# --- flow board ----------------------------------------------------------------------------


def test_flow_board_flags_long_waits(desk, frozen_clock):
    row = todays_booked(desk)[0]
    check_in(desk, row.id, row.version)
    board = {b.row.id: b for b in flow_board(desk)}
    assert not board[row.id].late
    frozen_clock.freeze("2026-11-18T10:50:00")
    board = {b.row.id: b for b in flow_board(desk)}
    assert board[row.id].late and board[row.id].in_status_minutes == 20
    # The threshold is a setting: at 30 minutes the same wait is not late yet.
    assert {b.row.id: b for b in flow_board(desk, warn_minutes=30)}[row.id].late is False


# --- kiosk and waiting room --------------------------------------------------------------------


def _kiosk_target(desk):
    for row in todays_booked(desk):
        p = Patient.get_by_id(row.patient_id)
        clashes = Patient.select().where((Patient.last_key == p.last_key) & (Patient.dob == p.dob))
        if clashes.count() == 1:
            return row, p
    raise AssertionError("no unique patient booked today")


def test_kiosk_finds_only_the_one_patient_and_checks_them_in(demo_db):
    desk = find_staff("desk")
    kiosk = find_staff("kiosk")
    row, p = _kiosk_target(desk)
    visit = kiosk_find(kiosk, p.last_name.upper(), f"{p.dob:%m/%d/%Y}")
    assert visit.appointment_id == row.id
    assert visit.first_name == p.first_name and p.last_name not in str(visit)
    message = kiosk_check_in(kiosk, visit.appointment_id, True)
    assert "Please have a seat" in message
    assert Appointment.get_by_id(row.id).status == "arrived"
    # The desk's board shows it.
    assert row.id in [b.row.id for b in flow_board(desk)]


@pytest.mark.parametrize(
    "last, dob",
    [("Nobody", "01/01/1970"), ("", ""), ("\x1b[2J", "01/01/1970"), ("Smith", "not a date")],
)
def test_kiosk_says_only_see_the_desk_when_nothing_matches(demo_db, last, dob):
    with pytest.raises(KioskRefusal) as refused:
        kiosk_find(find_staff("kiosk"), last, dob)
    assert str(refused.value) == SEE_THE_DESK


def test_kiosk_asks_for_phone_digits_when_two_patients_match(demo_db):
    desk = find_staff("desk")
    kiosk = find_staff("kiosk")
    row, p = _kiosk_target(desk)
    twin = create_patient(
        desk,
        {
            "last_name": p.last_name,
            "first_name": "Twin",
            "dob": f"{p.dob:%m/%d/%Y}",
            "phone_mobile": "716-555-0111",
        },
        allow_duplicate=True,
    )
    book_today(desk, twin.id)
    with pytest.raises(NeedPhoneDigits):
        kiosk_find(kiosk, p.last_name, f"{p.dob:%m/%d/%Y}")
    visit = kiosk_find(kiosk, p.last_name, f"{p.dob:%m/%d/%Y}", "0111")
    assert Appointment.get_by_id(visit.appointment_id).patient_id == twin.id
    with pytest.raises(KioskRefusal):
        kiosk_find(kiosk, p.last_name, f"{p.dob:%m/%d/%Y}", "9999")


def test_kiosk_account_cannot_read_anything_else(demo_db):
    kiosk = find_staff("kiosk")
    with pytest.raises(PermissionDenied):
        visit_desk(kiosk, 1)
    with pytest.raises(PermissionDenied):
        search_patients(kiosk, "a")


def test_waiting_room_shows_tickets_not_names(desk):
    row = todays_booked(desk)[0]
    check_in(desk, row.id, row.version)
    lines = waiting_room(find_staff("kiosk"))
    assert lines
    names = {p.last_name for p in Patient.select()} | {p.first_name for p in Patient.select()}
    for line in lines:
        assert not any(name in line.ticket for name in names)
        assert line.state in ("Please wait", "Being seen")
