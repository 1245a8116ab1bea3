"""Tasks in the inboxes: made from a patient, a claim or a phone message, with a due date,
routed like a message and closed with what was done; past due, they stand out."""

from __future__ import annotations

from ...db.changes import MESSAGES
from ...db.models import Claim, InboxMessage, Patient, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ValidationError
from ..validate import clean_text
from .messages import TEXT_MAX, InboxRow, _collect, _row_after
from .routing import parse_due, parse_route

TASK_FIELDS = ("title", "due", "route", "text")


@writer("comms.write", changes=(MESSAGES,))
def create_task(
    actor: StaffMember,
    values: dict,
    patient_id: int | None = None,
    claim_id: int | None = None,
    message_id: int | None = None,
) -> InboxRow:
    """A task (title, due date, whose inbox, notes) about a patient, a claim or a phone
    message (at most one of each; a claim's or a message's patient is linked too). The
    due date is required and may not be in the past."""
    if not isinstance(values, dict):
        raise ValidationError.one("title", "Nothing to save.")
    v = {k: values.get(k) for k in TASK_FIELDS}
    v = {k: (x if isinstance(x, str) or x is None else str(x)) for k, x in v.items()}
    errors: dict[str, str] = {}
    title = _collect(
        errors, clean_text, "title", v["title"], max_len=120, required=True, label="Task"
    )
    text = _collect(errors, clean_text, "text", v["text"], max_len=TEXT_MAX, label="Notes")
    if not (v["due"] or "").strip():
        errors.setdefault("due", "Due date is required (e.g. t+2, fri, 12/24).")
    due = _collect(errors, parse_due, "due", v["due"], urgent=False)
    route = _collect(errors, parse_route, "route", actor, v["route"])
    if errors:
        raise ValidationError(errors)
    patient = claim = source = None
    if message_id is not None:
        source = get_or_refuse(InboxMessage, message_id, "message")
        patient = source.patient_id
    if claim_id is not None:
        claim = get_or_refuse(Claim, claim_id, "claim")
        patient = claim.patient_id
    if patient_id is not None:
        patient = get_or_refuse(Patient, patient_id, "patient").id
    m = InboxMessage.create(
        kind="task", reason=title, text=text, patient=patient, claim=claim, source=source,
        due_at=due, created_by=actor, created_at=clock.now_utc(), **route,
    )  # fmt: skip
    audit(actor, "task.create", patient_id=patient, entity="inbox_message", entity_id=m.id)
    return _row_after(m.id)
