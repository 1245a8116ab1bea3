"""One patient's chart summary (opening it is audited) and what the desk does from it:
edit, book, check in, insurance, history, restrict, merge a duplicate, referrals."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...services import clock
from ...services.core import SessionEnded
from ...services.errors import ServiceError
from ...services.patients.patients import (
    SEXES,
    PatientChart,
    ReasonRequired,
    open_patient,
    set_patient_restricted,
)
from ...services.records.summary import clinical_record
from ...services.scheduling.schedule import visit_to_check_in
from ...services.security.security import can
from ...services.validate import format_money
from ...ui.text import plain, plain_lines
from ...widgets.dialogs import ConfirmDialog
from ..base import RecordView
from .coverage import CoverageScreen
from .dialogs import confirm_merge_dialog, emergency_access_dialog, merge_dialog
from .form import PatientFormScreen


async def check_in_patient(screen, patient_id: int, say) -> None:
    """Open the check-in screen (the schedule's `c`) for the patient's next appointment
    today, awaited by *screen*'s worker; *say* tells the desk that it is done, or why
    there is nothing to check in."""
    row = await screen.ask_service(
        visit_to_check_in, patient_id, group="checkin", refusals=(ServiceError,)
    )
    if isinstance(row, ServiceError):
        say(str(row), "error")
        screen.app.bell()
        return
    if row is None:
        return
    done = await screen.app.open_check_in(row.id)
    if done:
        say(f"{done.patient} checked in at {clock.now_local().naive:%H:%M}.", "ok")


def _chart_and_record(actor, patient_id: int) -> tuple:
    """The chart and its clinical summary in one trip to a worker thread, each read in its
    own transaction and audited as its own service does (the summary only for staff who
    may read it): fetched one after the other from the screen they cost two worker trips
    and two paints of the chart (issue 10: open a chart). A refused summary leaves the
    chart shown, with the refusal said: (chart, record or None, refusal or "")."""
    chart = open_patient(actor, patient_id)
    if not can(actor, "clinical.read"):
        return chart, None, ""
    try:
        return chart, clinical_record(actor, patient_id), ""
    except (SessionEnded, ReasonRequired):
        raise  # the terminal's business (call_service): sign out, or ask why
    except ServiceError as exc:
        return chart, None, str(exc)


class PatientChartScreen(RecordView):
    """The chart summary of one patient (opening it is audited, so it is fetched when
    opened and after a change made here, not whenever a dialog over it closes)."""

    SCREEN_NAME = "Patient chart"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="chart.back"),
        Binding("e", "edit", "Edit", id="chart.edit"),
        Binding("b", "book", "Book", id="chart.book"),
        Binding("c", "check_in", "Check in", id="chart.check_in"),
        Binding("h", "history", "History", id="chart.history"),
        Binding("r", "toggle_restricted", "Restrict/lift", id="chart.restrict"),
        Binding("i", "insurance", "Insurance", id="chart.insurance"),
        Binding("M", "merge", "Merge a duplicate", show=False, id="chart.merge"),
        Binding("k", "task", "New task", show=False, id="chart.task"),
        Binding("L", "letter", "Letter", show=False, id="chart.letter"),
        Binding("m", "mail", "Mail", show=False, id="chart.mail"),
        Binding("f", "refills", "Refills", show=False, id="chart.refills"),
        Binding("D", "disclosures", "Disclosures", show=False, id="chart.disclosures"),
        Binding("R", "referrals", "Referrals", show=False, id="chart.referrals"),
        Binding("a", "records", "Record", id="chart.records"),
        Binding("d", "recall", "Due back (recall)", show=False, id="chart.recall"),
        Binding(
            "T",
            "reminder_consent",
            "Reminder texts: full name or initials",
            show=False,
            id="chart.reminder_consent",
        ),
    ]
    VIEW_TITLE = "Patient"
    ACTION_PERMISSIONS = {
        "merge": "patient.merge",
        "edit": "patient.write",
        "toggle_restricted": "patient.restrict",
        "book": "schedule.write",
        "check_in": "checkin",
        "history": "schedule.read",
        "task": "comms.write",
        "letter": "comms.write",
        "mail": "comms.read",
        "refills": "comms.read",
        "disclosures": "patient.read",
        "referrals": "patient.read",
        "records": "clinical.read",
        "recall": "schedule.write",
        "reminder_consent": "patient.write",
    }

    def __init__(self, patient_id: int, edit: bool = False) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.edit_on_open = edit
        self.chart: PatientChart | None = None
        # The clinical summary (allergies first) for the chart shown, once fetched.
        self.clinical: list[str] = []
        self._clinical_for: PatientChart | None = None

    def action_task(self) -> None:
        """A task about this patient, in an inbox with a due date (issue 12)."""
        if self.chart is not None:
            self.app.new_task(self.chart.name, patient_id=self.patient_id)

    def action_letter(self) -> None:
        """A letter about this patient from a template (issue 12 item 3)."""
        if self.chart is not None:
            self.app.new_letter(self.patient_id, self.chart.name)

    def action_mail(self) -> None:
        """The mail in and out about this patient (issue 12 item 4)."""
        if self.chart is not None:
            self.app.patient_mail(self.patient_id, self.chart.name)

    def action_refills(self) -> None:
        """The patient's refill requests and where each stands (issue 12 item 7)."""
        if self.chart is not None:
            self.app.patient_refills(self.patient_id, self.chart.name)

    def action_disclosures(self) -> None:
        """Records released about this patient, and their accounting (issue 12 item 9)."""
        if self.chart is not None:
            self.app.patient_disclosures(self.patient_id, self.chart.name)

    def action_referrals(self) -> None:
        """The patient's referrals and authorizations (issue 12 item 6)."""
        if self.chart is not None:
            self.app.referrals(self.patient_id, self.chart.name)

    def action_records(self) -> None:
        """Allergies, medications, problems, vitals, notes, documents (issue 12 item 8)."""
        if self.chart is not None:
            self._clinical_for = None  # fetched again when the record closes (resumed)
            self.app.patient_records(self.patient_id, self.chart.name)

    def resumed(self) -> None:
        if self._clinical_for is None and self.chart is not None:
            self._fetch_clinical(self.chart)

    def _fetch_clinical(self, chart: PatientChart) -> None:
        """The clinical summary under the name (its read is audited like the chart)."""
        self._clinical_for = chart
        if can(self.app.actor, "clinical.read"):
            self.call_service(
                clinical_record,
                chart.id,
                then=self._show_clinical,
                failed=lambda e: self.say(str(e), "error"),
                group="clinical",
            )

    def _show_clinical(self, record) -> None:
        self.clinical = record.summary_lines()
        if self.chart is not None:
            self._show(self.chart)

    @work(exclusive=True, group="recall")
    async def action_recall(self) -> None:
        """The patient is due back (issue 12 item 5): a recall set by hand."""
        if self.chart is not None:
            from ..comms.recall_form import set_recall

            await set_recall(self, self.patient_id, self.chart.name)

    @work(exclusive=True, group="reminder-consent")
    async def action_reminder_consent(self) -> None:
        """Whether reminder texts may name the patient in full (else initials only)."""
        if self.chart is not None:
            from ..comms.recall_form import ask_reminder_consent

            await ask_reminder_consent(self, self.patient_id, self.chart.name)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="chart-body")

    def reload(self) -> None:
        self.call_service(
            _chart_and_record, self.patient_id, then=self._show_both, failed=self._failed
        )

    def _show_both(self, answer: tuple) -> None:
        chart, record, refusal = answer
        if record is not None or refusal:
            self._clinical_for = chart
            self.clinical = record.summary_lines() if record is not None else []
        self._show(chart)
        if refusal:
            self.say(refusal, "error")

    def _failed(self, error: ServiceError) -> None:
        body = self.query_one("#chart-body", Static)
        body.add_class("refused")  # its look: styles/app.tcss
        body.update(plain(str(error)))

    def ask_reason(self, error: ReasonRequired, asked: tuple) -> None:
        """A restricted record: ask for the reason; the dialog's answer is the chart
        itself; without a reason, go back."""
        self._failed(error)
        self._break_the_glass(error)

    @work(exclusive=True, group="emergency-access")
    async def _break_the_glass(self, error: ReasonRequired) -> None:
        chart = await self.app.push_screen_wait(emergency_access_dialog(error))
        if chart is None:
            self.app.pop_screen()
        else:
            self._show(chart)

    def action_toggle_restricted(self) -> None:
        if self.chart is not None:
            self._restrict_or_lift(self.chart)

    @work(exclusive=True, group="restrict")
    async def _restrict_or_lift(self, chart: PatientChart) -> None:
        """Asks first: restricting changes how everyone opens the record."""
        if chart.restricted:
            question = (
                f"Lift the restriction on {chart.name} (MRN {chart.mrn})? Anyone with "
                "access to charts can then open it without a reason."
            )
        else:
            question = (
                f"Restrict {chart.name} (MRN {chart.mrn})? Opening it will then need a "
                "stated reason, and each opening is flagged in the audit report."
            )
        yes = "lift it" if chart.restricted else "restrict it"
        if await self.app.push_screen_wait(ConfirmDialog(question, yes=yes)):
            if self.chart is chart:  # not reloaded meanwhile
                self._set_restricted()

    def _set_restricted(self) -> None:
        if self.chart is not None:
            self.call_service(
                set_patient_restricted,
                self.chart.id,
                self.chart.version,
                not self.chart.restricted,
                then=self._restricted,
                failed=lambda e: self.say(str(e), "error"),
            )

    def _restricted(self, chart: PatientChart) -> None:
        self._show(chart)
        state = (
            "restricted: opening it now needs a reason"
            if chart.restricted
            else "no longer restricted"
        )
        self.say(f"The record is {state}.", "ok")

    def _show(self, chart: PatientChart) -> None:
        first_time = self.chart is None
        self.chart = chart
        if self._clinical_for is not chart:
            self._fetch_clinical(chart)
        v = chart.values
        self.set_title(f"{chart.name} · MRN {chart.mrn}")
        lines = [
            f"{chart.name}   MRN {chart.mrn}"
            + ("   RESTRICTED RECORD" if chart.restricted else ""),
            f"DOB {v['dob']} (age {chart.age(clock.today())})   "
            f"Sex {SEXES.get(v['sex'], v['sex'])}",
            *self.clinical,
            f"Mobile {v['phone_mobile'] or '-'}   Home {v['phone_home'] or '-'}",
            f"E-mail {v['email'] or '-'}",
            f"Address {v['address1'] or '-'}, {v['city']} {v['state']} {v['zip']}",
            f"Goes by {v['preferred_name'] or '-'}   Language {v['language'] or '-'}   "
            f"Call on {v['preferred_phone'] or 'mobile'}"
            + (f"   Work {v['phone_work']}" if v["phone_work"] else ""),
            "Emergency " + _contact(v, "emergency"),
            "Responsible party " + _contact(v, "guarantor"),
            f"Balance {format_money(chart.balance_cents)}"
            + ("   (owes)" if chart.balance_cents > 0 else ""),
            "",
            "Coverage",
        ]
        lines += [
            f"  {c.priority}. {c.payer}  member {c.member_id}  group {c.group_id or '-'}  "
            f"co-pay {c.copay}"
            for c in chart.coverages
        ] or ["  none on file (self-pay)"]
        lines += ["", "Upcoming appointments"]
        lines += [
            f"  {u.starts_at:%a %m/%d/%Y %H:%M}  {u.provider:<16} {u.appt_type:<12} {u.status}"
            for u in chart.upcoming
        ] or ["  none booked"]
        body = self.query_one("#chart-body", Static)
        body.remove_class("refused")
        body.update(plain_lines(lines))
        if first_time and self.edit_on_open:
            self.action_edit()

    def action_edit(self) -> None:
        if self.chart is not None:
            self.app.push_screen(PatientFormScreen(self.chart), self._edited)

    @work(exclusive=True, group="chart-check-in")
    async def action_check_in(self) -> None:
        """Check the patient in for their next appointment today."""
        if self.chart is not None:
            await check_in_patient(self, self.chart.id, self.say)

    def action_book(self) -> None:
        """Book for this patient (from the type step); the schedule then shows it."""
        if self.chart is not None:
            self.app.book_for(self.chart.id, self.chart.name)

    def action_insurance(self) -> None:
        if self.chart is not None:
            self.app.push_screen(
                CoverageScreen(self.chart.id, self.chart.name), lambda _none: self.reload()
            )

    def action_merge(self) -> None:
        if self.chart is not None:
            self._merge(self.chart)

    @work(exclusive=True, group="merge")
    async def _merge(self, chart: PatientChart) -> None:
        """Who the duplicate is and what would move first; then its MRN again."""
        dup = await self.app.push_screen_wait(merge_dialog(chart.id, chart.name))
        if dup is None:
            return
        moved = await self.app.push_screen_wait(confirm_merge_dialog(chart.id, chart.name, dup))
        if moved is not None:
            self.say(f"Merged MRN {dup.mrn} into this record: moved {moved.text()}.", "ok")
            self.reload()

    def action_history(self) -> None:
        if self.chart is not None:
            self.app.show_visit_history(self.chart.id, self.chart.name)

    def _edited(self, chart: PatientChart | bool | None) -> None:
        if isinstance(chart, PatientChart):
            self._show(chart)
            self.say("Saved.", "ok")
        elif chart is False:  # someone else saved first: show what is stored now
            self.reload()


def _contact(values: dict[str, str], prefix: str) -> str:
    """'Ann Lee (spouse) 555-201-3344', or '-' when none is on file."""
    name, relation, phone = (
        values[f"{prefix}_name"],
        values[f"{prefix}_relation"],
        values[f"{prefix}_phone"],
    )
    parts = [name, f"({relation})" if relation else "", phone]
    return " ".join(p for p in parts if p) or "-"
