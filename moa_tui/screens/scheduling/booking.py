"""Booking by keyboard: patient -> type -> provider -> open slot, one Enter a step; the
same slot step moves (reschedules) an appointment. Also the small dialogs the schedule's
booking keys share, and a patient's appointment history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...services import clock
from ...services.errors import ServiceError, ValidationError
from ...services.patients.patients import PatientChart, PatientHit, search_patients
from ...services.scheduling.absences import Absence, absences_during
from ...services.scheduling.availability import WEEKDAYS, TypeInfo, list_types
from ...services.scheduling.booking import (
    Slot,
    SlotFilter,
    SlotTaken,
    book_appointment,
    find_open_slots,
    reschedule,
)
from ...services.scheduling.schedule import ProviderInfo, ScheduleRow, list_providers
from ...services.validate import parse_date
from ...ui.calls import ServiceCaller
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import PagedTable
from ..patients.patients import PatientFormScreen

DEFAULT_TYPE = "Follow-up"  # the most common visit: highlighted first
SLOT_PAGE = 10
PARTS = ("", "am", "pm")
PART_LABELS = {"": "any time", "am": "mornings", "pm": "afternoons"}
_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*([ap]m?)?$")
# A service's field name -> the override dialog's field that holds it.
OVERRIDE_FIELDS = {
    "starts_at": "when",
    "minutes": "when",
    "override": "reason",
    "provider": "provider",
    "appt_type": "provider",
}


# --- what the desk types -----------------------------------------------------------------


def parse_weekdays(field: str, text: str | None) -> str:
    """'024', 'Mon,Wed,Fri', 'mon-fri' or blank (every day) -> digits, Monday = 0."""
    names = [w.lower() for w in WEEKDAYS]
    days: set[int] = set()
    for token in (t for t in re.split(r"[,\s]+", (text or "").strip().lower()) if t):
        if token.isdigit():
            if not set(token) <= set("0123456"):
                break
            days |= {int(ch) for ch in token}
            continue
        ends = token.split("-")
        if len(ends) == 2 and all(e[:3] in names for e in ends):
            first, last = (names.index(e[:3]) for e in ends)
            days |= set(range(first, last + 1)) if first <= last else set()
            continue
        if token[:3] in names and len(token) >= 2:
            days.add(names.index(token[:3]))
            continue
        break
    else:
        return "".join(str(d) for d in sorted(days)) or "0123456"
    raise ValidationError.one(field, "Days as digits (Mon = 0, e.g. 024) or Mon,Wed or mon-fri.")


def weekdays_label(digits: str) -> str:
    if digits == "0123456":
        return "every day"
    if digits == "01234":
        return "Mon-Fri"
    return ",".join(WEEKDAYS[int(d)] for d in digits)


def parse_day(field: str, text: str | None, label: str = "Date") -> dt.date:
    """A date with the desk's shortcuts (t+2w, mon, 12/24...), relative to today."""
    return parse_date(field, text, today=clock.today(), label=label)


def parse_when(field: str, text: str | None) -> dt.datetime:
    """'12/24 9:10', 't+1 14:00', '2026-12-24 2:30pm' -> a local date and time."""
    parts = (text or "").strip().lower().rsplit(maxsplit=1)
    if len(parts) != 2:
        raise ValidationError.one(field, "A date and a time, e.g. 12/24 9:10 or t+1 14:00.")
    day = parse_day(field, parts[0])
    m = _TIME.match(parts[1])
    if not m:
        raise ValidationError.one(field, f"{parts[1]} is not a time; write 9:10 or 14:30.")
    hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValidationError.one(field, f"{parts[1]} is not a time of day.")
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValidationError.one(field, f"{parts[1]} is not a time of day.")
    return dt.datetime.combine(day, dt.time(hour, minute))


def when_text(at: dt.datetime) -> str:
    return f"{at:%a %m/%d/%Y %H:%M}"


def booked_message(row: ScheduleRow, verb: str = "Booked") -> str:
    """One message line (the type is left out when the line would be too long)."""
    text = f"{verb} {row.patient} · {when_text(row.starts_at)} · {row.provider}"
    with_type = f"{text} · {row.appt_type}."
    return with_type if len(with_type) <= 78 else text + "."


def moved_message(row: ScheduleRow) -> str:
    """What taking a slot did to a patient's later visit: 'Moved Smith, Jane from 12/10
    09:00 to 12/02 10:20 · Dr Lee.' (the provider is left out when the line is too long)."""
    text = f"Moved {row.patient} from {row.moved_from:%m/%d %H:%M} to {row.starts_at:%m/%d %H:%M}"
    with_provider = f"{text} · {row.provider}."
    return with_provider if len(with_provider) <= 78 else text + "."


# --- the booking screen ------------------------------------------------------------------


class SearchInput(Input):
    """The patient search: Enter picks at once (keys typed ahead land in the next step)."""

    async def action_submit(self) -> None:
        self.screen.submit_search()


class StepTable(PagedTable):
    """Enter picks the highlighted row at once, not in a later message, for the same
    reason: a second Enter typed ahead must act on the next step, not this one again."""

    BINDINGS = [Binding("enter", "pick", "Choose", show=False, id="booking.list.choose")]

    def action_pick(self) -> None:
        self.screen.pick(self.selected_key())


class BookingScreen(ServiceCaller, Screen[ScheduleRow | None]):
    """Book: patient, type, provider, slot. With *patient* it starts at the type; with
    *moving* (a booked appointment) it is the slot step of a reschedule. Closes with the
    new appointment, or None when backed out."""

    AREA_TITLE = "Book"
    BINDINGS = [
        Binding("escape", "back", "Back", id="booking.back"),
        Binding("ctrl+n", "new_patient", "New patient", id="booking.new_patient"),
        Binding("down", "to_results", "Results", show=False, id="booking.results"),
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
        "to_results": "patient",
        **dict.fromkeys(("part_of_day", "weekdays", "earliest", "cycle_provider"), "slots"),
        **dict.fromkeys(("more", "override"), "slots"),
    }

    def __init__(
        self, patient: tuple[int, str] | None = None, *, moving: ScheduleRow | None = None
    ) -> None:
        super().__init__()
        self.moving = moving
        if moving is not None:
            patient = (moving.patient_id, moving.patient)
        self.patient = patient
        self.fixed_patient = patient is not None
        self.step = ""
        self.types: list[TypeInfo] | None = None
        self.providers: list[ProviderInfo] | None = None
        self.kind: TypeInfo | None = None
        self.filter = SlotFilter(provider_id=moving.provider_id if moving else None)
        self.limit = SLOT_PAGE
        self.slots: list[Slot] = []
        self.slots_loading = False
        self.cursor_after_load = 0
        self.hits: list[PatientHit] = []
        self.hits_for = ""  # the search text the hits answer
        self.pick_pending = False  # Enter came before the hits
        self.enters_ahead = 0  # further Enters typed before the hits came

    # --- layout and steps

    def compose(self) -> ComposeResult:
        m = self.moving
        title = (
            f"Move {m.patient} from {when_text(m.starts_at)} · {m.provider}"
            if m
            else "Book an appointment"
        )
        yield Static(plain(title), id="titlebar")
        yield Static(id="booking-summary", classes="toolbar")
        yield SearchInput(
            placeholder="Patient: last first (smi jo) · DOB · phone · MRN",
            id="booking-search",
            compact=True,
            max_length=60,
        )
        yield Static(id="booking-hint", classes="toolbar")
        yield StepTable(id="booking-table")
        yield Static(id="message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
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
                self.say(f"The type {self.moving.appt_type} is no longer offered.", "bold red")
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

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#message", Static).update(plain(text, style))

    def show_error(self, error: ServiceError) -> None:
        self.say(str(error), "bold red")
        self.app.bell()

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
        for label, width in columns:
            table.add_column(label, width=width)
        return table

    def show_step(self, step: str) -> None:
        if step != "patient" and (self.types is None or self.providers is None):
            self.step = "waiting"
            return
        self.step = step
        search = self.query_one(SearchInput)
        search.display = step == "patient"
        self.say("")
        if step == "patient":
            self._columns(("MRN", 7), ("Name", 28), ("DOB", 10), ("Phone", 12))
            self._fill_hits()
            search.focus()
        elif step == "type":
            table = self._columns(("Type", 16), ("Length", 7), ("Offered by", 40))
            everyone = [p.short_name for p in self.providers or ()]
            for t in self.types or ():
                names = [p.short_name for p in self.providers or () if p.id in t.provider_ids]
                who = ", ".join(names) if t.provider_ids else f"all ({len(everyone)})"
                table.add_row(plain(t.name), f"{t.default_minutes} min", plain(who), key=f"t{t.id}")
            chosen = self.kind.name if self.kind else DEFAULT_TYPE
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

    # --- step 1: the patient

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "booking-search":
            self.call_service(search_patients, event.value, then=self._got_hits, group="search")

    def _got_hits(self, hits: list[PatientHit]) -> None:
        self.hits = hits
        self.hits_for = self.query_one(SearchInput).value
        if self.step != "patient":
            return
        self._fill_hits()
        if self.pick_pending:
            self.pick_pending = False
            if hits:
                self.pick(f"h{hits[0].id}")
                self._replay_enters()
            else:
                self.enters_ahead = 0

    def _fill_hits(self) -> None:
        table = self.table
        table.reset()
        for h in self.hits:
            name = h.name + (" (restricted)" if h.restricted else "")
            table.add_row(
                plain(h.mrn), plain(name), f"{h.dob:%m/%d/%Y}", plain(h.phone), key=f"h{h.id}"
            )
        text = self.query_one(SearchInput).value.strip()
        if not text:
            hint = "Type the patient's name · Enter picks the first match · Ctrl+N: new patient"
        elif not self.hits:
            hint = "No patient matches. Ctrl+N registers a new patient."
        else:
            found = "First 50 found" if len(self.hits) >= 50 else f"{len(self.hits)} found"
            hint = f"{found} · Enter picks the highlighted · Down: choose"
        self._hint(hint)

    def submit_search(self) -> None:
        if self.pick_pending:
            self.enters_ahead += 1
            return
        text = self.query_one(SearchInput).value
        if not text.strip():
            return
        if self.hits_for == text and self.hits:
            self.pick(self.table.selected_key())
        elif self.hits_for == text:
            self.say("No patient matches. Ctrl+N registers a new patient.", "bold red")
        else:
            self.pick_pending = True  # the hits are on their way

    def _replay_enters(self) -> None:
        """Enters typed while waiting pick the highlighted type and provider; never a
        slot nobody has seen."""
        while self.enters_ahead and self.step in ("type", "provider"):
            self.enters_ahead -= 1
            self.pick(self.table.selected_key())
        self.enters_ahead = 0

    def action_to_results(self) -> None:
        if self.table.row_count:
            self.table.focus()

    def action_new_patient(self) -> None:
        self.app.push_screen(PatientFormScreen(None), self._registered)

    def _registered(self, chart: PatientChart | bool | None) -> None:
        if isinstance(chart, PatientChart):
            self.patient = (chart.id, chart.name)
            self.say(f"Registered {chart.name} (MRN {chart.mrn}).", "green")
            self.show_step("type")

    # --- picking a row

    def pick(self, key: str | None) -> None:
        if not key:
            return
        kind, value = key[0], key[1:]
        if self.step == "patient" and kind == "h":
            hit = next((h for h in self.hits if h.id == int(value)), None)
            if hit is not None:
                self.patient = (hit.id, hit.name)
                self.show_step("type")
        elif self.step == "type" and kind == "t":
            self.kind = next(t for t in self.types or () if t.id == int(value))
            offering = {p.id for p in self._offering()}
            if self.filter.provider_id not in offering:
                self.filter = SlotFilter()
            self.show_step("provider")
        elif self.step == "provider" and kind == "p":
            provider_id = None if value == "any" else int(value)
            self.filter = SlotFilter(provider_id=provider_id)
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

    # --- step 4: open slots

    def load_slots(self) -> None:
        if self.kind is None:
            return
        self.slots_loading = True
        self._hint("Finding open slots…")
        self.call_service(
            find_open_slots,
            self.kind.id,
            self.filter,
            self.limit,
            then=self._got_slots,
            group="slots",
        )

    def _got_slots(self, slots: list[Slot]) -> None:
        self.slots_loading = False
        self._show_slots(slots)
        self.table.move_cursor(row=self.cursor_after_load)
        self.cursor_after_load = 0

    def _show_slots(self, slots: list[Slot]) -> None:
        self.slots = slots
        table = self.table
        table.reset()
        for i, s in enumerate(slots):
            table.add_row(
                f"{s.starts_at:%a %m/%d}",
                f"{s.starts_at:%H:%M}",
                plain(s.provider),
                f"{s.minutes} min",
                key=f"s{i}",
            )
        f = self.filter
        earliest = f"from {f.earliest:%m/%d/%Y}" if f.earliest else "from now"
        found = f"{len(slots)} open" if slots else "No open slot in 90 days"
        self._hint(
            f"{found} · {PART_LABELS[f.part_of_day]} · {weekdays_label(f.weekdays)} · "
            f"{earliest} · Enter books"
        )
        self._update_summary()

    def _refilter(self, **changes) -> None:
        self.filter = replace(self.filter, **changes)
        self.limit = SLOT_PAGE
        self.cursor_after_load = 0
        self.load_slots()
        self._update_summary()

    def action_part_of_day(self) -> None:
        nxt = PARTS[(PARTS.index(self.filter.part_of_day) + 1) % len(PARTS)]
        self._refilter(part_of_day=nxt)

    def action_cycle_provider(self) -> None:
        ids = [None, *(p.id for p in self._offering())]
        current = ids.index(self.filter.provider_id) if self.filter.provider_id in ids else 0
        self._refilter(provider_id=ids[(current + 1) % len(ids)])

    def action_more(self) -> None:
        self.limit += SLOT_PAGE
        self.cursor_after_load = self.table.cursor_row
        self.load_slots()

    def action_weekdays(self) -> None:
        days = "" if self.filter.weekdays == "0123456" else self.filter.weekdays

        def submit(actor, values):
            return parse_weekdays("days", values["days"])

        self.app.push_screen(
            FormDialog(
                "Which days of the week",
                [FieldSpec("days", "Days", days, placeholder="024 or Mon,Wed")],
                submit,
                hint="Digits (Mon = 0) or Mon,Wed or mon-fri; blank = every day · Esc cancel",
            ),
            lambda days: days and self._refilter(weekdays=days),
        )

    def action_earliest(self) -> None:
        def submit(actor, values):
            if not values["date"].strip():
                return clock.today()
            return parse_day("date", values["date"], label="Earliest")

        self.app.push_screen(
            FormDialog(
                "Earliest date",
                [FieldSpec("date", "From", placeholder="t+2w, mon, 12/24")],
                submit,
                hint="t, t+1, t+2w, 12/24, 2026-12-24; blank = today · Enter · Esc cancel",
            ),
            lambda day: day and self._refilter(earliest=day),
        )

    # --- booking

    def book(self, slot: Slot) -> None:
        if self.moving is not None:
            self.call_service(
                reschedule,
                self.moving.id,
                self.moving.version,
                slot.starts_at,
                slot.provider_id,
                then=self.dismiss,
                failed=self._refused,
                group="write",
            )
        elif self.patient is not None and self.kind is not None:
            self.call_service(
                book_appointment,
                self.patient[0],
                slot.provider_id,
                self.kind.id,
                slot.starts_at,
                then=self.dismiss,
                failed=self._refused,
                group="write",
            )

    def _refused(self, error: ServiceError) -> None:
        self.show_error(error)
        if isinstance(error, SlotTaken):
            # Someone else took it: offer the next open slots instead, the first highlighted.
            self._show_slots(error.alternatives)
            self.table.move_cursor(row=0)
            self._hint(f"{len(error.alternatives)} other open slots · Enter books")

    def action_override(self) -> None:
        """Book a time the slot list does not offer (outside hours, overbooking)."""
        if self.kind is None or self.patient is None:
            return
        options = [(p.short_name, str(p.id)) for p in self._offering()]
        highlighted = self.slots[self.table.cursor_row] if self.slots else None
        provider_id = self.filter.provider_id or (highlighted.provider_id if highlighted else None)
        default = str(provider_id) if provider_id else options[0][1]
        when = f"{highlighted.starts_at:%m/%d %H:%M}" if highlighted else ""
        moving, patient_id, type_id = self.moving, self.patient[0], self.kind.id
        minutes = moving.minutes if moving is not None else self.kind.default_minutes

        def submit(actor, values):
            starts = parse_when("when", values["when"])
            reason = values["reason"].strip()
            if not reason:
                raise ValidationError.one("reason", "Say why the usual rules do not apply.")
            provider_id = int(values["provider"])
            # Into a vacation or a closed day: ask again, naming it, before booking.
            away = absences_during(actor, provider_id, starts, minutes)
            if away:
                return AbsenceQuestion(starts, provider_id, reason, tuple(away))
            try:
                if moving is not None:
                    return reschedule(
                        actor, moving.id, moving.version, starts, int(values["provider"]), reason
                    )
                return book_appointment(
                    actor, patient_id, int(values["provider"]), type_id, starts, override=reason
                )
            except ValidationError as exc:
                errors = {OVERRIDE_FIELDS.get(k, k): v for k, v in exc.errors.items()}
                raise ValidationError(errors) from exc

        self.app.push_screen(
            FormDialog(
                "Override: book outside the open slots",
                [
                    FieldSpec("when", "Date and time", when, placeholder="e.g. 12/24 9:10"),
                    FieldSpec("provider", "Provider", default, options=options),
                    FieldSpec(
                        "reason", "Reason", placeholder="e.g. urgent, seen today", max_length=150
                    ),
                ],
                submit,
                hint="Outside hours or over another booking, with a reason ('overbook' to "
                "double-book) · Enter: next / book · Esc: cancel",
            ),
            self._overridden,
        )

    def _overridden(self, answer: ScheduleRow | AbsenceQuestion | None) -> None:
        if isinstance(answer, AbsenceQuestion):
            self._ask_about_absence(answer)
        elif answer is not None:
            self.dismiss(answer)

    def _ask_about_absence(self, question: AbsenceQuestion) -> None:
        """The override question again, naming the vacation or closed day it lands in."""
        names = {p.id: p.short_name for p in self.providers or []}
        who = self.moving.patient if self.moving else (self.patient or (0, ""))[1]
        title = " ".join(a.sentence() for a in question.absences) + (
            f" Book {who} {question.starts_at:%a %m/%d/%Y %H:%M} with "
            f"{names.get(question.provider_id, 'this provider')} anyway?"
        )

        def answered(key: str | None) -> None:
            if key != "book":
                self.say("Not booked: choose another time.")
                return
            if self.moving is not None:
                self.call_service(
                    reschedule,
                    self.moving.id,
                    self.moving.version,
                    question.starts_at,
                    question.provider_id,
                    question.reason,
                    then=self.dismiss,
                    failed=self._refused,
                    group="write",
                )
            elif self.patient is not None and self.kind is not None:
                self.call_service(
                    book_appointment,
                    self.patient[0],
                    question.provider_id,
                    self.kind.id,
                    question.starts_at,
                    override=question.reason,
                    then=self.dismiss,
                    failed=self._refused,
                    group="write",
                )

        self.app.push_screen(
            PickDialog(
                title,
                [("Answer", 40)],
                [("book", ("Book anyway (override)",)), ("back", ("No, choose another time",))],
                hint="Enter: choose · Esc: do not book",
            ),
            answered,
        )


@dataclass(frozen=True)
class AbsenceQuestion:
    """An override that lands in blocked time: asked again before anything is booked."""

    starts_at: dt.datetime
    provider_id: int
    reason: str
    absences: tuple[Absence, ...]


# --- a one-field dialog ---------------------------------------------------------------


def choose_and_call(
    screen: ServiceCaller,
    title: str,
    field: FieldSpec,
    call: Callable[..., object],
    then: Callable[[object], None],
    hint: str = "",
) -> None:
    """A one-field dialog (a choice or an entry) whose value is handed to *call*."""

    def submit(actor, values):
        return call(actor, values[field.name])

    def done(result: object) -> None:
        if result is not None:
            then(result)

    screen.app.push_screen(FormDialog(title, [field], submit, hint=hint), done)
