"""Recalls (issue 12 items 5, 10): patients due back (an annual physical, a 6-month
follow-up) with a due date, set at check-out or by hand from the chart; the worklist of
recalls due, a keyset page at a time; the calls made and how they went; and the recall
closed, linked to the visit, in the transaction that books it (book_appointment's
*recall_id*)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Tuple

from ...db.models import Appointment, Patient, Provider, Recall, RecallCall, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..patients.privacy import require_access
from ..validate import check_limit, clean_text, format_phone, parse_date

KIND_LABELS = {"annual": "Annual physical", "six_month": "6-month follow-up", "other": "Other"}
# How far ahead a recall of each kind is due when the date is left blank.
KIND_MONTHS = {"annual": 12, "six_month": 6}
OUTCOME_LABELS = {
    "reached": "Reached",
    "left_message": "Left message",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "declined": "Declined",
}
STATUS_LABELS = {"open": "Open", "booked": "Booked", "declined": "Declined", "removed": "Removed"}
WHEN_LABELS = {"all": "All open", "overdue": "Overdue", "month": "Due this month"}
RECALL_FIELDS = ("kind", "due", "provider", "note")


@dataclass(frozen=True)
class RecallRow:
    id: int
    patient_id: int
    patient: str  # "Last, First", as every list of patients shows it
    patient_dob: dt.date | None
    phones: str
    kind: str  # its label
    provider_id: int | None
    provider: str  # "" when any provider will do
    due_on: dt.date
    note: str
    status: str
    attempts: int
    last_outcome: str  # its label, "" before the first call
    appointment_id: int | None
    version: int

    @property
    def overdue(self) -> bool:
        return self.status == "open" and self.due_on < clock.today()


@dataclass(frozen=True)
class RecallFilter:
    when: str = "all"  # all, overdue, month (WHEN_LABELS)
    provider_id: int | None = None


@dataclass(frozen=True)
class RecallPage:
    rows: list[RecallRow]
    next_after: tuple | None  # (due_on, id) of the last row, when there is more


def phones_of(p: Patient) -> str:
    """The patient's phones as the call lists show them: "m (555) 201-3344 / h ..."."""
    shown = [f"{label} {format_phone(n)}" for label, n in (("m", p.phone_mobile),
             ("h", p.phone_home), ("w", p.phone_work)) if n]  # fmt: skip
    return " / ".join(shown) or "no phone"


def _row(r: Recall) -> RecallRow:
    p = r.patient
    return RecallRow(
        r.id, p.id, f"{p.last_name}, {p.first_name}", p.dob, phones_of(p),
        KIND_LABELS.get(r.kind, r.kind), r.provider_id,
        r.provider.short_name if r.provider_id else "", r.due_on, r.note, r.status, r.attempts,
        OUTCOME_LABELS.get(r.last_outcome, ""), r.appointment_id, r.version,
    )  # fmt: skip


def _kind(value) -> str:
    text = str(value or "").strip().casefold()
    for code, label in KIND_LABELS.items():
        if text in (code, label.casefold()):
            return code
    raise ValidationError.one("kind", "What is the recall for: " + ", ".join(
        label.lower() for label in KIND_LABELS.values()) + "?")  # fmt: skip


def _provider(value) -> Provider | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ValidationError.one("provider", "Choose a provider from the list, or none.")
    provider = Provider.get_or_none(Provider.id == int(text))
    if provider is None or not provider.active:
        raise ValidationError.one("provider", "That provider no longer sees patients.")
    return provider


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* that many months on (the 31st becomes the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_recall(values: dict) -> dict:
    """The recall's kind, due date (blank: a year or six months from today by kind),
    provider (blank: any) and note, checked; every bad field's message by its name. A due
    date in the past is refused: a recall is for a visit still to come."""
    if not isinstance(values, dict):
        raise ValidationError.one("kind", "Nothing to save.")
    v = {k: values.get(k) for k in RECALL_FIELDS}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    today = clock.today()
    errors: dict[str, str] = {}
    out: dict = {}

    def due():
        text = (v["due"] or "").strip()
        if not text:
            if out.get("kind") not in KIND_MONTHS:
                raise ValidationError.one("due", "When is the patient due back? e.g. t+3m")
            return add_months(today, KIND_MONTHS[out["kind"]])
        day = parse_date("due", text, today=today, label="Due date")
        if day < today:
            raise ValidationError.one(
                "due", f"{day:%m/%d/%Y} has passed: a recall is due today or later."
            )
        return day

    for key, check in (
        ("kind", lambda: _kind(v["kind"])),
        ("due", due),
        ("provider", lambda: _provider(v["provider"])),
        ("note", lambda: clean_text("note", v["note"], max_len=200, label="Note")),
    ):
        try:
            out[key] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return out


@writer("schedule.write")
def add_recall(
    actor: StaffMember, patient_id: int, values: dict, visit_id: int | None = None
) -> RecallRow:
    """The patient is due back: a recall of a kind, due on a date (today or later), with a
    provider or any, and a note. *visit_id*: set at that visit's check-out. Refuses a
    second open recall of the same kind (the first one names its date)."""
    v = check_recall(values)
    patient = require_access(actor, patient_id, "recalls")
    visit = None
    if visit_id is not None:
        visit = get_or_refuse(Appointment, visit_id, "visit")
        if visit.patient_id != patient.id:
            raise ServiceError("That visit is another patient's.")
    same = Recall.get_or_none(
        (Recall.patient == patient.id) & (Recall.status == "open") & (Recall.kind == v["kind"])
    )
    if same is not None:
        raise ValidationError.one(
            "kind",
            f"{patient.first_name} {patient.last_name} already has an open "
            f"{KIND_LABELS[v['kind']].lower()} recall, due {same.due_on:%m/%d/%Y}.",
        )
    r = Recall.create(
        patient=patient, kind=v["kind"], provider=v["provider"], due_on=v["due"], note=v["note"],
        set_at_visit=visit, created_by=actor, created_at=clock.now_utc(),
    )  # fmt: skip
    detail = f"{r.kind} due {r.due_on:%Y-%m-%d}" + (" at check-out" if visit else "")
    audit(actor, "recall.add", patient_id=patient.id, entity="recall", entity_id=r.id,
          detail=detail)  # fmt: skip
    return _row(r)


def _worklist_query(f: RecallFilter):
    query = (
        Recall.select(Recall, Patient, Provider)
        .join_from(Recall, Patient)
        .join_from(Recall, Provider, JOIN.LEFT_OUTER)
        .where(Recall.status == "open")
    )
    today = clock.today()
    if f.when == "overdue":
        query = query.where(Recall.due_on < today)
    elif f.when == "month":
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        query = query.where((Recall.due_on >= today.replace(day=1)) & (Recall.due_on <= last))
    if f.provider_id is not None:
        query = query.where(Recall.provider == f.provider_id)
    return query


@reader("schedule.read")
def recall_worklist(
    actor: StaffMember, f: RecallFilter = RecallFilter(), after: tuple | None = None,
    limit: int = 50,
) -> RecallPage:  # fmt: skip
    """Open recalls, the earliest due first: all of them, the overdue ones or those due
    this month, for one provider or all; a keyset page at a time (after = (due_on, id))."""
    limit = check_limit(limit)
    if not isinstance(f, RecallFilter) or f.when not in WHEN_LABELS:
        raise ValidationError.one("when", "Show: " + ", ".join(WHEN_LABELS.values()).lower() + ".")
    if f.provider_id is not None and (isinstance(f.provider_id, bool)
                                      or not isinstance(f.provider_id, int)):  # fmt: skip
        raise ValidationError.one("provider", "Choose a provider from the list, or all.")
    query = _worklist_query(f)
    if after is not None:
        if (not isinstance(after, tuple) or len(after) != 2
                or not isinstance(after[0], dt.date) or not isinstance(after[1], int)):  # fmt: skip
            raise ValidationError.one("after", "That page is out of date; start again.")
        query = query.where(Tuple(Recall.due_on, Recall.id) > Tuple(*after))
    found = list(query.order_by(Recall.due_on, Recall.id).limit(limit + 1))
    rows = [_row(r) for r in found[:limit]]
    more = len(found) > limit and rows
    return RecallPage(rows, (rows[-1].due_on, rows[-1].id) if more else None)


def _open_recall(recall_id: int, version: int | None) -> Recall:
    r = get_or_refuse(Recall, recall_id, "recall")
    if r.status != "open":
        raise Conflict(
            f"This recall is {STATUS_LABELS.get(r.status, r.status).lower()} already; "
            "the list was reloaded."
        )
    if version is not None and r.version != version:
        raise Conflict("Someone else changed this recall; the list was reloaded.")
    return r


def _close(actor: StaffMember, r: Recall, status: str, **more) -> None:
    n = (
        Recall.update(status=status, closed_by=actor, closed_at=clock.now_utc(),
                      version=Recall.version + 1, **more)
        .where((Recall.id == r.id) & (Recall.version == r.version))
        .execute()
    )  # fmt: skip
    if n != 1:
        raise Conflict("Someone else changed this recall; the list was reloaded.")


@writer("schedule.write")
def log_recall_call(
    actor: StaffMember, recall_id: int, version: int, outcome: str, note: str = ""
) -> RecallRow:
    """A call made about an open recall and how it went; the attempts are counted. The
    patient declining closes the recall; the other outcomes keep it on the list."""
    if outcome not in OUTCOME_LABELS:
        raise ValidationError.one("outcome", "Choose what happened on the call.")
    note = clean_text("note", note, max_len=200, label="Note")
    r = _open_recall(recall_id, version)
    now = clock.now_utc()
    RecallCall.create(recall=r, outcome=outcome, note=note, staff=actor, at=now)
    changes = dict(attempts=Recall.attempts + 1, last_outcome=outcome, last_call_at=now)
    if outcome == "declined":
        _close(actor, r, "declined", **changes)
    else:
        n = (
            Recall.update(version=Recall.version + 1, **changes)
            .where((Recall.id == r.id) & (Recall.version == r.version))
            .execute()
        )
        if n != 1:
            raise Conflict("Someone else changed this recall; the list was reloaded.")
    audit(actor, "recall.call", patient_id=r.patient_id, entity="recall", entity_id=r.id,
          detail=outcome)  # fmt: skip
    return _row(Recall.get_by_id(r.id))


@writer("schedule.write")
def remove_recall(actor: StaffMember, recall_id: int, version: int, reason: str) -> RecallRow:
    """Take an open recall off the list (the patient moved away, set by mistake), with
    the reason."""
    reason = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    r = _open_recall(recall_id, version)
    _close(actor, r, "removed", note=(f"{r.note} · " if r.note else "")[:100] + reason[:95])
    audit(actor, "recall.remove", patient_id=r.patient_id, entity="recall", entity_id=r.id,
          detail=reason)  # fmt: skip
    return _row(Recall.get_by_id(r.id))


@writer("schedule.read", changes=())  # a writer: a restricted record's read is audited
def patient_recalls(actor: StaffMember, patient_id: int) -> list[RecallRow]:
    """The patient's recalls, the open ones first, each by due date."""
    patient = require_access(actor, patient_id, "recalls")
    rows = (
        Recall.select(Recall, Patient, Provider)
        .join_from(Recall, Patient)
        .join_from(Recall, Provider, JOIN.LEFT_OUTER)
        .where(Recall.patient == patient.id)
        .order_by(Recall.status != "open", Recall.due_on.desc(), Recall.id)
        .limit(200)
    )
    return [_row(r) for r in rows]


def close_for_booking(actor: StaffMember, recall_id: int, visit: Appointment) -> None:
    """Close the open recall *recall_id* as booked, linked to *visit*: inside
    book_appointment's transaction, so a visit is never booked from a recall that stays
    open, nor a recall closed without its visit. Refuses a recall closed meanwhile (the
    booking is then not made either) or another patient's."""
    r = _open_recall(recall_id, None)
    if r.patient_id != visit.patient_id:
        raise ServiceError("That recall is another patient's.")
    _close(actor, r, "booked", appointment=visit)
    audit(actor, "recall.booked", patient_id=r.patient_id, entity="recall", entity_id=r.id,
          detail=f"appointment {visit.id}")  # fmt: skip
