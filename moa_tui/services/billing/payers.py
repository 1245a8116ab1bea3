"""The insurance payers the clinic bills: one list for the coverage form and the claims
worklist alike."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.models import Payer, StaffMember
from ..core import reader


@dataclass(frozen=True)
class PayerInfo:
    id: int
    name: str


# Whoever may look a patient up may read the payers' names (every role that sees claims
# also looks up patients), so the coverage form and the claims filter share one list.
@reader("patient.read")
def list_payers(actor: StaffMember) -> list[PayerInfo]:
    """Every payer, by name."""
    return [PayerInfo(p.id, p.name) for p in Payer.select().order_by(Payer.name)]
