"""Issue 8 item 7: a restricted record is restricted in every service that returns the
patient's data, not only in the chart. Without a reason stated this session each one
refuses (ReasonRequired); after open_patient(reason=...) each returns its data and leaves a
``patient.view`` event in the audit trail."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from peewee import fn

import moa_tui.services as services_pkg
from moa_tui.cli import make_app
from moa_tui.db.models import (
    Appointment,
    AuditEvent,
    Claim,
    Coverage,
    IntakeItem,
    LetterTemplate,
    Patient,
    Payer,
    Provider,
    Recall,
)
from moa_tui.screens.frontdesk.check_in import CheckInScreen
from moa_tui.screens.patients.chart import PatientChartScreen
from moa_tui.screens.scheduling.schedule import ScheduleScreen
from moa_tui.services.frontdesk.payments import Receipt
from moa_tui.services.patients import privacy
from moa_tui.services.patients.patients import ReasonRequired, open_patient
from moa_tui.services.scheduling.rows import schedule_row
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from . import records_helpers
from .ui_helpers import move_to_row, settle, static_text

# Parameters that name a patient's record, directly or through a visit, claim or entry.
RECORD_PARAMS = {
    "patient_id",
    "appointment_id",
    "claim_id",
    "entry_id",
    "survivor_id",
    "merged_id",
    "receipt",
    "row",
} | records_helpers.RECORD_PARAMS


def record_services() -> dict[str, object]:
    """Every service (a function with a ``permission``) that takes a patient's record."""
    found = {}
    for info in pkgutil.walk_packages(services_pkg.__path__, "moa_tui.services."):
        module = importlib.import_module(info.name)
        short = info.name.rsplit(".", 1)[-1]
        for name, service in vars(module).items():
            if not hasattr(service, "permission") or service.__module__ != module.__name__:
                continue
            if RECORD_PARAMS & set(inspect.signature(service).parameters):
                found[f"{short}.{name}"] = service
    return found


class Case:
    """One restricted patient with a visit, a claim with an open balance, a coverage."""

    def __init__(self, tmp_path):
        has_visit = Appointment.select().where(Appointment.patient == Claim.patient)
        claim = (
            Claim.select()
            .where(
                (Claim.total_cents > Claim.paid_cents + Claim.adjusted_cents)
                & (Claim.status != "void")
                & fn.EXISTS(has_visit)
            )
            .order_by(Claim.id)
            .first()
        )
        self.claim = claim
        self.appointment = (
            Appointment.select().where(Appointment.patient == claim.patient_id).first()
        )
        self.patient = Patient.get_by_id(claim.patient_id)
        if not Coverage.select().where(Coverage.patient == self.patient.id).exists():
            Coverage.create(
                patient=self.patient, payer=Payer.select().first(), priority=1, member_id="M1"
            )
        self.item = IntakeItem.select().first()
        self.tmp_path = tmp_path
        # Restricted behind everyone's back: nobody holds a reason for it yet.
        Patient.update(restricted=True).where(Patient.id == self.patient.id).execute()

    def fresh(self, model, obj):
        return model.get_by_id(obj.id)

    def calls(self) -> dict[str, object]:
        """service name -> a call of it with valid arguments (a function of the actor)."""
        p, c = self.patient, self.claim
        tmp = self.tmp_path
        from moa_tui.services.billing import claims
        from moa_tui.services.frontdesk import frontdesk, payments, visit_slip
        from moa_tui.services.patients import patients, registration
        from moa_tui.services.scheduling.booking import appointment_history

        def appt():
            return Appointment.get_by_id(self.appointment.id)

        def claim():
            return Claim.get_by_id(c.id)

        def patient():
            return Patient.get_by_id(p.id)

        def receipt():
            return Receipt(
                1001, dt.datetime(2026, 11, 18, 10, 0), "Clinic", "X", patient().mrn,
                "Payment", 100, "cash", "", "desk", 0,
            )  # fmt: skip

        other_status = "denied" if c.status != "denied" else "submitted"
        from moa_tui.services.billing import posting

        def sent():
            """A claim of the patient's that was sent, for posting money (made once)."""
            if not hasattr(self, "sent_claim"):
                self.sent_claim = Claim.create(
                    patient=p, payer=c.payer_id, provider=c.provider_id,
                    service_date=c.service_date, status="submitted", total_cents=10000,
                )  # fmt: skip
            return Claim.get_by_id(self.sent_claim.id)

        from moa_tui.services.billing import corrections, worklists

        def replaceable(key: str) -> tuple[int, int]:
            """A sent claim of the patient's, one per correction service (made once)."""
            made = self.__dict__.setdefault("replaceable", {})
            if key not in made:
                made[key] = Claim.create(
                    patient=p, payer=c.payer_id, provider=c.provider_id,
                    service_date=c.service_date, status="denied", total_cents=10000,
                ).id  # fmt: skip
            return made[key], Claim.get_by_id(made[key]).version

        from moa_tui.services.billing import charges, scrubber, statements
        from moa_tui.services.comms import letters, mail, recalls, refills, reminders, templates
        from moa_tui.services.records import accounting, disclosures

        def refill_values() -> dict:
            prescriber = Provider.select().where(Provider.active).first().id
            return {"caller": "Ann", "callback": "5552013344", "medication": "Lisinopril",
                    "pharmacy": "Corner Drug", "pharmacy_phone": "5552019000",
                    "prescriber": f"provider:{prescriber}"}  # fmt: skip

        def template():
            templates.seed_templates()
            return LetterTemplate.select().order_by(LetterTemplate.id).first().id

        # A draft claim of the patient to code, and the visit checked out to start one.
        draft = Claim.create(
            patient=p.id,
            payer=Payer.select().first(),
            provider=self.appointment.provider_id,
            service_date=dt.date(2026, 11, 17),
            status="draft",
        )

        def coded():
            return Claim.get_by_id(draft.id)

        def checked_out():
            Appointment.update(status="checked_out").where(
                Appointment.id == self.appointment.id
            ).execute()
            return self.appointment.id

        from moa_tui.services.records import authorizations, referrals

        def referral_values():
            return {"other_name": "Dr. Ortho", "reason": "knee pain", "status": "sent"}

        def auth_values():
            plan = Coverage.get_or_none(Coverage.patient == p.id) or Coverage.create(
                patient=p.id, payer=Payer.select().first(), member_id="Z1"
            )
            return {"coverage": str(plan.id), "number": "A1", "visits_allowed": "3",
                    "expires_on": "t+30"}  # fmt: skip

        return {
            "referrals.save_referral": lambda a: referrals.save_referral(
                a, p.id, None, None, referral_values()
            ),
            "referrals.patient_referrals": lambda a: referrals.patient_referrals(a, p.id),
            "authorizations.save_authorization": lambda a: authorizations.save_authorization(
                a, p.id, None, None, auth_values()
            ),
            "authorizations.patient_authorizations": lambda a: (
                authorizations.patient_authorizations(a, p.id)
            ),
            "patients.open_patient": lambda a: patients.open_patient(a, p.id),
            "patients.update_patient": lambda a: patients.update_patient(
                a, p.id, patient().version, patients._chart(patient()).values
            ),
            "patients.set_patient_restricted": lambda a: patients.set_patient_restricted(
                a, p.id, patient().version, True
            ),
            "booking.appointment_history": lambda a: appointment_history(a, p.id),
            "registration.list_coverage": lambda a: registration.list_coverage(a, p.id),
            "registration.save_coverage": lambda a: registration.save_coverage(
                a,
                p.id,
                None,
                None,
                {
                    "payer_id": str(Payer.select().first().id),
                    "priority": "3",
                    "member_id": "Z9",
                    "subscriber_relation": "self",
                    "copay_cents": "0",
                },
            ),  # fmt: skip
            "frontdesk.visit_desk": lambda a: frontdesk.visit_desk(a, appt().id),
            "frontdesk.record_eligibility": lambda a: frontdesk.record_eligibility(
                a, appt().id, "verified", "phone", "REF1"
            ),
            "frontdesk.set_self_pay": lambda a: frontdesk.set_self_pay(
                a, appt().id, appt().version, True
            ),
            "frontdesk.tick_intake": lambda a: frontdesk.tick_intake(a, appt().id, self.item.id),
            "payments.collect_payment": lambda a: payments.collect_payment(a, p.id, "5.00", "cash"),
            # The PDFs are written with no transaction open: their checked step is walked
            # through the job that prints them.
            "payments._may_print_receipt": lambda a: payments.save_receipt_pdf(
                a, receipt(), str(tmp / f"r{len(list(tmp.iterdir()))}.pdf")
            ),
            "visit_slip._visit_slip_heading": lambda a: visit_slip.save_visit_slip(
                a, schedule_row(appt()), None, str(tmp / f"s{len(list(tmp.iterdir()))}.pdf")
            ),
            "claims.open_claim": lambda a: claims.open_claim(a, c.id),
            "claims.change_claim_status": lambda a: claims.change_claim_status(
                a, c.id, claim().version, other_status, "called the payer"
            ),
            "claims.write_off_balance": lambda a: claims.write_off_balance(
                a, c.id, claim().version, "small balance"
            ),
            "charges.start_charges": lambda a: charges.start_charges(a, checked_out()),
            "charges.charge_sheet": lambda a: charges.charge_sheet(a, draft.id),
            "scrubber.claim_holds": lambda a: scrubber.claim_holds(a, draft.id),
            "charges.add_diagnosis": lambda a: charges.add_diagnosis(
                a, draft.id, coded().version, "I10"
            ),
            "charges.save_line": lambda a: charges.save_line(
                a, draft.id, coded().version, None, {"code": "G0438"}
            ),
            "charges.remove_line": lambda a: charges.remove_line(a, draft.id, coded().version, 1),
            "charges.remove_diagnosis": lambda a: charges.remove_diagnosis(
                a, draft.id, coded().version, 1
            ),
            "scrubber.scrub_claim": lambda a: scrubber.scrub_claim(a, draft.id),
            "posting.post_eob": lambda a: posting.post_eob(
                a, sent().id, sent().version, [(None, "10", [])], "EOB1"
            ),
            "posting.write_off": lambda a: posting.write_off(
                a, sent().id, sent().version, "1", "small balance"
            ),
            "posting.refund_payer": lambda a: posting.refund_payer(
                a, sent().id, sent().version, "1", "overpaid"
            ),
            "posting.post_patient_payment": lambda a: posting.post_patient_payment(
                a, sent().id, "1", "cash"
            ),
            "posting.claim_money": lambda a: posting.claim_money(a, sent().id),
            "corrections.correct_claim": lambda a: corrections.correct_claim(
                a, *replaceable("7"), "wrong modifier"
            ),
            "corrections.void_claim": lambda a: corrections.void_claim(
                a, *replaceable("8"), "wrong patient"
            ),
            "worklists.set_follow_up": lambda a: worklists.set_follow_up(
                a, *replaceable("follow-up"), "t+3", "call the payer"
            ),
            "statements.patient_statements": lambda a: statements.patient_statements(a, p.id),
            "letters.draft_letter": lambda a: letters.draft_letter(a, p.id, template()),
            "letters.patient_letters": lambda a: letters.patient_letters(a, p.id),
            "letters.record_letter": lambda a: letters.record_letter(
                a, p.id, template(), {"text": "Dear patient,"}, "letter.pdf"
            ),
            "mail.log_mail": lambda a: mail.log_mail(
                a, {"party": "USPS", "kind": "returned"}, patient_id=p.id
            ),
            "mail.patient_mail": lambda a: mail.patient_mail(a, p.id),
            # Written with no transaction open: its checked step is walked through the job.
            "letters._may_write_letter": lambda a: letters.save_letter(
                a, p.id, None, {"text": "Hello"}, str(tmp / f"l{len(list(tmp.iterdir()))}")
            ),
            # Refill requests and disclosures (issue 12 items 7, 9).
            "refills.log_refill": lambda a: refills.log_refill(a, refill_values(), p.id),
            "refills.patient_refills": lambda a: refills.patient_refills(a, p.id),
            "refills.prescriber_choices": lambda a: refills.prescriber_choices(a, p.id),
            "disclosures.record_disclosure": lambda a: disclosures.record_disclosure(
                a,
                p.id,
                {"recipient_name": "Dr Ruiz", "description": "notes", "purpose": "treatment"},
            ),  # fmt: skip
            "disclosures.patient_disclosures": lambda a: disclosures.patient_disclosures(a, p.id),
            "accounting.disclosure_accounting": lambda a: accounting.disclosure_accounting(a, p.id),
            **records_helpers.restricted_calls(p, tmp),
            # (Any recall the demo gave the patient goes first: one open recall of a kind.)
            "recalls.add_recall": lambda a: [
                Recall.delete().where(Recall.patient == p.id).execute(),
                recalls.add_recall(a, p.id, {"kind": "other", "due": "t+30"}),
            ][-1],
            "recalls.patient_recalls": lambda a: recalls.patient_recalls(a, p.id),
            "reminders.reminder_consent": lambda a: reminders.reminder_consent(a, p.id),
            "reminders.set_reminder_consent": lambda a: reminders.set_reminder_consent(
                a, p.id, True
            ),
        }


@pytest.fixture
def case(demo_db, tmp_path):
    privacy.forget_grants()
    out = tmp_path / "out"
    out.mkdir()
    yield Case(out)
    privacy.forget_grants()


def views(patient_id: int) -> int:
    return (
        AuditEvent.select()
        .where((AuditEvent.action == "patient.view") & (AuditEvent.patient_id == patient_id))
        .count()
    )


def test_every_service_taking_a_record_is_checked_or_exempt_with_a_reason(case):
    """A service added later that takes a patient, visit or claim must either be in the
    table below (so it is walked) or be exempt in privacy.EXEMPT with its reason."""
    found = set(record_services())
    walked = set(case.calls())
    assert found - walked - set(privacy.EXEMPT) == set(), "add these to calls() or EXEMPT"
    assert walked <= found
    assert not walked & set(privacy.EXEMPT)
    assert all(why.strip() for why in privacy.EXEMPT.values())


def test_every_record_service_refuses_without_a_reason_then_reads_and_audits(case):
    actor = find_staff("manager")
    actor.session_id = "terminal-1"
    calls = case.calls()
    refused_before = {}
    for name, call in calls.items():
        before = AuditEvent.select().count()
        try:
            call(actor)
        except ReasonRequired as err:
            assert err.patient_id == case.patient.id, name
            assert "restricted" in str(err)
        else:
            pytest.fail(f"{name} returned a restricted record without a reason")
        # Nothing but (for writers) the recorded refusal: no data changed, no view logged.
        refused_before[name] = AuditEvent.select().count() - before
        assert views(case.patient.id) == 0, name
    open_patient(actor, case.patient.id, reason="patient on the phone about a bill")
    for name, call in calls.items():
        seen = views(case.patient.id)
        assert call(actor) is not None or name == "patients.set_patient_restricted", name
        assert views(case.patient.id) > seen, f"{name} left no audit event"
    event = AuditEvent.select().where(AuditEvent.action == "patient.view").first()
    assert event.outcome == "emergency" and event.staff_id == actor.id


def test_a_reason_holds_for_one_session_of_one_account_and_one_patient(case):
    manager = find_staff("manager")
    manager.session_id = "terminal-1"
    open_patient(manager, case.patient.id, reason="billing question")
    from moa_tui.services.patients.registration import list_coverage

    assert list_coverage(manager, case.patient.id) is not None
    # The same account signed in again (a new session), or another account: ask again.
    again = find_staff("manager")
    again.session_id = "terminal-2"
    with pytest.raises(ReasonRequired):
        list_coverage(again, case.patient.id)
    with pytest.raises(ReasonRequired):
        list_coverage(find_staff("desk"), case.patient.id)
    # Opening the chart again in the granted session needs no new reason and is audited.
    seen = views(case.patient.id)
    assert open_patient(manager, case.patient.id).restricted
    assert views(case.patient.id) == seen + 1


def test_a_record_that_is_not_restricted_is_read_without_events(case):
    Patient.update(restricted=False).where(Patient.id == case.patient.id).execute()
    from moa_tui.services.scheduling.booking import appointment_history

    assert appointment_history(find_staff("desk"), case.patient.id)
    assert views(case.patient.id) == 0


def test_the_manager_who_restricts_a_record_keeps_reading_it(demo_db):
    privacy.forget_grants()
    from moa_tui.services.patients.patients import set_patient_restricted
    from moa_tui.services.patients.registration import list_coverage

    patient = Patient.select().where(~Patient.restricted).first()
    manager = find_staff("manager")
    set_patient_restricted(manager, patient.id, patient.version, True)
    assert list_coverage(manager, patient.id) is not None
    with pytest.raises(ReasonRequired):
        list_coverage(find_staff("desk"), patient.id)


# --- screens -------------------------------------------------------------------------


async def test_check_in_of_a_restricted_patient_asks_for_the_reason_then_shows_it(demo_db, case):
    today = (
        Appointment.select()
        .where(
            (Appointment.status == "booked")
            & (Appointment.starts_at >= dt.datetime(2026, 11, 18))
            & (Appointment.starts_at < dt.datetime(2026, 11, 19))
        )
        .order_by(Appointment.starts_at)
        .first()
    )
    target = Patient.get_by_id(today.patient_id)
    Patient.update(restricted=True).where(Patient.id == target.id).execute()
    name = f"{target.last_name}, {target.first_name}"
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        move_to_row(app, lambda cells: any(name[:12] in cell for cell in cells))
        await pilot.press("c")
        await settle(pilot)
        # The chart's emergency-access dialog, over the check-in screen.
        assert isinstance(app.screen, FormDialog)
        assert "restricted" in app.screen.hint
        await pilot.press(*"patient at the desk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Insurance" in static_text(app, "#visit-body")
    flagged = AuditEvent.select().where(
        (AuditEvent.patient_id == target.id) & (AuditEvent.outcome == "emergency")
    )
    actions = [e.action for e in flagged.order_by(AuditEvent.id)]
    assert actions == ["patient.open", "patient.view"]


async def test_backing_out_of_the_reason_shows_nothing_of_the_record(demo_db, case):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CheckInScreen(case.appointment.id))
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "restricted" in static_text(app, "#message")
        assert "Insurance" not in static_text(app, "#visit-body")
    assert views(case.patient.id) == 0


async def test_chart_keys_work_without_asking_again_after_the_chart_opened(demo_db, case):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_patient(case.patient.id)
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"patient at the desk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        await pilot.press("i")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        assert "Insurance" in static_text(app, "#titlebar")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientChartScreen)
        await pilot.press("h")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
    # The chart's clinical summary, the insurance list and the history: each read is on record.
    details = AuditEvent.select(AuditEvent.detail).where(
        (AuditEvent.action == "patient.view") & (AuditEvent.patient_id == case.patient.id)
    )
    assert [e.detail for e in details] == [
        "clinical record", "insurance list", "appointment history",
    ]  # fmt: skip
