"""The mail log (issue 12 items 4, 10): mail in and out against a patient, a claim or a
vendor; returned mail marks the patient's address as bad until it is fixed."""

from __future__ import annotations

import pytest

from moa_tui.db.models import AuditEvent, Claim, MailItem, Patient
from moa_tui.services.comms.letters import draft_letter
from moa_tui.services.comms.mail import log_mail, mail_log, mark_address_fixed, patient_mail
from moa_tui.services.comms.templates import letter_templates
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.patients.privacy import ReasonRequired
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff


def mail(**changes) -> dict:
    values = dict(direction="in", date="t", party="Acme Insurance", kind="payment",
                  vendor="", outcome="check deposited")  # fmt: skip
    values.update(changes)
    return values


def _patient() -> Patient:
    return Patient.select().where(~Patient.restricted).order_by(Patient.id).first()


def test_incoming_mail_against_a_patient_is_logged_and_listed(desk):
    p = _patient()
    row = log_mail(desk, mail(kind="records request", party="Lawyer & Co"), patient_id=p.id)
    assert row.kind == "Records request" and row.about == f"{p.first_name} {p.last_name}"
    assert row.handled_by == desk.full_name and not row.address_bad
    assert [r.id for r in mail_log(desk)][:1] == [row.id]
    assert [r.id for r in patient_mail(desk, p.id)] == [row.id]
    event = AuditEvent.select().where(AuditEvent.action == "mail.log").get()
    assert event.patient_id == p.id


def test_mail_about_a_claim_links_its_patient(desk):
    claim = Claim.select().join(Patient).where(~Patient.restricted).first()
    row = log_mail(desk, mail(kind="claim", party="Payer"), claim_id=claim.id)
    item = MailItem.get_by_id(row.id)
    assert item.claim_id == claim.id and item.patient_id == claim.patient_id


def test_returned_mail_marks_the_address_bad_until_fixed(desk):
    p = _patient()
    row = log_mail(desk, mail(kind="returned", party="USPS", outcome="no such address"),
                   patient_id=p.id)  # fmt: skip
    assert row.address_bad
    balance = next(t for t in letter_templates(desk) if t.name == "Balance due")
    assert "came back" in draft_letter(desk, p.id, balance.id).warning
    with pytest.raises(PermissionDenied):
        mark_address_fixed(find_staff("billing"), row.id, row.version)
    fixed = mark_address_fixed(desk, row.id, row.version)
    assert not fixed.address_bad and fixed.version == row.version + 1
    assert draft_letter(desk, p.id, balance.id).warning == ""
    with pytest.raises(Conflict):
        mark_address_fixed(desk, row.id, fixed.version)


@pytest.mark.parametrize(
    ("values", "patient", "field"),
    [
        (mail(party=""), False, "party"),
        (mail(kind="postcard"), False, "kind"),
        (mail(direction="sideways"), False, "direction"),
        (mail(date="13/45"), False, "date"),
        (mail(date="t+3"), False, "date"),
        (mail(kind="returned"), False, "kind"),  # returned mail names its patient
        (mail(kind="returned", direction="out"), True, "direction"),
        (mail(outcome="x\x1b[31m"), False, "outcome"),
    ],
)
def test_bad_mail_is_refused_beside_its_field_and_nothing_is_written(desk, values, patient, field):
    with pytest.raises(ValidationError) as err:
        log_mail(desk, values, patient_id=_patient().id if patient else None)
    assert field in err.value.errors and err.value.errors[field]
    assert MailItem.select().count() == 0


def test_a_restricted_patients_mail_needs_a_reason(desk):
    p = _patient()
    Patient.update(restricted=True).where(Patient.id == p.id).execute()
    with pytest.raises(ReasonRequired):
        log_mail(desk, mail(), patient_id=p.id)
    with pytest.raises(ReasonRequired):
        patient_mail(desk, p.id)
    assert MailItem.select().count() == 0
