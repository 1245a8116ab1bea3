"""Referrals and authorizations (issue 12 item 6): the services, on SQLite and PostgreSQL.
The other provider's NPI and the dates are checked, visits used are counted when a visit is
checked in, and booking a visit that needs an authorization gets a warning when it is
missing, expired, not started or used up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.database import db
from moa_tui.db.models import (
    Appointment,
    AppointmentType,
    AuditEvent,
    Coverage,
    DiagnosisCode,
    PayerAuthorization,
    Provider,
    Referral,
)
from moa_tui.services import clock
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.records.authorizations import patient_authorizations, save_authorization
from moa_tui.services.records.referral_letter import draft_referral_letter
from moa_tui.services.records.referrals import (
    REFERRAL_FIELDS,
    check_referral,
    open_referrals,
    patient_referrals,
    save_referral,
)
from moa_tui.services.scheduling.authorization_check import authorization_warning
from moa_tui.services.scheduling.booking import SlotFilter, book_appointment, find_open_slots
from moa_tui.services.scheduling.schedule import check_in
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW

TODAY = dt.date(2026, 11, 18)
GOOD_NPI = "1234567893"  # the check digit is right
BAD_NPI = "1234567890"


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def referral(**changes) -> dict:
    values = dict(
        direction="out", status="sent", other_name="Dr. Sam Ortho, Bone & Joint",
        other_npi=GOOD_NPI, other_phone="555-201-3344", other_fax="555-201-3345",
        reason="Knee pain, evaluation", diagnosis="", provider="", referred_on="t-3",
        seen_on="", notes="",
    )  # fmt: skip
    values.update(changes)
    return values


def insured_patient() -> int:
    """A patient whose insurance is in force today, with no visit booked yet."""
    with db.connection_context():
        c = (
            Coverage.select()
            .where(Coverage.effective.is_null() | (Coverage.effective <= TODAY))
            .where(Coverage.ends.is_null())
            .where(Coverage.patient.not_in(Appointment.select(Appointment.patient)))
            .order_by(Coverage.patient)
            .first()
        )
        return c.patient_id


def coverage_of(patient_id: int) -> int:
    with db.connection_context():
        return Coverage.get(Coverage.patient == patient_id).id


def therapy_type(needs: bool = True) -> AppointmentType:
    """The Procedure type, needing an authorization (or not)."""
    with db.connection_context():
        AppointmentType.update(needs_authorization=needs).where(
            AppointmentType.name == "Procedure"
        ).execute()
        return AppointmentType.get(AppointmentType.name == "Procedure")


def authorization(patient_id: int, **changes) -> dict:
    values = dict(
        coverage=str(coverage_of(patient_id)), number="A12345", visits_allowed="2",
        starts_on="t-10", expires_on="t+30", referral="", types="Procedure", notes="",
    )  # fmt: skip
    values.update(changes)
    return values


def count(model) -> int:
    with db.connection_context():
        return model.select().count()


# --- referrals ------------------------------------------------------------------------


def test_a_referral_is_saved_with_the_npi_checked_and_read_back(desk):
    pid = insured_patient()
    saved = save_referral(desk, pid, None, None, referral())
    assert (saved.status, saved.other_npi, saved.other_fax) == ("sent", GOOD_NPI, "555-201-3345")
    assert saved.referred_on == TODAY - dt.timedelta(days=3)
    assert [r.id for r in patient_referrals(desk, pid)][0] == saved.id
    with db.connection_context():
        assert Referral.get_by_id(saved.id).is_open
        assert AuditEvent.select().where(AuditEvent.action == "referral.create").exists()


def test_a_wrong_npi_check_digit_is_named_and_nothing_is_written(desk):
    pid = insured_patient()
    before = count(Referral)
    with pytest.raises(ValidationError) as exc:
        save_referral(desk, pid, None, None, referral(other_npi=BAD_NPI))
    assert "check digit" in exc.value.errors["other_npi"]
    with pytest.raises(ValidationError) as exc:
        save_referral(desk, pid, None, None, referral(other_npi="12345"))
    assert exc.value.errors["other_npi"] == "NPI is 10 digits."
    assert count(Referral) == before
    # No NPI at all is fine: an incoming referral's sender may not give one.
    assert save_referral(desk, pid, None, None, referral(other_npi="")).other_npi == ""


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"referred_on": "t+1"}, "referred_on", "after today"),
        ({"referred_on": "12/31/9999"}, "referred_on", "between"),
        ({"seen_on": "t-5"}, "seen_on", "before the referral"),
        ({"status": "scheduled"}, "seen_on", "say when"),
        ({"status": "received"}, "status", "draft, sent"),
        ({"direction": "sideways"}, "direction", "Out"),
        ({"other_name": " "}, "other_name", "required"),
        ({"reason": ""}, "reason", "required"),
        ({"other_fax": "12"}, "other_fax", "10 digits"),
        ({"diagnosis": "Q99.999"}, "diagnosis", "not an ICD-10-CM code"),
        ({"provider": "99999"}, "provider", "Choose"),
    ],
)
def test_bad_referral_input_is_named_beside_its_field(desk, changes, field, words):
    pid = insured_patient()
    before = count(Referral)
    with pytest.raises(ValidationError) as exc:
        save_referral(desk, pid, None, None, referral(**changes))
    assert words in exc.value.errors[field], exc.value.errors
    assert count(Referral) == before


def test_an_incoming_referral_with_a_code_from_the_code_table_and_our_provider(desk):
    pid = insured_patient()
    with db.connection_context():
        code = DiagnosisCode.select().where(DiagnosisCode.billable).order_by(DiagnosisCode.code)
        code = code.first().code
        provider = Provider.select().first()
    saved = save_referral(
        desk, pid, None, None,
        referral(direction="in", status="", diagnosis=code.lower().replace(".", ""),
                 provider=str(provider.id)),
    )  # fmt: skip
    assert (saved.status, saved.diagnosis, saved.provider) == (
        "received",
        code,
        provider.short_name,
    )


def test_a_stale_edit_names_who_changed_it(desk):
    pid = insured_patient()
    saved = save_referral(desk, pid, None, None, referral())
    manager = find_staff("manager")
    done = save_referral(
        manager, pid, saved.id, saved.version, referral(status="scheduled", seen_on="t+7")
    )
    assert done.status == "scheduled" and done.version == saved.version + 1
    with pytest.raises(Conflict) as exc:
        save_referral(desk, pid, saved.id, saved.version, referral(status="cancelled"))
    assert f"Changed by {manager.short_name}" in str(exc.value)
    closed = save_referral(desk, pid, saved.id, done.version, referral(status="cancelled"))
    with db.connection_context():
        assert not Referral.get_by_id(closed.id).is_open


def test_open_referrals_page_by_keyset_oldest_first_without_closed_ones(desk):
    pid = insured_patient()
    made = [
        save_referral(desk, pid, None, None, referral(referred_on=f"t-{n % 4}")) for n in range(7)
    ]
    save_referral(desk, pid, made[0].id, made[0].version, referral(status="completed",
                                                                   seen_on="t"))  # fmt: skip
    seen, after = [], None
    while True:
        page = open_referrals(desk, after, limit=2)
        seen += page.rows
        after = page.next_after
        if after is None:
            break
    ids = [r.id for r in seen]
    with db.connection_context():
        demo = Referral.select().where(Referral.is_open & Referral.id.not_in([m.id for m in made]))
        assert len(ids) == len(set(ids)) == demo.count() + 6
    assert {m.id for m in made[1:]} <= set(ids) and made[0].id not in ids
    keys = [(r.referred_on, r.id) for r in seen]
    assert keys == sorted(keys)


def test_billing_reads_referrals_but_may_not_write(desk):
    pid = insured_patient()
    with pytest.raises(ServiceError):
        save_referral(find_staff("billing"), pid, None, None, referral())
    assert patient_referrals(find_staff("billing"), pid) == []


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.fixed_dictionaries({k: st.one_of(st.text(max_size=40), st.sampled_from(
    ["", "t", "t+9999", "1234567893", "555-201-3344", "out", "in", "sent", "[/b]"]))
    for k in REFERRAL_FIELDS}))  # fmt: skip
def test_any_typed_referral_is_checked_or_refused_by_field(desk, values):
    """Whatever is typed into the form: a clean referral or errors named by field."""
    with db.connection_context():
        try:
            out = check_referral(values)
        except ValidationError as exc:
            assert exc.errors and set(exc.errors) <= set(REFERRAL_FIELDS), exc.errors
        else:
            assert out["direction"] in Referral.DIRECTIONS and out["status"] in Referral.STATUSES
            assert out["other_name"] and out["reason"]
            assert out["referred_on"] <= clock.today()


# --- authorizations and visits used ---------------------------------------------------


def test_visits_count_when_checked_in_and_booked_ones_apart(desk):
    pid = insured_patient()
    kind = therapy_type()
    saved = save_authorization(desk, pid, None, None, authorization(pid, visits_allowed="9"))
    assert saved.types == "Procedure" and saved.state == "Active"
    used, booked = saved.visits_used, saved.visits_booked
    assert (used, booked) == (0, 0)
    slot = find_open_slots(desk, kind.id, SlotFilter(earliest=TODAY), 1)[0]
    assert slot.starts_at.date() == TODAY
    visit = book_appointment(desk, pid, slot.provider_id, kind.id, slot.starts_at)
    [row] = patient_authorizations(desk, pid)
    assert (row.visits_used, row.visits_booked) == (used, booked + 1)  # booked: not used yet
    check_in(find_staff("manager"), visit.id, override="verified by phone")
    [row] = patient_authorizations(desk, pid)
    assert (row.visits_used, row.visits_booked) == (used + 1, booked)
    assert row.left == 9 - used - booked - 1


def test_bad_authorization_input_is_named_and_nothing_is_written(desk):
    pid = insured_patient()
    therapy_type()
    other = insured_patient_other_than(pid)
    before = count(PayerAuthorization)
    for changes, field, words in (
        ({"expires_on": "t-20"}, "expires_on", "before it starts"),
        ({"visits_allowed": "0"}, "visits_allowed", "more than zero"),
        ({"visits_allowed": "two"}, "visits_allowed", "whole number"),
        ({"coverage": str(coverage_of(other))}, "coverage", "Choose one"),
        ({"coverage": ""}, "coverage", "insurance plan"),
        ({"types": "Nope"}, "types", "No visit type"),
        ({"number": ""}, "number", "required"),
        ({"expires_on": ""}, "expires_on", "required"),
    ):
        with pytest.raises(ValidationError) as exc:
            save_authorization(desk, pid, None, None, authorization(pid, **changes))
        assert words in exc.value.errors[field], (changes, exc.value.errors)
    assert count(PayerAuthorization) == before


def insured_patient_other_than(pid: int) -> int:
    with db.connection_context():
        return Coverage.select().where(Coverage.patient != pid).first().patient_id


def _warning(desk, pid, kind, day=TODAY + dt.timedelta(days=5)) -> str:
    return authorization_warning(desk, pid, kind.id, dt.datetime.combine(day, dt.time(9)))


def test_booking_warns_when_the_authorization_is_missing_expired_early_or_used_up(desk):
    pid = insured_patient()
    kind = therapy_type()
    assert _warning(desk, pid, kind).startswith("No authorization on file for a Procedure")
    auth = save_authorization(desk, pid, None, None, authorization(pid, visits_allowed="1"))
    assert _warning(desk, pid, kind) == ""
    later = TODAY + dt.timedelta(days=40)
    assert "expired on 12/18/2026" in _warning(desk, pid, kind, later)
    early = save_authorization(
        desk, pid, auth.id, auth.version, authorization(pid, starts_on="t+10", visits_allowed="1")
    )
    assert "starts on 11/28/2026, after this visit" in _warning(desk, pid, kind)
    save_authorization(desk, pid, early.id, early.version, authorization(pid, visits_allowed="1"))
    slot = find_open_slots(desk, kind.id, SlotFilter(earliest=TODAY + dt.timedelta(days=2)), 1)[0]
    book_appointment(desk, pid, slot.provider_id, kind.id, slot.starts_at)
    warning = _warning(desk, pid, kind)
    assert warning == (
        "Authorization A12345 is used up: 1 visit allowed, 0 used, 1 booked. "
        "The payer may not pay for it."
    )


def test_no_warning_for_a_type_that_needs_none_or_a_patient_without_insurance(desk):
    pid = insured_patient()
    assert _warning(desk, pid, therapy_type(needs=False)) == ""
    kind = therapy_type()
    with db.connection_context():
        Coverage.update(ends=TODAY - dt.timedelta(days=1)).where(Coverage.patient == pid).execute()
    assert _warning(desk, pid, kind) == ""  # self-pay: no payer to authorize it


def test_an_authorization_for_all_types_covers_every_type_that_needs_one(desk):
    pid = insured_patient()
    kind = therapy_type()
    saved = save_authorization(desk, pid, None, None, authorization(pid, types="all"))
    assert saved.types == "all" and _warning(desk, pid, kind) == ""
    with db.connection_context():
        other = AppointmentType.get(AppointmentType.name == "Physical")
        AppointmentType.update(needs_authorization=True).where(
            AppointmentType.id == other.id
        ).execute()
        other = AppointmentType.get_by_id(other.id)
    assert _warning(desk, pid, other) == ""


# --- the referral letter --------------------------------------------------------------


def test_the_referral_letter_is_prefilled_from_the_referral(desk):
    pid = insured_patient()
    therapy_type()
    with db.connection_context():
        provider = Provider.select().order_by(Provider.id).first()
    r = save_referral(desk, pid, None, None, referral(provider=str(provider.id)))
    save_authorization(desk, pid, None, None, authorization(pid, referral=str(r.id)))
    draft = draft_referral_letter(desk, r.id)
    assert draft.template_name == "Referral letter"
    assert (draft.addressee, draft.via) == ("Dr. Sam Ortho, Bone & Joint", "fax")
    for words in ("Dr. Sam Ortho, Bone & Joint\nFax", "for Knee pain, evaluation",
                  "Authorization A12345", "Fax 555-201-3345", provider.full_name):  # fmt: skip
        assert words in draft.text, (words, draft.text)
