"""The demo clinic's back office: claims of the last months and the supply stock."""

from __future__ import annotations

import datetime as dt

from ...db.models import Claim, ClaimLine, ClaimStatusChange, StockMovement, SupplyItem
from .. import clock
from .data import HCPCS, ICD10, SUPPLIES


def build_claims(rng, today, count, providers, payers, patient_ids, desk):
    """*count* claims over the last 150 days, their status by age, each with its lines and
    the change from draft."""
    by_age = (
        (30, ("draft", "ready", "submitted", "submitted", "accepted")),
        (60, ("submitted", "accepted", "denied", "paid", "paid")),
        (90, ("accepted", "denied", "paid", "paid")),
        (150, ("denied", "paid", "submitted", "accepted")),
    )
    for _ in range(count):
        age = rng.randint(1, 150)
        statuses = next(s for limit, s in by_age if age <= limit)
        status = rng.choice(statuses)
        lines = []
        for _n in range(rng.randint(1, 3)):
            code, charge = rng.choice(HCPCS)
            units = rng.choice((1, 1, 1, 2))
            lines.append(
                (code, ",".join(rng.sample(ICD10, rng.randint(1, 2))), units, charge * units)
            )
        total = sum(line[3] for line in lines)
        paid = total if status == "paid" else 0
        service_date = today - dt.timedelta(days=age)
        changed = clock.local_to_utc(dt.datetime.combine(service_date, dt.time(17)))
        claim = Claim.create(
            patient=rng.choice(patient_ids),
            payer=rng.choice(payers),
            provider=rng.choice(providers),
            service_date=service_date,
            status=status,
            total_cents=total,
            paid_cents=paid,
            created_at=changed,
            status_changed_at=changed,
        )
        ClaimLine.insert_many(
            [
                {
                    "claim": claim.id,
                    "line_no": n,
                    "procedure_code": code,
                    "diagnosis_codes": dx,
                    "units": units,
                    "charge_cents": charge,
                }
                for n, (code, dx, units, charge) in enumerate(lines, start=1)
            ]
        ).execute()
        if status != "draft":
            ClaimStatusChange.create(
                claim=claim,
                from_status="draft",
                to_status=status,
                note="Demo history",
                staff=desk,
                at=changed,
            )


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
