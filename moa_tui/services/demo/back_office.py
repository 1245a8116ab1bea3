"""The demo clinic's back office: claims of the last months and the supply stock."""

from __future__ import annotations

from ...db.models import StaffMember, StockMovement, SupplyItem
from .. import clock
from .billing import build_billing
from .data import SUPPLIES


def build_claims(rng, today, count, providers, payers, patient_ids, desk):
    """*count* claims over the last 150 days, made through the billing services by the
    demo's biller (services/demo/billing.py): coded, scrubbed, sent, answered."""
    biller = StaffMember.get(StaffMember.username == "billing")
    build_billing(rng, today, count, providers, payers, biller)


def build_supplies(rng, desk):
    """The supply list with an opening count; about one item in five needs reordering."""
    for n, (name, unit) in enumerate(SUPPLIES, start=1):
        reorder = rng.choice((2, 4, 5, 10, 20))
        # About one item in five is at or below its reorder point.
        on_hand = (
            rng.randint(0, reorder) if rng.random() < 0.2 else rng.randint(reorder + 1, reorder * 5)
        )
        item = SupplyItem.create(
            sku=f"SUP-{n:04d}",
            name=name,
            unit=unit,
            on_hand=on_hand,
            reorder_point=reorder,
            reorder_qty=reorder * 3,
        )
        StockMovement.create(
            item=item,
            kind="adjust",
            quantity=on_hand,
            on_hand_after=on_hand,
            reason="Opening count",
            staff=desk,
            at=clock.now_utc(),
        )
