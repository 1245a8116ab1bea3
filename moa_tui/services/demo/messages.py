"""The demo's inboxes (issue 12): a few phone messages, as a morning at the desk leaves
them, logged through the comms services by the demo's desk and nurse: a routine call, an
urgent call the nurse took, a task gone overdue and a refill request waiting on the
provider."""

from __future__ import annotations

import datetime as dt

from ...db.models import Appointment, InboxMessage, Patient, StaffMember
from .. import clock
from ..comms.messages import log_call, take_inbox_message
from ..comms.refills import log_refill, prescriber_choices
from ..comms.tasks import create_task


def build_messages(patient_ids: list[int]) -> None:
    desk = StaffMember.get(StaffMember.username == "desk")
    nurse = StaffMember.get(StaffMember.username == "nurse")
    seen = (
        Appointment.select(Appointment.patient)
        .where(Appointment.patient.in_(patient_ids[:200]))
        .order_by(Appointment.patient)
        .distinct()
        .limit(4)
    )
    people = [Patient.get_by_id(a.patient_id) for a in seen]
    first, second, third, fourth = people

    def caller(p: Patient) -> dict:
        return {"caller": f"{p.first_name} {p.last_name}", "callback": p.phone_mobile,
                "patient_id": p.id}  # fmt: skip

    log_call(desk, {
        **caller(first), "reason": "Question about a bill",
        "text": "Got a statement for a visit insurance should have paid; please call back.",
        "route": "group:billing", "due": "",
    })  # fmt: skip
    urgent = log_call(desk, {
        **caller(second), "reason": "Chest pain since this morning",
        "text": "Advised 911; she is with her husband. Nurse to follow up.",
        "route": "group:nurses", "due": "",
    })  # fmt: skip
    take_inbox_message(nurse, urgent.id, InboxMessage.get_by_id(urgent.id).version)
    task = create_task(
        desk, {"title": "Send records to the cardiologist", "due": "t", "route": "me",
               "text": "Signed release on file."}, patient_id=third.id,
    )  # fmt: skip
    # Due this morning, before the demo's "now": it shows overdue in the desk's inbox.
    due = dt.datetime.combine(clock.today(), dt.time(8, 30))
    InboxMessage.update(due_at=clock.local_to_utc(due)).where(InboxMessage.id == task.id).execute()
    log_refill(desk, {
        **caller(fourth), "medication": "Lisinopril", "dose": "10 mg daily",
        "pharmacy": "Corner Drug", "pharmacy_phone": "2125550142",
        "prescriber": prescriber_choices(desk, fourth.id).default, "note": "90-day supply",
    }, fourth.id)  # fmt: skip
