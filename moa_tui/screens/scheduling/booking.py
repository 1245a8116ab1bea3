"""Booking by keyboard: patient -> type -> provider -> open slot, one Enter a step; the
same slot step moves (reschedules) an appointment. The slot step is slots.py's."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services import clock
from ...services.comms.recalls import RecallRow
from ...services.patients.patients import PatientChart, PatientHit
from ...services.scheduling.availability import TypeInfo, list_types
from ...services.scheduling.booking import Slot, SlotFilter
from ...services.scheduling.schedule import ProviderInfo, ScheduleRow, list_providers
from ...ui.text import plain
from ...widgets.paged_table import PagedTable
from ...widgets.patient_picker import PatientPicker, choose_hint
from ..base import TitledScreen
from ..patients.form import PatientFormScreen
from .slots import SLOT_PAGE, SlotStep
from .typed import booked_message, when_text

__all__ = ["BookingScreen", "booked_message"]

DEFAULT_TYPE = "Follow-up"  # the most common visit: highlighted first
# A recall's kind -> a word of the visit type to highlight first.
RECALL_TYPE_HINTS = {"Annual physical": "physical", "6-month follow-up": "follow"}


class StepTable(PagedTable):
    """Enter picks the highlighted row at once, not in a later message: a second Enter
    typed ahead must act on the next step, not this one again."""

    BINDINGS = [Binding("enter", "pick", "Choose", show=False, id="booking.list.choose")]

    def action_pick(self) -> None:
        self.screen.pick(self.selected_key())


class BookingScreen(SlotStep, TitledScreen):
    """Book: patient, type, provider, slot. With *patient* it starts at the type; with
    *moving* (a booked appointment) it is the slot step of a reschedule. Closes with the
    new appointment (a ScheduleRow), or None when backed out. A flow, not a record view:
    nothing is fetched again when a dialog over it closes or another terminal writes
    (the slot list is fetched as each step asks for it)."""

    SCREEN_NAME = "Book"
    VIEW_TITLE = "Book an appointment"
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "back", "Back", id="booking.back"),
        Binding("ctrl+n", "new_patient", "New patient", id="booking.new_patient"),
        Binding("a", "part_of_day", "Am/pm", id="booking.am_pm"),
        Binding("d", "weekdays", "Days", id="booking.days"),
        Binding("e", "earliest", "From", id="booking.from"),
        Binding("p", "cycle_provider", "Provider", id="booking.provider"),
        Binding("m", "more", "More", id="booking.more"),
        Binding("o", "override", "Override", id="booking.override"),
    ]
    ACTION_PERMISSIONS = {"new_patient": "patient.write", "override": "schedule.write"}
    STEP_ACTIONS = {
        "new_patient": "patient",
        **dict.fromkeys(("part_of_day", "weekdays", "earliest", "cycle_provider"), "slots"),
        **dict.fromkeys(("more", "override"), "slots"),
    }

    def __init__(
        self,
        patient: tuple[int, str] | None = None,
        *,
        moving: ScheduleRow | None = None,
        recall: RecallRow | None = None,
    ) -> None:
        super().__init__()
        self.moving = moving
        if moving is not None:
            patient = (moving.patient_id, moving.patient)
            self.VIEW_TITLE = (
                f"Move {moving.patient} from {when_text(moving.starts_at)} · {moving.provider}"
            )
        self.patient = patient
        self.fixed_patient = patient is not None
        self.step = ""
        self.types: list[TypeInfo] | None = None
        self.providers: list[ProviderInfo] | None = None
        self.kind: TypeInfo | None = None
        self.filter = SlotFilter(provider_id=moving.provider_id if moving else None)
        # Booked from a recall: its provider and due date come first, and the booking
        # closes it (book_appointment's recall_id).
        self.recall_id = recall.id if recall is not None else None
        self.type_hint = ""
        if recall is not None:
            self.VIEW_TITLE = f"Book the recall due {recall.due_on:%m/%d/%Y}"
            self.type_hint = RECALL_TYPE_HINTS.get(recall.kind, "")
            later = recall.due_on if recall.due_on > clock.today() else None
            self.filter = SlotFilter(provider_id=recall.provider_id, earliest=later)
        self.limit = SLOT_PAGE
        self.slots: list[Slot] = []
        self.slots_loading = False
        self.cursor_after_load = 0
        self.enters_ahead = 0  # Enters typed ahead of the patient's matches, to replay

    # --- layout and steps

    def compose_body(self) -> ComposeResult:
        yield Static(id="booking-summary", classes="toolbar")
        yield PatientPicker(
            placeholder="Patient: last first (smi jo) · DOB · phone · MRN",
            hint=choose_hint,
            on_pick=self._picked_patient,
            on_no_match=self._no_match,
            show_sex=False,
            input_id="booking-search",
            hint_id="booking-search-hint",
            table_id="booking-hits",
        )
        yield Static(id="booking-hint", classes="toolbar")
        yield StepTable(id="booking-table")

    def on_mount(self) -> None:
        self.set_title()
        self.call_service(list_types, then=self._got_types, group="types")
        self.call_service(list_providers, then=self._got_providers, group="providers")
        if self.patient is None:
            self.show_step("patient")
        else:
            self._update_summary()
            self.query_one("#booking-hint", Static).update("Loading…")

    def _got_types(self, types: list[TypeInfo]) -> None:
        self.types = types
        if self.moving is not None:
            self.kind = next((t for t in types if t.name == self.moving.appt_type), None)
        self._data_ready()

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers
        self._data_ready()

    def _data_ready(self) -> None:
        if self.types is None or self.providers is None or self.step not in ("", "waiting"):
            return
        if self.moving is not None:
            if self.kind is None:
                self.say(f"The type {self.moving.appt_type} is no longer offered.", "error")
                return
            self.show_step("slots")
        elif self.patient is not None:
            self.show_step("type")
            self._replay_enters()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.STEP_ACTIONS.get(action)
        if step is not None and step != self.step:
            return False
        return super().check_action(action, parameters)

    @property
    def table(self) -> StepTable:
        return self.query_one(StepTable)

    def _hint(self, text: str) -> None:
        self.query_one("#booking-hint", Static).update(plain(text))

    def _update_summary(self) -> None:
        parts = [self.patient[1] if self.patient else "Who is the appointment for?"]
        if self.kind is not None and self.step in ("provider", "slots"):
            parts.append(f"{self.kind.name} ({self.kind.default_minutes} min)")
        if self.step == "slots":
            parts.append(self._provider_name(self.filter.provider_id))
        self.query_one("#booking-summary", Static).update(plain(" · ".join(parts)))

    def _provider_name(self, provider_id: int | None) -> str:
        for p in self.providers or ():
            if p.id == provider_id:
                return p.short_name
        return "Any provider"

    def _offering(self) -> list[ProviderInfo]:
        wanted = set(self.kind.provider_ids) if self.kind else set()
        return [p for p in self.providers or () if not wanted or p.id in wanted]

    def _columns(self, *columns: tuple[str, int]) -> StepTable:
        table = self.table
        table.reset()
        table.clear(columns=True)
        table.set_columns(columns)
        return table

    def show_step(self, step: str) -> None:
        if step != "patient" and (self.types is None or self.providers is None):
            self.step = "waiting"
            return
        self.step = step
        picker = self.query_one(PatientPicker)
        picker.display = step == "patient"
        for own in (self.table, self.query_one("#booking-hint", Static)):
            own.display = step != "patient"
        self.say("")
        if step == "patient":
            picker.focus_search()
        elif step == "type":
            table = self._columns(("Type", 16), ("Length", 7), ("Offered by", 40))
            everyone = [p.short_name for p in self.providers or ()]
            for t in self.types or ():
                names = [p.short_name for p in self.providers or () if p.id in t.provider_ids]
                who = ", ".join(names) if t.provider_ids else f"all ({len(everyone)})"
                table.add_row(plain(t.name), f"{t.default_minutes} min", plain(who), key=f"t{t.id}")
            chosen = self.kind.name if self.kind else self._hinted_type()
            table.move_to_key(
                next((f"t{t.id}" for t in self.types or () if t.name == chosen), None)
            )
            self._hint("Choose the type of visit · Enter: choose · Esc: back")
            table.focus()
        elif step == "provider":
            table = self._columns(("Provider", 40))
            table.add_row("Any provider (the earliest slot)", key="pany")
            for p in self._offering():
                table.add_row(plain(p.name), key=f"p{p.id}")
            table.move_to_key(f"p{self.filter.provider_id}" if self.filter.provider_id else None)
            self._hint("Who should see the patient · Enter: choose · Esc: back")
            table.focus()
        else:
            self._columns(("Date", 10), ("Time", 5), ("Provider", 16), ("Length", 7))
            self.table.focus()
            self.load_slots()
        self._update_summary()
        self.refresh_bindings()

    def _hinted_type(self) -> str:
        """The type a recall asks for ("physical" for an annual physical), else the usual."""
        hinted = (t.name for t in self.types or () if self.type_hint in t.name.casefold())
        return next(hinted, DEFAULT_TYPE) if self.type_hint else DEFAULT_TYPE

    # --- step 1: the patient

    def _picked_patient(self, hit: PatientHit, enters_ahead: int) -> None:
        """The picker's pick; Enters typed ahead go on to the type and the provider."""
        if self.step != "patient":
            return
        self.patient = (hit.id, hit.name)
        self.enters_ahead = enters_ahead
        self.show_step("type")
        self._replay_enters()

    def _no_match(self) -> None:
        self.say("No patient matches. Ctrl+N registers a new patient.", "error")

    def _replay_enters(self) -> None:
        """Enters typed while waiting pick the highlighted type and provider; never a
        slot nobody has seen."""
        while self.enters_ahead and self.step in ("type", "provider"):
            self.enters_ahead -= 1
            self.pick(self.table.selected_key())
        self.enters_ahead = 0

    @work(exclusive=True, group="new-patient")
    async def action_new_patient(self) -> None:
        """Register a patient (Ctrl+N) and go on booking for them."""
        chart = await self.app.push_screen_wait(PatientFormScreen(None))
        if isinstance(chart, PatientChart):
            self.patient = (chart.id, chart.name)
            self.say(f"Registered {chart.name} (MRN {chart.mrn}).", "ok")
            self.show_step("type")

    # --- picking a row

    def pick(self, key: str | None) -> None:
        if not key:
            return
        kind, value = key[0], key[1:]
        if self.step == "type" and kind == "t":
            self.kind = next(t for t in self.types or () if t.id == int(value))
            offering = {p.id for p in self._offering()}
            if self.filter.provider_id not in offering:
                self.filter = SlotFilter(earliest=self.filter.earliest)
            self.show_step("provider")
        elif self.step == "provider" and kind == "p":
            provider_id = None if value == "any" else int(value)
            self.filter = SlotFilter(provider_id=provider_id, earliest=self.filter.earliest)
            self.limit = SLOT_PAGE
            self.show_step("slots")
        elif self.step == "slots" and kind == "s" and not self.slots_loading:
            self.book(self.slots[int(value)])

    def action_back(self) -> None:
        previous = {"slots": "provider", "provider": "type", "type": "patient"}.get(self.step)
        if self.moving is not None or previous is None:
            self.dismiss(None)
        elif previous == "patient" and self.fixed_patient:
            self.dismiss(None)
        else:
            self.show_step(previous)
