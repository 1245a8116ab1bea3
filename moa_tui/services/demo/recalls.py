"""The demo clinic's recalls (issue 12 item 5): patients due back over the coming weeks,
some set at today's check-outs, a few already called, all through the recall services."""

from __future__ import annotations

import random

from ...db.models import Appointment, Patient, StaffMember
from ..comms.recalls import add_recall, log_recall_call

KINDS = ("annual", "annual", "six_month", "other")
NOTES = ("", "", "fasting labs first", "bring glucose log", "blood pressure check")


def build_recalls(rng: random.Random, patient_ids: list[int], desk: StaffMember) -> None:
    """About thirty recalls due from today to six weeks on (a third with a provider), one
    for each of today's check-outs, and a few with a call or two logged."""
    made = []
    for visit in Appointment.select().where(Appointment.status == "checked_out").limit(6):
        if Patient.get_by_id(visit.patient_id).restricted:
            continue
        made.append(add_recall(desk, visit.patient_id, {
            "kind": "six_month", "due": "", "provider": str(visit.provider_id),
        }, visit_id=visit.id))  # fmt: skip
    providers = [a.provider_id for a in Appointment.select(Appointment.provider).limit(40)]
    taken = {r.patient_id for r in made}
    for pid in rng.sample(patient_ids, min(30, len(patient_ids))):
        if pid in taken:
            continue
        kind = rng.choice(KINDS)
        values = {
            "kind": kind,
            "due": f"t+{rng.randint(0, 42)}",
            "provider": str(rng.choice(providers)) if providers and rng.random() < 0.35 else "",
            "note": rng.choice(NOTES) if kind != "other" else "recheck rash",
        }
        made.append(add_recall(desk, pid, values))
    for row in made[6:14]:
        row = log_recall_call(desk, row.id, row.version, rng.choice(("no_answer", "left_message")))
        if rng.random() < 0.4:
            log_recall_call(desk, row.id, row.version, "left_message")
