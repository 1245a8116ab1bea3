"""Refill requests and the disclosures log (issue 12 items 7, 9, 10): the services, on
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from moa_tui.db.models import (
    AuditEvent,
    Disclosure,
    InboxMessage,
    Letter,
    Patient,
    Provider,
    RefillRequest,
    RefillStep,
)
from moa_tui.services.comms.messages import close_inbox_message, inbox_rows
from moa_tui.services.comms.refills import (
    log_refill,
    patient_refills,
    prescriber_choices,
    refill_of_message,
    step_refill,
)
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.patients.privacy import ReasonRequired
from moa_tui.services.records.accounting import (
    disclosure_accounting,
    export_accounting_csv,
    save_accounting_letter,
)
from moa_tui.services.records.disclosures import (
    NOT_REQUIRED,
    patient_disclosures,
    record_disclosure,
)
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def _patient() -> Patient:
    return Patient.select().where(~Patient.restricted).order_by(Patient.id).first()


def refill(**changes) -> dict:
    provider = Provider.select().where(Provider.active).order_by(Provider.id).first()
    values = dict(
        caller="Jane Roe",
        callback="555-201-3344",
        medication="Lisinopril",
        dose="10 mg",
        pharmacy="Corner Drug",
        pharmacy_phone="(555) 201-9000",
        prescriber=f"provider:{provider.id}",
        note="",
    )
    values.update(changes)
    return values


# --- refills -----------------------------------------------------------------------------


def test_a_refill_goes_to_the_prescribers_inbox_and_each_step_is_kept(desk):
    patient = _patient()
    provider = Provider.select().where(Provider.active).order_by(Provider.id).first()
    logged = log_refill(desk, refill(), patient.id)
    assert logged.inbox == provider.short_name and logged.medication == "Lisinopril 10 mg"
    m = InboxMessage.get_by_id(logged.message_id)
    assert (m.kind, m.to_provider_id, m.patient_id, m.status) == (
        "refill",
        provider.id,
        patient.id,
        "open",
    )
    assert m.inbox_key == f"provider:{provider.id}"
    assert [r.id for r in inbox_rows(desk, f"provider:{provider.id}")] == [m.id]
    (row,) = patient_refills(desk, patient.id)
    assert row.status == "sent" and [s.status for s in row.steps] == ["requested", "sent"]
    assert row.pharmacy_phone == "555-201-9000" and row.next_steps == ("approved", "denied")
    assert row.where_it_stands() == f"Sent to provider 11/18/2026 10:30 by {desk.short_name}"
    # A refill message is done through its steps, not closed by hand from the inbox.
    with pytest.raises(Conflict, match="steps"):
        close_inbox_message(desk, m.id, m.version, "done")

    nurse = find_staff("nurse")
    with pytest.raises(ValidationError) as err:
        step_refill(nurse, row.id, row.version, "denied", "")
    assert "why" in err.value.errors["note"]
    with pytest.raises(ValidationError) as err:
        step_refill(nurse, row.id, row.version, "done", "")
    assert "next comes approved or denied" in err.value.errors["status"]
    approved = step_refill(nurse, row.id, row.version, "approved", "30 days, 2 refills")
    assert approved.where_it_stands().endswith(f"by {nurse.short_name}")
    m = InboxMessage.get_by_id(m.id)
    assert (m.inbox_key, m.status) == ("group:front desk", "open")  # the desk calls next
    assert "30 days" in m.response
    with pytest.raises(Conflict):
        step_refill(desk, row.id, row.version, "done", "")  # a stale version
    done = step_refill(desk, row.id, approved.version, "done", "Called Corner Drug")
    assert [s.status for s in done.steps] == ["requested", "sent", "approved", "done"]
    assert [s.staff for s in done.steps][-2:] == [nurse.short_name, desk.short_name]
    m = InboxMessage.get_by_id(m.id)
    assert (m.status, m.list_rank, m.closed_by_id) == ("done", 2, desk.id)
    assert refill_of_message(desk, m.id).status == "done"
    with pytest.raises(ValidationError, match="done"):
        step_refill(desk, row.id, done.version, "approved", "")
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.patient_id == patient.id)]
    assert actions.count("refill.step") == 2 and "refill.log" in actions


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("callback", "", "required"),
        ("callback", "555-12", "10 digits"),
        ("pharmacy_phone", "", "required"),
        ("pharmacy_phone", "call them", "digits only"),
        ("pharmacy_phone", "555-201-90", "10 digits"),
        ("pharmacy", " ", "required"),
        ("medication", "", "required"),
        ("prescriber", "group:nurses", "provider"),
        ("prescriber", "", "prescribing"),
        ("note", "a\x1b[2Jb", "control"),
    ],
)
def test_bad_refill_input_is_named_beside_its_field_and_nothing_is_written(
    desk, field, value, says
):
    before = (RefillRequest.select().count(), InboxMessage.select().count())
    with pytest.raises(ValidationError) as err:
        log_refill(desk, refill(**{field: value}), _patient().id)
    assert says in err.value.errors[field], err.value.errors
    assert (RefillRequest.select().count(), InboxMessage.select().count()) == before


def test_a_refill_needs_the_patient(desk):
    with pytest.raises(ValidationError) as err:
        log_refill(desk, refill(medication=""), None)
    assert set(err.value.errors) == {"patient_id", "medication"}
    assert RefillRequest.select().count() == 0


def test_the_patients_own_provider_is_the_default_prescriber(desk):
    from moa_tui.db.models import Appointment

    appt = Appointment.select().order_by(Appointment.starts_at).first()
    choices = prescriber_choices(desk, appt.patient_id)
    assert choices.default.startswith("provider:") and choices.default in {
        code for _l, code in choices.choices
    }
    seen = (
        Appointment.select()
        .where(Appointment.patient == appt.patient_id)
        .order_by(Appointment.starts_at.desc())
    )
    assert int(choices.default.split(":")[1]) in {a.provider_id for a in seen}


def test_a_restricted_patients_refills_need_a_reason(desk):
    patient = _patient()
    logged = log_refill(desk, refill(), patient.id)
    Patient.update(restricted=True).where(Patient.id == patient.id).execute()
    with pytest.raises(ReasonRequired):
        patient_refills(desk, patient.id)
    with pytest.raises(ReasonRequired):
        refill_of_message(desk, logged.message_id)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    medication=st.text(max_size=130),
    pharmacy_phone=st.one_of(st.text(max_size=20), st.from_regex(r"\(?[2-9]\d\d\)? ?\d{3}-\d{4}")),
)
def test_typed_refill_text_is_saved_or_refused_never_a_crash(desk, medication, pharmacy_phone):
    before = RefillRequest.select().count()
    try:
        logged = log_refill(
            desk, refill(medication=medication, pharmacy_phone=pharmacy_phone), _patient().id
        )
    except ValidationError as exc:
        assert set(exc.errors) <= {"medication", "pharmacy_phone"}
        assert RefillRequest.select().count() == before
    else:
        r = RefillRequest.get_by_id(logged.id)
        assert r.medication == medication.strip() and len(r.pharmacy_phone) == 10


# --- disclosures ----------------------------------------------------------------------------


def released(**changes) -> dict:
    values = dict(
        recipient_name="Dr. Ana Ruiz",
        recipient_org="Lakeside Cardiology",
        recipient_address="9 Lake Rd, Springfield IL 62701",
        description="Visit notes 2025-2026, ECG",
        purpose="legal",
        purpose_note="",
        disclosed_on="t",
        auth_ref="Subpoena 26-CV-114",
        auth_date="11/02/2026",
    )
    values.update(changes)
    return values


def test_a_disclosure_is_logged_and_opening_the_log_is_audited(desk):
    patient = _patient()
    row = record_disclosure(desk, patient.id, released())
    assert row.recipient == "Dr. Ana Ruiz, Lakeside Cardiology"
    assert row.authorization == "Subpoena 26-CV-114, dated 11/02/2026"
    assert row.recorded_by == desk.full_name and row.disclosed_on == dt.date(2026, 11, 18)
    tpo = record_disclosure(desk, patient.id, released(purpose="treatment", auth_ref=""))
    assert tpo.authorization == NOT_REQUIRED
    opened = AuditEvent.select().where(AuditEvent.action == "disclosures.open").count()
    assert [r.id for r in patient_disclosures(desk, patient.id)] == [tpo.id, row.id]
    assert (
        AuditEvent.select()
        .where((AuditEvent.action == "disclosures.open") & (AuditEvent.patient_id == patient.id))
        .count()
        == opened + 1
    )
    with pytest.raises(PermissionDenied):
        record_disclosure(find_staff("billing"), patient.id, released())


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("recipient_name", "", "Recipient is required"),
        ("recipient_name", "  ", "Recipient is required"),
        ("description", "", "required"),
        ("purpose", "gossip", "Why"),
        ("auth_ref", "", "authorization"),
        ("disclosed_on", "t+1", "after today"),
        ("disclosed_on", "13/45/2026", "no such date"),
        ("auth_date", "someday", "date"),
        ("recipient_address", "9 Lake\x07 Rd", "control"),
    ],
)
def test_bad_disclosure_input_is_named_and_nothing_is_written(desk, field, value, says):
    with pytest.raises(ValidationError) as err:
        record_disclosure(desk, _patient().id, released(**{field: value}))
    assert says in err.value.errors[field], err.value.errors
    assert Disclosure.select().count() == 0


def test_other_purpose_says_what(desk):
    with pytest.raises(ValidationError) as err:
        record_disclosure(desk, _patient().id, released(purpose="other", recipient_name=""))
    assert set(err.value.errors) == {"purpose_note", "recipient_name"}


def test_the_accounting_leaves_out_tpo_and_goes_six_years_back(desk, tmp_path):
    patient = _patient()
    record_disclosure(desk, patient.id, released(disclosed_on="11/17/2020"))  # over 6 years
    kept = record_disclosure(desk, patient.id, released(disclosed_on="11/19/2020"))
    record_disclosure(
        desk,
        patient.id,
        released(purpose="payment", auth_ref="", recipient_name="Acme Health Plan"),
    )
    acc = disclosure_accounting(desk, patient.id)
    assert (acc.since, acc.until) == (dt.date(2020, 11, 18), dt.date(2026, 11, 18))
    assert [r.id for r in acc.rows] == [kept.id] and acc.excluded == 1
    assert "Lakeside Cardiology" in acc.text and "Acme Health Plan" not in acc.text
    assert "(1 in this period)" in acc.text
    with pytest.raises(ValidationError) as err:
        disclosure_accounting(desk, patient.id, "t", "t-3")
    assert "after" in err.value.errors["since"]

    pdf = save_accounting_letter(desk, patient.id, str(tmp_path / "accounting"))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Accounting of disclosures" in text and "Subpoena 26-CV-114" in text
    assert Letter.select().where(Letter.patient == patient.id).count() == 1
    count = export_accounting_csv(desk, patient.id, str(tmp_path / "accounting.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "accounting.csv").read_text())))
    assert count == 1 and rows[0][0] == "released_on" and rows[1][1].startswith("Dr. Ana Ruiz")
    assert (tmp_path / "accounting.csv").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ServiceError, match="exists"):
        export_accounting_csv(desk, patient.id, str(tmp_path / "accounting.csv"))


def test_a_csv_cell_cannot_be_a_spreadsheet_formula(desk, tmp_path):
    patient = _patient()
    record_disclosure(desk, patient.id, released(recipient_name="=HYPERLINK(1)"))
    export_accounting_csv(desk, patient.id, str(tmp_path / "x.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "x.csv").read_text())))
    assert rows[1][1].startswith("'=")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recipient=st.text(max_size=130), when=st.text(max_size=14))
def test_typed_disclosure_text_is_saved_or_refused(desk, recipient, when):
    before = Disclosure.select().count()
    try:
        record_disclosure(
            desk, _patient().id, released(recipient_name=recipient, disclosed_on=when)
        )
    except ValidationError as exc:
        assert set(exc.errors) <= {"recipient_name", "disclosed_on"}
        assert Disclosure.select().count() == before
    else:
        assert Disclosure.select().count() == before + 1
    assert RefillStep.select().count() == 0
