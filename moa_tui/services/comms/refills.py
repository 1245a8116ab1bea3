"""Refill requests taken on the phone (issue 12 items 7, 10): the medication (and the dose
when the caller knows it), the pharmacy and its phone, the patient; routed as a message
to the prescribing provider's inbox. Each step is kept with who and when: requested ->
sent to the provider -> approved or denied -> pharmacy called / done, so the desk can
tell a caller where their request stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.changes import MESSAGES
from ...db.models import (
    Appointment,
    InboxMessage,
    Patient,
    Provider,
    RefillRequest,
    RefillStep,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text, format_phone, parse_phone
from .messages import TEXT_MAX, _collect, _patient_id
from .routing import next_weekday_end, parse_route

REFILL_FIELDS = (
    "caller",
    "callback",
    "medication",
    "dose",
    "pharmacy",
    "pharmacy_phone",
    "prescriber",
    "note",
)
STEP_LABELS = {
    "requested": "Requested",
    "sent": "Sent to provider",
    "approved": "Approved",
    "denied": "Denied",
    "done": "Pharmacy called, done",
}
# What may come after each status (the desk records the provider's answer for them).
NEXT_STEPS = {
    "requested": ("sent",),
    "sent": ("approved", "denied"),
    "approved": ("done",),
    "denied": ("done",),
    "done": (),
}
NO_PATIENT = "A refill request needs the patient: search for them first."


@dataclass(frozen=True)
class LoggedRefill:
    id: int
    message_id: int
    medication: str
    inbox: str  # the prescriber's short name


@dataclass(frozen=True)
class RefillStepRow:
    status: str
    label: str
    staff: str
    at: dt.datetime  # local
    note: str


@dataclass(frozen=True)
class RefillRow:
    id: int
    version: int
    patient_id: int
    patient: str  # "Last, First"
    medication: str
    dose: str
    pharmacy: str
    pharmacy_phone: str  # formatted
    prescriber: str
    status: str
    steps: tuple[RefillStepRow, ...]

    @property
    def status_label(self) -> str:
        return STEP_LABELS[self.status]

    @property
    def last_step(self) -> RefillStepRow:
        return self.steps[-1]

    @property
    def next_steps(self) -> tuple[str, ...]:
        return NEXT_STEPS[self.status]

    def where_it_stands(self) -> str:
        """What the desk tells a caller: 'Approved 11/18/2026 10:42 by M. Diaz'."""
        last = self.last_step
        return f"{last.label} {last.at:%m/%d/%Y %H:%M} by {last.staff}"


@dataclass(frozen=True)
class PrescriberChoices:
    choices: list[tuple[str, str]]  # (label, "provider:<id>")
    default: str  # the provider the patient saw last (or will see next), else the first


def _rows(refills: list[RefillRequest]) -> list[RefillRow]:
    """Rows with their steps, read in one query for the lot."""
    steps: dict[int, list[RefillStepRow]] = {r.id: [] for r in refills}
    if refills:
        query = (
            RefillStep.select(RefillStep, StaffMember)
            .join(StaffMember)
            .where(RefillStep.refill.in_(list(steps)))
            .order_by(RefillStep.id)
        )
        for s in query:
            steps[s.refill_id].append(
                RefillStepRow(
                    s.status,
                    STEP_LABELS[s.status],
                    s.staff.short_name,
                    clock.utc_to_local(s.at),
                    s.note,
                )
            )
    return [
        RefillRow(
            r.id,
            r.version,
            r.patient_id,
            f"{r.patient.last_name}, {r.patient.first_name}",
            r.medication,
            r.dose,
            r.pharmacy,
            format_phone(r.pharmacy_phone),
            r.prescriber.short_name if r.prescriber_id else "",
            r.status,
            tuple(steps[r.id]),
        )
        for r in refills
    ]


def _prescriber(errors: dict, code: str | None, actor: StaffMember) -> int | None:
    if not (code or "").strip():
        errors["prescriber"] = "Choose the prescribing provider."
        return None
    try:
        route = parse_route("prescriber", actor, code)
    except ValidationError:
        route = {}
    if not route.get("to_provider"):
        errors["prescriber"] = "Choose the prescribing provider from the list."
        return None
    return route["to_provider"]


@writer("comms.write", changes=(MESSAGES,))
def log_refill(actor: StaffMember, values: dict, patient_id: int | None) -> LoggedRefill:
    """A refill request from a call: caller and callback number (required, as for any
    call), the medication (required), the dose if known, the pharmacy and its phone
    (required), the prescriber (a "provider:<id>" choice) and a note. It goes to the
    prescriber's inbox, marked sent. Every bad field is named at once; nothing is
    written until all are right."""
    if not isinstance(values, dict):
        raise ValidationError.one("medication", "Nothing to save.")
    v = {k: values.get(k) for k in REFILL_FIELDS}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    pid = _patient_id(errors, patient_id)
    if pid is None and "patient_id" not in errors:
        errors["patient_id"] = NO_PATIENT
    caller = _collect(
        errors, clean_text, "caller", v["caller"], max_len=80, required=True, label="Caller"
    )
    callback = _collect(errors, parse_phone, "callback", v["callback"], label="Callback")
    if callback == "" and "callback" not in errors:
        errors["callback"] = "Callback number is required (10 digits with the area code)."
    medication = _collect(
        errors,
        clean_text,
        "medication",
        v["medication"],
        max_len=120,
        required=True,
        label="Medication",
    )
    dose = _collect(errors, clean_text, "dose", v["dose"], max_len=60, label="Dose")
    pharmacy = _collect(
        errors, clean_text, "pharmacy", v["pharmacy"], max_len=80, required=True, label="Pharmacy"
    )
    pharmacy_phone = _collect(
        errors, parse_phone, "pharmacy_phone", v["pharmacy_phone"], label="Pharmacy phone"
    )
    if pharmacy_phone == "" and "pharmacy_phone" not in errors:
        errors["pharmacy_phone"] = "Pharmacy phone is required (10 digits with the area code)."
    prescriber = _prescriber(errors, v["prescriber"], actor)
    note = _collect(errors, clean_text, "note", v["note"], max_len=TEXT_MAX, label="Note")
    if errors:
        raise ValidationError(errors)
    patient = require_access(actor, pid, "refill request")
    route = parse_route("prescriber", actor, v["prescriber"])
    now = clock.now_utc()
    what = f"{medication} {dose}".strip()
    m = InboxMessage.create(
        kind="refill",
        caller=caller,
        callback=callback,
        patient=patient.id,
        reason=f"Refill: {what}"[:120],
        text=f"Pharmacy: {pharmacy} {format_phone(pharmacy_phone)}" + (f"\n{note}" if note else ""),
        due_at=clock.local_to_utc(next_weekday_end(clock.now_local().naive)),
        created_by=actor,
        created_at=now,
        list_rank=1,
        **route,
    )
    r = RefillRequest.create(
        patient=patient.id,
        message=m.id,
        medication=medication,
        dose=dose,
        pharmacy=pharmacy,
        pharmacy_phone=pharmacy_phone,
        prescriber=prescriber,
        status="sent",
        created_by=actor,
        created_at=now,
        changed_at=now,
    )
    doctor = Provider.get_by_id(prescriber).short_name
    RefillStep.create(refill=r.id, status="requested", note=note, staff=actor, at=now)
    RefillStep.create(refill=r.id, status="sent", note=f"to {doctor}'s inbox", staff=actor, at=now)
    audit(
        actor,
        "refill.log",
        patient_id=patient.id,
        entity="refill_request",
        entity_id=r.id,
        detail=what[:200],
    )
    return LoggedRefill(r.id, m.id, what, doctor)


@writer("comms.write", changes=(MESSAGES,))
def step_refill(
    actor: StaffMember, refill_id: int, version: int, status: str, note: str = ""
) -> RefillRow:
    """The next step of a refill request, recorded by *actor*: sent to the provider,
    approved or denied (the provider's answer: a denial says why), or done once the
    pharmacy (or the patient) was called. Its message follows: an answer goes back to
    the front desk's inbox to call the pharmacy; done closes it with the steps noted."""
    r = get_or_refuse(RefillRequest, refill_id, "refill request")
    require_access(actor, r.patient_id, "refill request")
    if r.version != version:
        raise Conflict("Someone else changed this refill request meanwhile; it was reloaded.")
    status = (status if isinstance(status, str) else "").strip().lower()
    allowed = NEXT_STEPS[r.status]
    if status not in allowed:
        nexts = " or ".join(STEP_LABELS[s].lower() for s in allowed) or "nothing: it is done"
        raise ValidationError.one(
            "status", f"This request is {STEP_LABELS[r.status].lower()}; next comes {nexts}."
        )
    note = clean_text("note", note if isinstance(note, str) else "", max_len=300, label="Note")
    if status == "denied" and not note:
        raise ValidationError.one("note", "Say why it was denied (what the provider said).")
    now = clock.now_utc()
    RefillRequest.update(status=status, changed_at=now, version=RefillRequest.version + 1).where(
        RefillRequest.id == r.id
    ).execute()
    RefillStep.create(refill=r.id, status=status, note=note, staff=actor, at=now)
    if r.message_id:
        _follow(actor, r.message_id, status, note, now)
    audit(
        actor,
        "refill.step",
        patient_id=r.patient_id,
        entity="refill_request",
        entity_id=r.id,
        detail=status,
    )
    return _rows([RefillRequest.get_by_id(r.id)])[0]


def _follow(actor: StaffMember, message_id: int, status: str, note: str, now) -> None:
    """The refill's message goes where the next step is done."""
    said = STEP_LABELS[status] + (f": {note}" if note else "")
    if status == "done":
        changes = dict(
            status="done", list_rank=2, response=said[:TEXT_MAX], closed_by=actor.id, closed_at=now
        )
    elif status in ("approved", "denied"):
        changes = dict(
            status="open",
            list_rank=1,
            taken_by=None,
            taken_at=None,
            response=said[:TEXT_MAX],
            **parse_route("route", actor, "group:front desk"),
        )
    else:
        return
    InboxMessage.update(**changes, version=InboxMessage.version + 1).where(
        InboxMessage.id == message_id
    ).execute()


@writer("comms.read", changes=())  # a writer: a restricted record's read is audited
def patient_refills(actor: StaffMember, patient_id: int) -> list[RefillRow]:
    """The patient's refill requests, the newest first, each with its steps."""
    patient = require_access(actor, patient_id, "refill requests")
    query = (
        RefillRequest.select(RefillRequest, Patient)
        .join(Patient)
        .where(RefillRequest.patient == patient.id)
        .order_by(RefillRequest.id.desc())
        .limit(100)
    )
    return _rows(list(query))


@writer("comms.read", changes=())  # a writer: a restricted record's read is audited
def refill_of_message(actor: StaffMember, message_id: int) -> RefillRow:
    """The refill request a refill message in an inbox stands for."""
    m = get_or_refuse(InboxMessage, message_id, "message")
    r = RefillRequest.get_or_none(RefillRequest.message == m.id)
    if r is None:
        raise ValidationError.one("message", "That message is not a refill request.")
    require_access(actor, r.patient_id, "refill request")
    return _rows([r])[0]


@writer("comms.read", changes=())  # a writer: a restricted record's read is audited
def prescriber_choices(actor: StaffMember, patient_id: int) -> PrescriberChoices:
    """The providers to choose the prescriber from, the patient's own first: the one
    they saw last (or, new to the practice, will see next)."""
    patient = require_access(actor, patient_id, "refill request")
    providers = list(Provider.select().where(Provider.active).order_by(Provider.short_name))
    choices = [(p.short_name, f"provider:{p.id}") for p in providers]
    seen = (
        Appointment.select(Appointment.provider)
        .where(
            (Appointment.patient == patient.id) & (Appointment.starts_at <= clock.now_local().naive)
        )
        .order_by(Appointment.starts_at.desc())
        .first()
    ) or (
        Appointment.select(Appointment.provider)
        .where(Appointment.patient == patient.id)
        .order_by(Appointment.starts_at)
        .first()
    )
    codes = {code for _l, code in choices}
    default = f"provider:{seen.provider_id}" if seen else ""
    if default not in codes:
        default = choices[0][1] if choices else ""
    return PrescriberChoices(choices, default)
