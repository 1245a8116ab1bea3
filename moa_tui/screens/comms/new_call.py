"""New call, from any screen by one key (app.new_call): the patient searched inline (or
Enter on an empty search: not a patient), caller and callback filled from the patient,
reason, message, whose inbox and when it is due. Red-flag words show what to do now as
they are typed; an urgent call is shown with the practice's protocol text once saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.comms.messages import LoggedCall, inbox_choices, log_call
from ...services.comms.triage import Triage, red_flags_in, triage_settings
from ...services.errors import ServiceError, ValidationError
from ...services.patients.patients import PatientHit
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog
from ...widgets.form import FieldSelect, FieldSpec, Form
from ...widgets.patient_picker import PatientPicker, choose_hint
from ..base import TitledScreen

NOT_A_PATIENT = "Not a patient (Enter on an empty search) · type to search"
DEFAULT_ROUTE = "group:front desk"


class CallPatientPicker(PatientPicker):
    """The one patient search; Enter on an empty search means "not a patient"."""

    def submit(self) -> None:
        if not self.text.strip():
            self.screen.no_patient()
            return
        super().submit()


class NewCallScreen(TitledScreen):
    VIEW_TITLE = "New call"
    SCREEN_NAME = "New call"
    REFETCH_ON_RESUME = False
    DEFAULT_CSS = """
    NewCallScreen CallPatientPicker { height: 6; }
    NewCallScreen #call-patient { height: 1; }
    NewCallScreen #call-triage { height: auto; max-height: 5; }
    NewCallScreen #call-triage.urgent { background: $error; color: $text; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="call.cancel"),
        Binding("ctrl+s", "save", "Save", id="call.save"),
        # Ctrl+F: the caller's refills, where each stands, and n a new request from this
        # call (Ctrl+R is Referrals, in the Patients area: one meaning per key).
        Binding("ctrl+f", "refills", "Refills", id="call.refills"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.patient: PatientHit | None = None
        self.triage: Triage | None = None
        self._busy = False

    def compose_body(self) -> ComposeResult:
        yield CallPatientPicker(
            placeholder="Patient: last first · DOB · phone · MRN (Enter empty: not a patient)",
            hint=choose_hint,
            on_pick=self._picked,
            show_sex=False,
            input_id="call-search",
            hint_id="call-search-hint",
            table_id="call-hits",
        )
        yield Static(plain(NOT_A_PATIENT), id="call-patient", classes="toolbar")
        yield Form(
            [
                FieldSpec("caller", "Caller", max_length=80),
                FieldSpec("callback", "Callback", placeholder="e.g. 555-201-3344", max_length=25),
                FieldSpec("reason", "Reason", max_length=120),
                FieldSpec("text", "Message", max_length=2000),
                FieldSpec("route", "To", options=[("Group: Front Desk", DEFAULT_ROUTE)]),
                FieldSpec("due", "Due", placeholder="blank: by tomorrow 5pm", max_length=30),
            ],
            id="call-form",
        )
        yield Static("", id="call-triage")

    def on_mount(self) -> None:
        self.set_title()
        self.query_one(CallPatientPicker).focus_search()
        self.call_service(triage_settings, then=self._got_triage, group="triage")
        self.call_service(inbox_choices, then=self._got_choices, group="choices")

    def _got_triage(self, triage: Triage) -> None:
        self.triage = triage
        self._check_flags()

    def _got_choices(self, choices: list[tuple[str, str]]) -> None:
        select = self.query_one("#route", FieldSelect)
        value = select.value
        select.set_options([(plain(label), code) for label, code in choices])
        if value in {code for _l, code in choices}:
            select.value = value

    # --- the patient

    def _picked(self, hit: PatientHit, enters_ahead: int) -> None:
        self.patient = hit
        self.query_one("#call-patient", Static).update(
            plain(f"Patient: {hit.name} · MRN {hit.mrn} · DOB {hit.dob:%m/%d/%Y}")
        )
        form = self.query_one(Form)
        caller, callback = self.query_one("#caller"), self.query_one("#callback")
        if not caller.value.strip():
            first_last = " ".join(reversed([p.strip() for p in hit.name.split(",", 1)]))
            caller.value = first_last
        if not callback.value.strip() and hit.phone:
            callback.value = hit.phone
        self.set_focus(caller)
        for _ in range(enters_ahead):
            form.advance(self.focused)

    def no_patient(self) -> None:
        self.patient = None
        self.query_one("#call-patient", Static).update(plain("Patient: none (not a patient)"))
        self.set_focus(self.query_one("#caller"))

    # --- triage as it is typed

    def on_input_changed(self, event) -> None:
        if event.input.id in ("reason", "text"):
            self._check_flags()

    def _check_flags(self) -> None:
        if self.triage is None:
            return
        typed = f"{self.query_one('#reason').value}\n{self.query_one('#text').value}"
        flags = red_flags_in(typed, self.triage.red_flags)
        line = self.query_one("#call-triage", Static)
        line.set_class(bool(flags), "urgent")
        line.update(plain(f"URGENT ({', '.join(flags)}): {self.triage.advice}" if flags else ""))

    # --- saving

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        values = self.query_one(Form).values()
        values["patient_id"] = self.patient.id if self.patient else None
        self.say("Saving…")
        self.call_service(log_call, values, then=self._logged, failed=self._failed, group="write")

    def _failed(self, error: ServiceError) -> None:
        self._busy = False
        form = self.query_one(Form)
        if isinstance(error, ValidationError):
            form.show_errors(error.errors)
            if "patient_id" in error.errors:
                self.query_one("#call-patient", Static).update(plain(error.errors["patient_id"]))
                self.query_one(CallPatientPicker).focus_search()
            self.say("Check the marked fields.", "error")
        else:
            form.show_errors({})
            self.say(str(error), "error")
        self.app.bell()

    def _logged(self, logged: LoggedCall) -> None:
        self._busy = False
        if logged.urgent:
            self.app.push_screen(
                InfoDialog(
                    f"URGENT call (message {logged.id}) — do this now",
                    [
                        f"Red flags: {', '.join(logged.red_flags)}",
                        "",
                        logged.advice,
                        "",
                        f"It is in {logged.inbox}'s inbox and shows on every desk until "
                        "someone takes it.",
                    ],
                ),
                lambda _r: self._leave(logged),
            )
            return
        self.dismiss(logged)

    def _leave(self, logged: LoggedCall) -> None:
        self.dismiss(logged)  # not returned: the dialog's callback must not await it

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- refill requests (issue 12 item 7)

    def _need_patient(self) -> bool:
        if self.patient is None:
            self.query_one("#call-patient", Static).update(
                plain("A refill request is for a patient: search for them first.")
            )
            self.query_one(CallPatientPicker).focus_search()
            self.app.bell()
        return self.patient is not None

    def action_refills(self) -> None:
        """The patient's refill requests, where each stands (to tell the caller); n there
        makes this call a new request (the same caller, callback and patient), and the
        call closes once it is logged."""
        if not self._need_patient():
            return
        from .refills import PatientRefillsScreen

        values = self.query_one(Form).values()
        screen = PatientRefillsScreen(
            self.patient.id, self.patient.name, values["caller"], values["callback"], True
        )
        self.app.push_screen(screen, self._refill_logged)

    def _refill_logged(self, logged) -> None:
        if logged is not None:
            self.dismiss(logged)  # not returned: the dialog's callback must not await it


def call_logged_text(logged) -> str:
    if not isinstance(logged, LoggedCall):  # a refill request (screens/comms/refills.py)
        from .refills import refill_logged_text

        return refill_logged_text(logged)
    kind = "Urgent call" if logged.urgent else "Message"
    return f"{kind} logged to {logged.inbox}'s inbox."
