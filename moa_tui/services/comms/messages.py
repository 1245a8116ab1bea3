"""Phone messages: log a call (triaged on the way in), the inboxes, take, route and
close with the response noted; the urgent open calls every desk is shown."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

from peewee import JOIN, Tuple

from ...db.changes import MESSAGES
from ...db.models import InboxMessage, Patient, Provider, StaffMember
from .. import clock
from ..core import MAX_ID, audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import check_limit, clean_text, format_phone, parse_phone
from .routing import groups_of, parse_due, parse_route, route_choices, route_label
from .triage import current_triage, red_flags_in

TEXT_MAX = 2000
CALL_FIELDS = ("caller", "callback", "patient_id", "reason", "text", "route", "due")
HIDDEN = "Restricted record: open it to read"
REFILL_STEPS = "A refill request is done through its steps: f on it, then the next step."
# Named, not "!= done", so each inbox's (to_..., status) index finds its open items.
NOT_DONE = ("open", "in_progress")


@dataclass(frozen=True)
class LoggedCall:
    id: int
    urgent: bool
    red_flags: tuple[str, ...]
    advice: str  # the protocol text when urgent, else ""
    inbox: str


@dataclass(frozen=True)
class InboxRow:
    id: int
    version: int
    kind: str  # call, task
    urgent: bool
    status: str  # open, in_progress, done
    created: dt.datetime  # local
    due: dt.datetime | None  # local
    overdue: bool
    caller: str
    callback: str  # formatted
    patient: str  # "Last, First" or ""
    reason: str  # HIDDEN for a restricted record
    inbox: str
    taken_by: str
    patient_id: int | None = None
    page_key: tuple | None = None  # (rank, due time UTC, id): inbox_rows' *after*

    @property
    def status_label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done"}[self.status]


@dataclass(frozen=True)
class MessageDetail:
    row: InboxRow
    text: str
    red_flags: str
    response: str
    created_by: str
    closed_by: str
    closed_at: dt.datetime | None  # local


def _local(utc: dt.datetime | None) -> dt.datetime | None:
    return clock.utc_to_local(utc) if utc else None


def _inbox_row(m: InboxMessage, now: dt.datetime) -> InboxRow:
    p = m.patient if m.patient_id else None
    return InboxRow(
        id=m.id,
        version=m.version,
        kind=m.kind,
        urgent=m.urgent,
        status=m.status,
        created=_local(m.created_at),
        due=_local(m.due_at),
        overdue=bool(m.status != "done" and m.due_at and m.due_at < now),
        caller=m.caller,
        callback=format_phone(m.callback),
        patient=f"{p.last_name}, {p.first_name}" if p else "",
        reason=HIDDEN if p is not None and p.restricted else m.reason,
        inbox=route_label(m),
        taken_by=m.taken_by.short_name if m.taken_by_id else "",
        patient_id=m.patient_id,
        page_key=_page_key(m),
    )


def _patient_id(errors: dict, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        errors["patient_id"] = "Choose the patient from the search, or leave it empty."
        return None
    if not Patient.select().where(Patient.id == value).exists():
        errors["patient_id"] = "That patient no longer exists (the record may have been merged)."
        return None
    return value


def _collect(errors: dict, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        for field, message in exc.errors.items():
            errors.setdefault(field, message)
        return None


@writer("comms.write", changes=(MESSAGES,))
def log_call(actor: StaffMember, values: dict) -> LoggedCall:
    """Log a phone message: caller, callback number (required, 10 digits), linked patient
    (an id, or none: not a patient), reason, the message, whose inbox (a route code) and
    an optional due time. Red-flag words in the reason or the message make it urgent.
    Every bad field is named at once and nothing is written."""
    if not isinstance(values, dict):
        raise ValidationError.one("caller", "Nothing to save.")
    v = {k: values.get(k) for k in CALL_FIELDS}
    errors: dict[str, str] = {}
    text_of = {k: (v[k] if isinstance(v[k], str) or v[k] is None else str(v[k])) for k in v}
    caller = _collect(
        errors, clean_text, "caller", text_of["caller"], max_len=80, required=True, label="Caller"
    )
    callback = _collect(errors, parse_phone, "callback", text_of["callback"], label="Callback")
    if callback == "" and "callback" not in errors:
        errors["callback"] = "Callback number is required (10 digits with the area code)."
    patient_id = _patient_id(errors, v["patient_id"])
    reason = _collect(
        errors, clean_text, "reason", text_of["reason"], max_len=120, required=True,
        label="Reason",
    )  # fmt: skip
    text = _collect(errors, clean_text, "text", text_of["text"], max_len=TEXT_MAX, label="Message")
    route = _collect(errors, parse_route, "route", actor, text_of["route"])
    triage = current_triage()
    flags = red_flags_in(f"{reason or ''}\n{text or ''}", triage.red_flags)
    due = _collect(errors, parse_due, "due", text_of["due"], urgent=bool(flags))
    if errors:
        raise ValidationError(errors)
    m = InboxMessage.create(
        kind="call",
        caller=caller,
        callback=callback,
        patient=patient_id,
        reason=reason,
        text=text,
        urgent=bool(flags),
        list_rank=0 if flags else 1,
        red_flags="; ".join(flags)[:300],
        due_at=due,
        created_by=actor,
        created_at=clock.now_utc(),
        **route,
    )
    audit(
        actor, "call.log", patient_id=patient_id, entity="inbox_message", entity_id=m.id,
        detail="urgent" if flags else "",
    )  # fmt: skip
    m = InboxMessage.get_by_id(m.id)
    return LoggedCall(
        m.id, bool(flags), tuple(flags), triage.advice if flags else "", route_label(m)
    )


@reader("comms.read")
def inbox_choices(actor: StaffMember) -> list[tuple[str, str]]:
    """(label, route code) of every inbox a message can go to; "me" first."""
    return [("Me", "me"), *route_choices()]


BOXES = ("mine", "all")
PAGE_COLUMNS = (InboxMessage.list_rank, InboxMessage.due_at, InboxMessage.id)


def _box_keys(actor: StaffMember, box: str) -> list[str] | None:
    """The inbox_key of each inbox *box* shows ("mine": mine and my groups'), or None
    for every inbox."""
    if box == "mine":
        return [f"staff:{actor.id}", *(f"group:{g}" for g in groups_of(actor))]
    if box == "all":
        return None
    try:
        return [parse_route("box", actor, box)["inbox_key"]]
    except ValidationError:
        raise ValidationError.one("box", "There is no such inbox.") from None


def _box_filter(actor: StaffMember, box: str):
    keys = _box_keys(actor, box)
    return None if keys is None else InboxMessage.inbox_key.in_(keys)


def _query(actor: StaffMember, box: str):
    Taker = StaffMember.alias()  # noqa: N806
    To = StaffMember.alias()  # noqa: N806
    left = JOIN.LEFT_OUTER
    query = (
        InboxMessage.select(InboxMessage, Patient, Taker, To, Provider)
        .join_from(InboxMessage, Patient, left, on=(InboxMessage.patient == Patient.id))
        .join_from(
            InboxMessage, Taker, left, on=(InboxMessage.taken_by == Taker.id), attr="taken_by"
        )
        .join_from(InboxMessage, To, left, on=(InboxMessage.to_staff == To.id), attr="to_staff")
        .join_from(
            InboxMessage,
            Provider,
            left,
            on=(InboxMessage.to_provider == Provider.id),
            attr="to_provider",
        )
    )
    where = _box_filter(actor, box)
    return query if where is None else query.where(where)


def _check_after(after) -> tuple | None:
    """A page key as inbox_rows handed it out (rank, due time, id), or None."""
    if after is None:
        return None
    ok = (
        isinstance(after, tuple) and len(after) == 3 and after[0] in (0, 1, 2)
        and isinstance(after[1], dt.datetime) and isinstance(after[2], int)
        and not isinstance(after[2], bool) and 0 <= after[2] <= MAX_ID
    )  # fmt: skip
    if not ok:
        raise ValidationError.one("after", "That page of the inbox is gone; reload it.")
    return after


def _page_key(m: InboxMessage) -> tuple:
    return (m.list_rank, m.due_at, m.id)


@reader("comms.read")
def inbox_rows(
    actor: StaffMember,
    box: str = "mine",
    show_done: bool = False,
    limit: int = 200,
    after: tuple | None = None,
) -> list[InboxRow]:
    """An inbox ("mine": mine and my groups'; "all"; or a route code), a keyset page at
    a time: urgent calls nobody took first, then by due time; done ones only with
    *show_done*, after the rest. *after* is the last row's page_key (the next page).
    Each inbox is read along its (inbox_key, list_rank, due_at, id) index and "mine"'s
    two or three inboxes merged here, so no page sorts the whole inbox."""
    limit = check_limit(limit, maximum=500)
    after = _check_after(after)
    keys = _box_keys(actor, box)
    top = 2 if show_done else 1

    def page(where) -> list[InboxMessage]:
        query = _query(actor, "all").where(where & (InboxMessage.list_rank <= top))
        if after is not None:
            query = query.where(Tuple(*PAGE_COLUMNS) > Tuple(*after))
        return list(query.order_by(*PAGE_COLUMNS).limit(limit))

    if keys is None:
        found = page(InboxMessage.list_rank >= 0)
    else:
        found = list(heapq.merge(*(page(InboxMessage.inbox_key == k) for k in keys),
                                 key=_page_key))[:limit]  # fmt: skip
    now = clock.now_utc()
    return [_inbox_row(m, now) for m in found]


@dataclass(frozen=True)
class InboxCounts:
    open: int
    urgent: int  # urgent and not yet taken, anywhere
    overdue: int


@reader("comms.read")
def inbox_counts(actor: StaffMember) -> InboxCounts:
    """Open items in my inbox (mine and my groups'), the urgent calls nobody has taken yet
    (in any inbox: every desk sees them), and my overdue items."""
    mine = InboxMessage.select().where(
        _box_filter(actor, "mine") & InboxMessage.status.in_(NOT_DONE)
    )
    overdue = mine.where(InboxMessage.due_at < clock.now_utc()).count()
    urgent = InboxMessage.select().where(InboxMessage.urgent & (InboxMessage.status == "open"))
    return InboxCounts(mine.count(), urgent.count(), overdue)


@reader("comms.read")
def urgent_untaken(actor: StaffMember) -> list[InboxRow]:
    """The urgent calls nobody has taken yet, the oldest first: shown on every desk."""
    query = _query(actor, "all").where(InboxMessage.urgent & (InboxMessage.status == "open"))
    now = clock.now_utc()
    return [_inbox_row(m, now) for m in query.order_by(InboxMessage.id).limit(20)]


def _fresh(message_id: int, version: int) -> InboxMessage:
    m = get_or_refuse(InboxMessage, message_id, "message")
    if m.version != version:
        raise Conflict("Someone else changed this message meanwhile; the list was refreshed.")
    return m


def _row_after(message_id: int) -> InboxRow:
    return _inbox_row(_query_one(message_id), clock.now_utc())


def _query_one(message_id: int) -> InboxMessage:
    return (
        InboxMessage.select(InboxMessage, Patient)
        .join_from(InboxMessage, Patient, join_type=JOIN.LEFT_OUTER)
        .where(InboxMessage.id == message_id)
        .get()
    )


@writer("comms.read", changes=())
def open_inbox_message(actor: StaffMember, message_id: int) -> MessageDetail:
    """One message or task in full (a restricted patient's needs a reason stated this
    session, and the read is recorded, as for the chart)."""
    m = get_or_refuse(InboxMessage, message_id, "message")
    if m.patient_id:
        require_access(actor, m.patient_id, "phone message")
    m = _query_one(m.id)
    row = _inbox_row(m, clock.now_utc())
    if m.patient_id and m.patient.restricted:
        row = InboxRow(**{**row.__dict__, "reason": m.reason})
    return MessageDetail(
        row, m.text, m.red_flags, m.response, m.created_by.short_name,
        m.closed_by.short_name if m.closed_by_id else "", _local(m.closed_at),
    )  # fmt: skip


@writer("comms.write", changes=(MESSAGES,))
def take_inbox_message(actor: StaffMember, message_id: int, version: int) -> InboxRow:
    """I am on it: open -> in progress, taken by me (an urgent call leaves every desk's
    screen). One already taken by someone else is refused, naming them."""
    m = _fresh(message_id, version)
    if m.status != "open":
        who = m.taken_by.short_name if m.taken_by_id else "someone"
        raise Conflict(f"Already taken by {who}." if m.status == "in_progress" else "Already done.")
    InboxMessage.update(
        status="in_progress", taken_by=actor.id, taken_at=clock.now_utc(), list_rank=1,
        version=InboxMessage.version + 1,
    ).where(InboxMessage.id == m.id).execute()  # fmt: skip
    audit(actor, "message.take", patient_id=m.patient_id, entity="inbox_message", entity_id=m.id)
    return _row_after(m.id)


@writer("comms.write", changes=(MESSAGES,))
def route_inbox_message(actor: StaffMember, message_id: int, version: int, route: str) -> InboxRow:
    """Send it to another inbox (it stays open or in progress)."""
    m = _fresh(message_id, version)
    if m.status == "done":
        raise Conflict("This one is done; it stays where it was closed.")
    to = parse_route("route", actor, route)
    InboxMessage.update(**to, version=InboxMessage.version + 1).where(
        InboxMessage.id == m.id
    ).execute()
    audit(
        actor, "message.route", patient_id=m.patient_id, entity="inbox_message", entity_id=m.id,
        detail=str(route)[:40],
    )  # fmt: skip
    return _row_after(m.id)


@writer("comms.write", changes=(MESSAGES,))
def close_inbox_message(
    actor: StaffMember, message_id: int, version: int, response: str
) -> InboxRow:
    """Done, with the response noted (what was said or done): required."""
    response = clean_text("response", response, max_len=TEXT_MAX, required=True, label="Response")
    m = _fresh(message_id, version)
    if m.status == "done":
        raise Conflict("Already done.")
    if m.kind == "refill":
        raise Conflict(REFILL_STEPS)
    InboxMessage.update(
        status="done", response=response, closed_by=actor.id, closed_at=clock.now_utc(),
        list_rank=2,
        taken_by=m.taken_by_id or actor.id, taken_at=m.taken_at or clock.now_utc(),
        version=InboxMessage.version + 1,
    ).where(InboxMessage.id == m.id).execute()  # fmt: skip
    audit(actor, "message.close", patient_id=m.patient_id, entity="inbox_message", entity_id=m.id)
    return _row_after(m.id)
