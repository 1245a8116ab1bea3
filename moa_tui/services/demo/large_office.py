"""The generated clinic's back office: claims as the visits happen, the audit trail day by day
(numbered 1..N and sealed with the clinic's audit key, as services/core.audit writes it), and
the supply stock with its movements."""

from __future__ import annotations

import bisect
import datetime as dt

from ...db.audit_trail import GENESIS, seal
from ...db.models import (
    AuditEvent,
    Claim,
    ClaimDiagnosis,
    ClaimLine,
    ClaimStatusChange,
    StockLocation,
    StockLot,
    StockMovement,
    SupplyItem,
)
from .data import HCPCS, ICD10, SUPPLIES
from .large_bulk import Table, stamp

EVENTS_PER_APPOINTMENT = 0.4  # 1 million events for 2.5 million appointments
# action, entity, weight: what a day's trail is mostly made of
ACTIONS = (
    ("patient.open", "patient", 40),
    ("appointment.book", "appointment", 18),
    ("appointment.status", "appointment", 14),
    ("claim.open", "claim", 8),
    ("claim.submit", "claim", 6),
    ("patient.update", "patient", 5),
    ("signin", "", 7),
    ("signin.refused", "", 1),
    ("payment.post", "patient", 1),
)
BRANDS = ("Medline", "Cardinal", "McKesson", "Dynarex", "Henry Schein", "Generic")


# Claim statuses by the claim's age in days (only those the model knows; a status the
# model adds later is drawn among the recent ones, so every status has claims).
_BY_AGE = (
    (14, ("draft", "held", "ready", "submitted", "submitted")),
    (
        45,
        (
            "ready",
            "submitted",
            "accepted",
            "accepted",
            "rejected",
            "denied",
            "partial",
            "paid",
            "paid",
        ),
    ),
    (
        120,
        ("submitted", "accepted", "denied", "appealed", "partial", "paid", "paid", "paid", "paid"),
    ),
    (10**6, ("paid",) * 12 + ("closed", "closed", "denied", "void", "appealed", "partial")),
)


def _status_table() -> tuple[tuple[int, tuple[str, ...]], ...]:
    known = set(Claim.STATUSES)
    named = {s for _age, statuses in _BY_AGE for s in statuses}
    extra = tuple(s for s in Claim.STATUSES if s not in named)
    return tuple(
        (age, tuple(s for s in statuses if s in known) + (extra if age == 45 else ()))
        for age, statuses in _BY_AGE
    )


class Office:
    def __init__(self, rng, today, key, staff, zone):
        self.rng, self.today, self.key, self.staff = rng, today, key, staff
        self.zone = zone
        self.claim_rows = Table(
            Claim,
            [
                "id",
                "patient_id",
                "payer_id",
                "coverage_id",
                "provider_id",
                "appointment_id",
                "service_date",
                "status",
                "total_cents",
                "paid_cents",
                "adjusted_cents",
                "created_at",
                "status_changed_at",
            ],
        )
        self.lines = Table(
            ClaimLine,
            [
                "claim_id",
                "line_no",
                "procedure_code",
                "diagnosis_codes",
                "units",
                "charge_cents",
                "pointers",
                "fee_cents",
                "service_from",
                "place_of_service",
            ],
        )
        self.diagnoses = Table(ClaimDiagnosis, ["claim_id", "position", "code"])
        self.changes = Table(
            ClaimStatusChange, ["claim_id", "from_status", "to_status", "note", "staff_id", "at"]
        )
        self.trail = Table(
            AuditEvent,
            [
                "id",
                "at",
                "staff_id",
                "action",
                "patient_id",
                "entity",
                "entity_id",
                "detail",
                "outcome",
                "hash",
            ],
        )
        self.claims = self.events = self.items = self.movements = 0
        self.by_age = _status_table()
        self.prev = GENESIS
        self.action_cw = []
        total = 0
        for _action, _entity, weight in ACTIONS:
            total += weight
            self.action_cw.append(total)

    # --- claims ----------------------------------------------------------------------

    def claim(self, appointment_id, patient, coverage, provider, day) -> None:
        """The claim of a visit seen on *day*, billed to the patient's primary *coverage*
        ((id, payer)): its diagnoses, its lines pointing at them, its status by age."""
        rng = self.rng
        self.claims += 1
        claim_id = self.claims
        age = (self.today - day).days
        status = rng.choice(next(s for limit, s in self.by_age if age <= limit))
        codes = rng.sample(ICD10, 1 if rng.random() < 0.6 else 2)
        for position, code in enumerate(codes, start=1):
            self.diagnoses.add((claim_id, position, code))
        pointers = ",".join(str(n) for n in range(1, len(codes) + 1))
        total = 0
        for line_no in range(1, 2 if rng.random() < 0.7 else 3):
            code, fee = rng.choice(HCPCS)
            units = 1 if rng.random() < 0.85 else 2
            self.lines.add(
                (
                    claim_id,
                    line_no,
                    code,
                    ",".join(codes),
                    units,
                    fee * units,
                    pointers,
                    fee,
                    day.isoformat(),
                    "11",
                )
            )
            total += fee * units
        paid = adjusted = 0
        if status in ("paid", "closed"):
            paid = total * rng.choice((100, 100, 90, 80, 75)) // 100
            adjusted = total - paid
        elif status == "partial":
            paid = total * rng.choice((40, 50, 60, 80)) // 100
        changed = dt.datetime.combine(
            day + dt.timedelta(days=min(age, rng.randint(0, 40))), dt.time(21)
        )
        self.claim_rows.add(
            (
                claim_id,
                patient,
                coverage[1],
                coverage[0],
                provider,
                appointment_id,
                day.isoformat(),
                status,
                total,
                paid,
                adjusted,
                stamp(dt.datetime.combine(day, dt.time(22))),
                stamp(changed),
            )
        )
        if status != "draft" and age <= 180:
            self.changes.add(
                (
                    claim_id,
                    "draft",
                    status,
                    "Generated history",
                    rng.choice(self.staff),
                    stamp(changed),
                )
            )

    # --- the audit trail -------------------------------------------------------------

    def _event(self, at, staff, action, patient_id, entity, entity_id, detail, outcome) -> None:
        self.events += 1
        row = {
            "id": self.events,
            "at": at,
            "staff": staff,
            "action": action,
            "patient_id": patient_id,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
            "outcome": outcome,
        }
        self.prev = seal(self.key, self.prev, row)
        self.trail.add(
            (
                self.events,
                stamp(at),
                staff,
                action,
                patient_id,
                entity,
                entity_id,
                detail,
                outcome,
                self.prev,
            )
        )

    def day_events(self, day, offset, seen, patients, appointments) -> None:
        """The day's events in time order (today's up to noon), about
        EVENTS_PER_APPOINTMENT per appointment."""
        rng = self.rng
        if self.events == 0:
            at = dt.datetime.combine(day, dt.time(7)) + offset
            self._event(
                at,
                None,
                "generate.build",
                None,
                "",
                None,
                "generated network clinic (invented data)",
                "ok",
            )
        wanted = appointments * EVENTS_PER_APPOINTMENT
        count = int(wanted) + (rng.random() < wanted - int(wanted))
        last = 12 * 3600 if day == self.today else 18 * 3600
        seconds = sorted(rng.randint(7 * 3600 + 1800, last - 1) for _ in range(count))
        base = dt.datetime.combine(day, dt.time()) + offset
        for s in seconds:
            action, entity, _w = ACTIONS[
                bisect.bisect_right(self.action_cw, rng.random() * self.action_cw[-1])
            ]
            staff = rng.choice(self.staff)
            visit = rng.choice(seen) if seen else (None, rng.randint(1, patients), None)
            patient, outcome, detail, entity_id = visit[1], "ok", "", None
            if entity == "patient":
                entity_id = patient
            elif entity == "appointment":
                entity_id = visit[0]
            elif entity == "claim":
                entity_id = rng.randint(1, self.claims) if self.claims else None
            else:
                patient = None
                if action == "signin.refused":
                    outcome, detail, staff = "refused", "wrong password", None
            self._event(
                base + dt.timedelta(seconds=s),
                staff,
                action,
                patient,
                entity,
                entity_id,
                detail,
                outcome,
            )

    # --- stock -----------------------------------------------------------------------

    def stock(self, count: int) -> None:
        """*count* supply items (the demo's list in several brands and sizes), each with
        a history of deliveries and use over the last two years."""
        rng = self.rng
        items = Table(
            SupplyItem,
            ["id", "sku", "name", "unit", "on_hand", "reorder_point", "reorder_qty"],
        )
        moves = Table(
            StockMovement,
            ["item_id", "kind", "quantity", "on_hand_after", "reason", "staff_id", "at"],
        )
        start = dt.datetime.combine(self.today - dt.timedelta(days=730), dt.time(9))
        held: list[tuple[int, int]] = []
        for n in range(1, count + 1):
            name, unit = SUPPLIES[(n - 1) % len(SUPPLIES)]
            round_ = (n - 1) // len(SUPPLIES)
            if round_:
                name = f"{name}, {BRANDS[round_ % len(BRANDS)]} #{round_}"
            reorder = rng.choice((2, 4, 5, 10, 20))
            on_hand = reorder * 4
            at = start
            moves.add(
                (n, "adjust", on_hand, on_hand, "Opening count", rng.choice(self.staff), stamp(at))
            )
            for _ in range(rng.randint(4, 30)):
                at += dt.timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 480))
                if at.date() >= self.today:
                    break
                if on_hand <= reorder:
                    quantity, kind, reason = reorder * 3, "receive", "Delivery"
                else:
                    quantity, kind, reason = (
                        -rng.randint(1, max(1, on_hand - reorder)),
                        "use",
                        "Used",
                    )
                on_hand += quantity
                moves.add((n, kind, quantity, on_hand, reason, rng.choice(self.staff), stamp(at)))
            items.add((n, f"SUP-{n:05d}", name, unit, on_hand, reorder, reorder * 3))
            held.append((n, on_hand))
        items.flush()
        moves.flush()
        # Each item's stock as one lot without a number at the first location (made by
        # migration 0024), so on hand equals the sum of its lots as the services keep it.
        room = StockLocation.select(StockLocation.id).order_by(StockLocation.id).scalar()
        lots = Table(StockLot, ["item_id", "lot_number", "location_id", "on_hand"])
        lots.extend((n, "", room, on_hand) for n, on_hand in held if on_hand > 0)
        lots.flush()
        self.items, self.movements = items.count, moves.count

    def finish(self) -> None:
        for table in (self.claim_rows, self.lines, self.diagnoses, self.changes, self.trail):
            table.flush()
