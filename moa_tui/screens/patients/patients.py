"""Patient lookup as you type, the chart summary, and registration / edit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...db import changes
from ...services import clock
from ...services.errors import Conflict, ServiceError, ValidationError
from ...services.patients.patients import (
    FORM_FIELDS,
    SEXES,
    PatientChart,
    PatientHit,
    PossibleDuplicates,
    ReasonRequired,
    clinic_state,
    create_patient,
    open_patient,
    set_patient_restricted,
    update_patient,
)
from ...services.scheduling.schedule import visit_to_check_in
from ...services.validate import format_money
from ...services.wording import plural
from ...ui.calls import ServiceCaller
from ...ui.text import plain, plain_lines, visible
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, Form, FormDialog, FormScroll
from ...widgets.patient_picker import PatientPicker
from ..base import AreaScreen
from .coverage import CoverageScreen, confirm_merge_dialog, merge_dialog

LABELS = {
    "last_name": "Last name",
    "first_name": "First name",
    "dob": "Date of birth",
    "sex": "Sex",
    "phone_mobile": "Mobile phone",
    "phone_home": "Home phone",
    "email": "E-mail",
    "address1": "Address",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "preferred_name": "Goes by",
    "phone_work": "Work phone",
    "preferred_phone": "Call on",
    "language": "Language",
    "emergency_name": "Emergency",
    "emergency_relation": "  relation",
    "emergency_phone": "  phone",
    "guarantor_name": "Guarantor",
    "guarantor_relation": "  relation",
    "guarantor_phone": "  phone",
}
CHOICES = {
    "sex": [(f"{label} ({code})", code) for code, label in SEXES.items()],
    "preferred_phone": [("Mobile", "mobile"), ("Home", "home"), ("Work", "work")],
}
# A new patient starts with these and the clinic's state (clinic_state): real values,
# saved as shown. Placeholders only show a format, never a value.
DEFAULTS = {"sex": "U", "preferred_phone": "mobile", "language": "English"}
PLACEHOLDERS = {"dob": "MM/DD/YYYY", "phone_mobile": "e.g. 555-201-3344"}
# What clean_patient accepts: a longer entry is refused as it is typed, beside the field.
MAX_LENGTHS = {
    "last_name": 60,
    "first_name": 60,
    "email": 120,
    "address1": 120,
    "city": 60,
    "state": 2,
    "zip": 10,
    "preferred_name": 60,
    "language": 40,
    "emergency_name": 80,
    "emergency_relation": 30,
    "guarantor_name": 80,
    "guarantor_relation": 30,
}


class PatientsScreen(AreaScreen):
    AREA_TITLE = "Patients"
    TOPICS = frozenset({changes.PATIENTS})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {
        "new_patient": "patient.write",
        "edit_patient": "patient.write",
        "check_in": "checkin",
    }
    BINDINGS = [
        Binding("ctrl+n", "new_patient", "New patient"),
        Binding("slash", "focus_search", "Search"),
        Binding("e", "edit_patient", "Edit"),
        Binding("c", "check_in", "Check in"),
    ]

    def compose_body(self) -> ComposeResult:
        yield PatientPicker()

    def on_mount(self) -> None:
        super().on_mount()
        self.picker.focus_search()

    @property
    def picker(self) -> PatientPicker:
        return self.query_one(PatientPicker)

    @property
    def hits(self) -> dict[str, PatientHit]:
        return self.picker.hits

    def reload(self) -> None:
        self.picker.search()

    def on_patient_picker_picked(self, event: PatientPicker.Picked) -> None:
        # Enter in the search box or on a row opens the chart.
        event.stop()
        self.app.open_patient(event.hit.id)

    def action_focus_search(self) -> None:
        self.picker.focus_search()

    def selected(self) -> PatientHit | None:
        return self.picker.selected()

    def action_new_patient(self) -> None:
        self.app.push_screen(PatientFormScreen(None), self._registered)

    def _registered(self, chart: PatientChart | None) -> None:
        if chart is not None:
            self.app.open_patient(chart.id)

    def action_check_in(self) -> None:
        """Check in the highlighted patient for their next appointment today."""
        hit = self.selected()
        if hit and self.focused is self.picker.table:
            check_in_patient(self, hit.id, self.say)

    def action_edit_patient(self) -> None:
        hit = self.selected()
        if hit and self.focused is self.picker.table:
            self.app.open_patient(hit.id, edit=True)


def check_in_patient(screen, patient_id: int, say) -> None:
    """Open the check-in screen (the schedule's `c`) for the patient's next appointment
    today; *say* tells the desk that it is done, or why there is nothing to check in."""
    def checked_in(row) -> None:
        if row:
            say(f"{row.patient} checked in at {clock.now_local().naive:%H:%M}.", "green")

    def found(row) -> None:
        screen.app.open_check_in(row.id, checked_in)

    def refused(error: ServiceError) -> None:
        say(str(error), "bold red")
        screen.app.bell()

    screen.call_service(visit_to_check_in, patient_id, then=found, failed=refused, group="checkin")


def emergency_access(app, error: ReasonRequired, answered) -> None:
    """The one emergency-access dialog ("break the glass"), for the chart and for every
    screen whose service refused a restricted record (ServiceCaller.ask_reason): the
    reason opens the chart record in the audit trail (open_patient) and holds for this
    session. *answered* gets the chart, or None when the user backed out."""

    def submit(actor, values):
        return open_patient(actor, error.patient_id, values["reason"])

    app.push_screen(
        FormDialog(
            "Restricted record: emergency access",
            [FieldSpec("reason", "Reason", placeholder="why you need it now", max_length=300)],
            submit,
            hint=str(error) + " · Enter: open · Esc: go back",
        ),
        answered,
    )


class PatientChartScreen(ServiceCaller, Screen):
    """The chart summary of one patient (opening it is audited)."""

    SCREEN_NAME = "Patient chart"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("b", "book", "Book"),
        Binding("c", "check_in", "Check in"),
        Binding("h", "history", "History"),
        Binding("r", "toggle_restricted", "Restrict/lift"),
        Binding("i", "insurance", "Insurance"),
        Binding("M", "merge", "Merge a duplicate", show=False),
    ]
    AREA_TITLE = "Patient"
    ACTION_PERMISSIONS = {
        "merge": "patient.merge",
        "edit": "patient.write",
        "toggle_restricted": "patient.restrict",
        "book": "schedule.write",
        "check_in": "checkin",
        "history": "schedule.read",
    }

    def __init__(self, patient_id: int, edit: bool = False) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.edit_on_open = edit
        self.chart: PatientChart | None = None

    def compose(self) -> ComposeResult:
        yield Static("Patient", id="titlebar")
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="chart-body")
        yield Static(id="message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(open_patient, self.patient_id, then=self._show, failed=self._failed)

    def _failed(self, error: ServiceError) -> None:
        self.query_one("#chart-body", Static).update(plain(str(error), "bold red"))

    def ask_reason(self, error: ReasonRequired, asked: tuple) -> None:
        """A restricted record: ask for the reason; the dialog's answer is the chart
        itself; without a reason, go back."""
        self.query_one("#chart-body", Static).update(plain(str(error), "bold red"))

        def answered(chart: PatientChart | None) -> None:
            if chart is None:
                self.app.pop_screen()
            else:
                self._show(chart)

        emergency_access(self.app, error, answered)

    def action_toggle_restricted(self) -> None:
        """Asks first: restricting changes how everyone opens the record."""
        chart = self.chart
        if chart is None:
            return
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

        def answered(yes: bool | None) -> None:
            if yes and self.chart is chart:
                self._set_restricted()

        self.app.push_screen(
            ConfirmDialog(question, yes="lift it" if chart.restricted else "restrict it"),
            answered,
        )

    def _set_restricted(self) -> None:
        if self.chart is not None:
            self.call_service(
                set_patient_restricted,
                self.chart.id,
                self.chart.version,
                not self.chart.restricted,
                then=self._restricted,
                failed=lambda e: self._say(str(e), "bold red"),
            )

    def _restricted(self, chart: PatientChart) -> None:
        self._show(chart)
        state = (
            "restricted: opening it now needs a reason"
            if chart.restricted
            else "no longer restricted"
        )
        self._say(f"The record is {state}.", "green")

    def _say(self, text: str, style: str) -> None:
        self.query_one("#message", Static).update(plain(text, style))

    def _show(self, chart: PatientChart) -> None:
        first_time = self.chart is None
        self.chart = chart
        v = chart.values
        self.query_one("#titlebar", Static).update(
            plain(f"Patient · {chart.name} · MRN {chart.mrn}")
        )
        lines = [
            f"{chart.name}   MRN {chart.mrn}"
            + ("   RESTRICTED RECORD" if chart.restricted else ""),
            f"DOB {v['dob']} (age {chart.age(clock.today())})   "
            f"Sex {SEXES.get(v['sex'], v['sex'])}",
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
        self.query_one("#chart-body", Static).update(plain_lines(lines))
        if first_time and self.edit_on_open:
            self.action_edit()

    def action_edit(self) -> None:
        if self.chart is not None:
            self.app.push_screen(PatientFormScreen(self.chart), self._edited)

    def action_check_in(self) -> None:
        """Check the patient in for their next appointment today."""
        if self.chart is not None:
            check_in_patient(self, self.chart.id, self._say)

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
        """Who the duplicate is and what would move first; then its MRN again."""
        chart = self.chart
        if chart is None:
            return

        def previewed(dup) -> None:
            if dup is None:
                return

            def merged(moved) -> None:
                if moved is not None:
                    self._say(
                        f"Merged MRN {dup.mrn} into this record: moved {moved.text()}.", "green"
                    )
                    self.reload()

            self.app.push_screen(confirm_merge_dialog(chart.id, chart.name, dup), merged)

        self.app.push_screen(merge_dialog(chart.id, chart.name), previewed)

    def action_history(self) -> None:
        if self.chart is not None:
            self.app.show_visit_history(self.chart.id, self.chart.name)

    def _edited(self, chart: PatientChart | bool | None) -> None:
        if isinstance(chart, PatientChart):
            self._show(chart)
            self._say("Saved.", "green")
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


class PatientFormScreen(ServiceCaller, Screen[PatientChart | bool | None]):
    """Register a new patient (chart None) or edit one; field messages beside each field.

    Closes with the saved chart, None when cancelled, or False when another terminal saved
    the patient first (the caller reloads)."""

    SCREEN_NAME = "Patient details"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, chart: PatientChart | None) -> None:
        super().__init__()
        self.chart = chart
        self._busy = False
        self._duplicates_seen: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        title = f"Edit patient · {self.chart.name}" if self.chart else "New patient"
        yield Static(plain(title), id="titlebar")
        values = self.chart.values if self.chart else {}
        specs = []
        for name in FORM_FIELDS:
            specs.append(
                FieldSpec(
                    name,
                    LABELS[name],
                    values.get(name, DEFAULTS.get(name, "")),
                    options=CHOICES.get(name),
                    placeholder=PLACEHOLDERS.get(name, ""),
                    max_length=MAX_LENGTHS.get(name, 0),
                )
            )
        # 21 fields do not fit 24 lines: the form scrolls with the focused field.
        with FormScroll(classes="chart form-scroll"):
            yield Form(specs)
            yield Static(
                "Tab/Enter: next field (Enter on the last saves) · Ctrl+S: save · Esc: cancel",
                classes="hint",
            )
        yield Static(id="message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.chart is None:
            self.call_service(clinic_state, then=self._default_state, group="defaults")

    def _default_state(self, state: str) -> None:
        field = self.query_one("#state", Input)
        if not field.value:  # unless the user got there first
            field.value = state

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        values = self.query_one(Form).values()
        if self.chart is None:
            self.call_service(
                create_patient,
                values,
                self._duplicates_seen == values,
                then=self._saved,
                failed=self._failed,
            )
        else:
            self.call_service(
                update_patient,
                self.chart.id,
                self.chart.version,
                values,
                then=self._saved,
                failed=self._failed,
            )

    def _saved(self, chart: PatientChart) -> None:
        self._busy = False
        self.dismiss(chart)

    def _failed(self, error: ServiceError) -> None:
        self._busy = False
        form = self.query_one(Form)
        message = self.query_one("#message", Static)
        self.app.bell()
        if isinstance(error, ValidationError):
            form.show_errors(error.errors)
            count = len(error.errors)
            message.update(plain(f"{plural(count, 'field')} to correct.", "red"))
            return
        form.show_errors({})
        message.update(plain(str(error), "bold red"))
        if isinstance(error, PossibleDuplicates):
            # Shown once; saving the same form again says it is a different person.
            self._duplicates_seen = self.query_one(Form).values()
            message.update(
                plain(
                    f"{error} Esc and search to use that record, or Ctrl+S again if this "
                    "is a different person.",
                    "bold yellow",
                )
            )
            return
        if isinstance(error, Conflict):
            # Someone else saved first: show their version rather than overwrite it.
            self.dismiss(False)
            self.app.notify(visible(error), severity="warning", timeout=10, markup=False)
