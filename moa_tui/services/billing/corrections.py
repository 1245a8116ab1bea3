"""Corrected claims and voids (issue 11 item 6): a replacement claim with 837P frequency code
7 (corrected: a draft copy of the lines and diagnoses to fix, then scrub and send) or 8 (void:
the same claim sent again to cancel it, ready at once). The original keeps its money and gets
a status history row naming its replacement; it leaves the open claims ("closed" after a
correction, "void" after a void) so its balance is carried by the replacement alone."""

from __future__ import annotations

from ...db.models import Claim, ClaimDiagnosis, ClaimLine, ClaimStatusChange, StaffMember
from .. import clock
from ..books.postings import claims_moved
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text

# What a payer has seen: a claim still a draft, held or ready was never sent, so it is
# edited in place rather than corrected.
REPLACEABLE = ("submitted", "accepted", "rejected", "denied", "partial", "paid", "appealed")
KINDS = {"7": ("corrected", "closed"), "8": ("void", "void")}


def _replace(actor: StaffMember, claim_id: int, version: int, note: str, frequency: str) -> int:
    word, original_status = KINDS[frequency]
    note = clean_text("note", note, max_len=400, required=True, label="Note")
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} {word}")
    if c.version != version:
        raise Conflict(f"Claim {c.id} was changed meanwhile; it has been reloaded.")
    if c.frequency == "8":
        raise ValidationError.one("note", f"Claim {c.id} is a void; it cannot be replaced.")
    if c.status not in REPLACEABLE:
        raise ValidationError.one(
            "note",
            f"Claim {c.id} is {c.status}; only a claim the payer has seen (submitted, "
            "accepted, rejected, denied, partially paid, paid or appealed) is corrected or voided.",
        )
    earlier = Claim.select(Claim.id).where(Claim.replaces_id == c.id).first()
    if earlier is not None:
        raise ValidationError.one(
            "note", f"Claim {c.id} was already replaced by claim {earlier.id}."
        )
    now = clock.now_utc()
    status = "draft" if frequency == "7" else "ready"
    new = Claim.create(
        patient=c.patient_id, payer=c.payer_id, provider=c.provider_id,
        appointment=c.appointment_id, coverage=c.coverage_id, primary_claim=c.primary_claim_id,
        service_date=c.service_date, status=status, total_cents=c.total_cents,
        frequency=frequency, replaces_id=c.id, created_at=now, status_changed_at=now,
    )  # fmt: skip
    lines = list(c.lines.order_by(ClaimLine.line_no).dicts())
    for row in lines:
        row.pop("id")
        row["claim"] = new.id
    if lines:
        ClaimLine.insert_many(lines).execute()
    diagnoses = [
        {"claim": new.id, "position": d.position, "code": d.code}
        for d in c.diagnoses.order_by(ClaimDiagnosis.position)
    ]
    if diagnoses:
        ClaimDiagnosis.insert_many(diagnoses).execute()
    ClaimStatusChange.insert_many(
        [
            {
                "claim": new.id,
                "from_status": status,
                "to_status": status,
                "staff": actor.id,
                "at": now,
                "note": f"{word.capitalize()} claim (frequency {frequency}) replacing "
                f"claim {c.id}: {note}"[:500],
            },
            {
                "claim": c.id,
                "from_status": c.status,
                "to_status": original_status,
                "staff": actor.id,
                "at": now,
                "note": f"Replaced by {word} claim {new.id}: {note}"[:500],
            },
        ]  # fmt: skip
    ).execute()
    audit(actor, f"claim.{word}", patient_id=c.patient_id, entity="claim", entity_id=c.id,
          detail=f"claim {new.id} (frequency {frequency}): {note}")  # fmt: skip
    claims_moved([(c.id, c.status, original_status)], actor,
                 f"Claim {c.id} replaced by {word} claim {new.id}", c.id)  # fmt: skip
    Claim.update(status=original_status, status_changed_at=now, version=Claim.version + 1).where(
        Claim.id == c.id
    ).execute()
    return new.id


@writer("billing.writeoff")
def correct_claim(actor: StaffMember, claim_id: int, version: int, note: str) -> int:
    """A corrected claim (frequency 7) replacing *claim_id*: a draft copy of its lines and
    diagnoses to fix, scrub and send; the original is closed with a history row naming it.
    Billing or above. Returns the new claim's id."""
    return _replace(actor, claim_id, version, note, "7")


@writer("billing.writeoff")
def void_claim(actor: StaffMember, claim_id: int, version: int, note: str) -> int:
    """A void (frequency 8) of *claim_id*, ready to send in the next batch; the original
    becomes void with a history row naming it. Billing or above. Returns the void's id."""
    return _replace(actor, claim_id, version, note, "8")
