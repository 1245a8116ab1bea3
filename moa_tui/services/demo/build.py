"""Building the demo clinic: a deterministic, clearly fictitious practice built around today.

Names are invented, phone numbers are in the 555-01xx range kept for fiction, e-mail is at
example.com, and procedure codes are public HCPCS Level II (no AMA CPT codes are shipped).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ...db.database import db, write_transaction
from ...db.models import (
    AccountEntry,
    Appointment,
    AppointmentStatusChange,
    AppointmentType,
    BlockedTime,
    ClinicSettings,
    Coverage,
    EligibilityCheck,
    IntakeItem,
    IntakeRecord,
    Patient,
    Payer,
    Provider,
    ProviderHours,
    Room,
    StaffMember,
    TypeIntakeItem,
)
from .. import clock
from ..books.opening import post_opening_balances
from ..core import audit
from ..errors import ServiceError
from ..scheduling.schedule import FLOW, STATUS_TIME
from ..security.security import hash_password
from .back_office import build_claims, build_supplies
from .billing_codes import build_code_examples
from .data import (
    DEMO_PASSWORD,
    DEMO_ZONES,
    FIRST,
    HOURS,
    INTAKE,
    LAST,
    MIDDAY,
    PAYERS,
    PROVIDERS,
    STAFF,
    STREETS,
    TYPES,
)
from .day import build_schedule
from .messages import build_messages
from .recalls import build_recalls
from .records import build_records
from .referrals import build_referrals
from .vendors import build_vendors

# The demo's books start this many days before today (its oldest claims are 150 days old).
BOOKS_START_DAYS = 180


@dataclass(frozen=True)
class DemoSize:
    patients: int = 2000
    days_each_side: int = 30
    claims: int = 300
    messages: bool = True  # a few phone messages in the inboxes (demo/messages.py)


def _phone(rng: random.Random) -> str:
    return f"{rng.choice((201, 212, 315, 516, 607, 718, 845, 914))}5550{rng.randint(100, 199)}"


def is_empty() -> bool:
    """True if the open database has no patients yet (a demo can be built in it)."""
    with db.connection_context():
        return not Patient.select().exists()


def is_demo_clinic() -> bool:
    """True if the open database is a demo clinic that build_demo made."""
    with db.connection_context():
        return ClinicSettings.select().where(ClinicSettings.is_demo).exists()


def demo_zone(instant: dt.datetime) -> str:
    """Where the demo clinic is mid-day at *instant* (aware): see DEMO_ZONES."""
    for zone in DEMO_ZONES:
        if MIDDAY[0] <= instant.astimezone(ZoneInfo(zone)).time() < MIDDAY[1]:
            return zone
    return DEMO_ZONES[0]  # not reached: the zones leave no gap as wide as MIDDAY


# The demo clinic --demo builds (the README describes it).
DEMO_SIZE = DemoSize()


def build_demo(size: DemoSize | None = None, seed: int = 2026) -> None:
    """Fill an empty, migrated database with the demo clinic (DEMO_SIZE unless *size*
    says otherwise), in one transaction. The clinic
    is placed where it is mid-day now (demo_zone) and the clock is set to its zone; its day
    follows the clock: the morning seen, the afternoon to come."""
    size = size or DEMO_SIZE
    rng = random.Random(seed)
    zone = demo_zone(clock.now_local().datetime)
    clock.set_zone(zone)
    today = clock.today()
    now_local = clock.now_local().naive
    # One known password for every demo account (README lists them); hashed once, before
    # the write lock is taken.
    password_hash = hash_password(DEMO_PASSWORD)
    with db.connection_context(), write_transaction():
        # Checked again inside the write lock: someone may have added staff or patients
        # since --demo looked at the file.
        if Patient.select().exists() or StaffMember.select().exists():
            raise ServiceError("The demo clinic can only be built in an empty database.")
        ClinicSettings.delete().execute()
        ClinicSettings.create(
            name="Demo Family Practice",
            is_demo=True,  # --demo opens only a clinic with this mark (never a real one)
            time_zone=zone,
            address="100 Example Way, Springfield, NY 12345",
            phone="2125550100",  # the 555-01xx range kept for fiction
            npi="1234567893",
            tax_id="000000000",
        )
        # The trail starts with the build (and records which key seals it).
        where = "" if zone == DEMO_ZONES[0] else f" in {zone}, where it is mid-day now"
        audit(None, "demo.build", detail=f"demo clinic for {today:%Y-%m-%d}{where}")
        for username, name, role in STAFF:
            StaffMember.get_or_create(
                username=username,
                defaults={
                    "full_name": name,
                    "role": role,
                    "password_hash": password_hash,
                    "must_change_password": False,
                },
            )
        desk = StaffMember.get(StaffMember.username == "desk")
        providers = [
            Provider.create(full_name=f, short_name=s, credentials=c, npi="")
            for f, s, c in PROVIDERS
        ]
        types = [
            AppointmentType.create(name=n, default_minutes=m, color=c, allow_overbook=o)
            for n, m, c, o in TYPES
        ]
        # Open every day, so the demo always has a today; one holiday and one vacation.
        ProviderHours.insert_many(
            [
                {"provider": p.id, "weekday": d, "starts": s, "ends": e}
                for p in providers
                for d in range(7)
                for s, e in HOURS
            ]
        ).execute()
        closed = today + dt.timedelta(days=10)
        BlockedTime.create(
            provider=None,
            starts_at=dt.datetime.combine(closed, dt.time.min),
            ends_at=dt.datetime.combine(closed + dt.timedelta(days=1), dt.time.min),
            reason="Clinic closed: staff training",
        )
        away = today + dt.timedelta(days=15)
        BlockedTime.create(
            provider=providers[1],
            starts_at=dt.datetime.combine(away, dt.time.min),
            ends_at=dt.datetime.combine(away + dt.timedelta(days=5), dt.time.min),
            reason="Vacation",
        )
        payers = [Payer.create(name=n, payer_code=c) for n, c in PAYERS]

        patients = []
        for i in range(size.patients):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            dob = today - dt.timedelta(days=rng.randint(365, 365 * 92))
            patients.append(
                {
                    "mrn": str(100001 + i),
                    "last_name": last,
                    "first_name": first,
                    "last_key": last.casefold(),
                    "first_key": first.casefold(),
                    "dob": dob,
                    "sex": rng.choice("FFMMX") if rng.random() < 0.02 else rng.choice("FM"),
                    "phone_mobile": _phone(rng),
                    "phone_home": _phone(rng) if rng.random() < 0.4 else "",
                    "email": f"{first}.{last}{i}@example.com".lower(),
                    "address1": f"{rng.randint(1, 999)} {rng.choice(STREETS)} St",
                    "city": "Springfield",
                    "state": "NY",
                    "zip": f"12{rng.randint(300, 399)}",
                    "updated_by": desk.id,
                }
            )
        for batch in range(0, len(patients), 500):
            Patient.insert_many(patients[batch : batch + 500]).execute()
        patient_ids = [p.id for p in Patient.select(Patient.id).order_by(Patient.id)]

        coverages = []
        for pid in patient_ids:
            if rng.random() < 0.9:
                coverages.append(
                    {
                        "patient": pid,
                        "payer": rng.choice(payers).id,
                        "priority": 1,
                        "member_id": f"DM{rng.randint(10**8, 10**9 - 1)}",
                        "group_id": f"G{rng.randint(1000, 9999)}",
                        "copay_cents": rng.choice((0, 1500, 2000, 2500, 4000)),
                        "effective": today - dt.timedelta(days=rng.randint(30, 2000)),
                    }
                )
        for batch in range(0, len(coverages), 500):
            Coverage.insert_many(coverages[batch : batch + 500]).execute()

        build_schedule(rng, today, now_local, size, providers, types, patient_ids, desk)
        # The code sets, NPIs and payer addresses first: the claims are coded and scrubbed
        # through the billing services (services/demo/billing.py).
        build_code_examples()  # draws nothing from rng
        build_claims(rng, today, size.claims, providers, payers, patient_ids, desk)
        build_supplies(rng, desk)
        build_vendors(today)
        _build_front_desk(rng, today, types, patient_ids, desk)
        _build_todays_steps(today, desk, StaffMember.get(StaffMember.username == "nurse"))
        build_records(seed + 8)  # allergies, medications, notes... (issue 12 item 8)
        if size.messages:
            build_messages(patient_ids)
        build_referrals(today, desk)
        build_recalls(rng, patient_ids, desk)


def _build_front_desk(rng, today, types, patient_ids, desk):
    """Rooms, intake forms, insurance checks and some balances, as a desk would have them:
    today's visits were verified yesterday; tomorrow's are today's work."""
    Room.insert_many([{"name": f"Exam {n}"} for n in range(1, 7)]).execute()
    by_name = {t.name: t for t in types}
    for name, every, only in INTAKE:
        item = IntakeItem.create(name=name, every_days=every)
        for kind in types if only is None else [by_name[n] for n in only]:
            TypeIntakeItem.create(appt_type=kind, item=item)
    items = list(IntakeItem.select())
    records = [
        {
            "patient": pid,
            "item": item.id,
            "staff": desk.id,
            "at": clock.local_to_utc(
                dt.datetime.combine(today - dt.timedelta(days=rng.randint(20, 700)), dt.time(9))
            ),
        }
        for pid in patient_ids
        for item in items
        if rng.random() < 0.7
    ]
    for batch in range(0, len(records), 500):
        IntakeRecord.insert_many(records[batch : batch + 500]).execute()
    start = dt.datetime.combine(today, dt.time.min)
    todays = list(
        Appointment.select(Appointment.id, Appointment.patient, Appointment.status)
        .where(
            (Appointment.starts_at >= start)
            & (Appointment.starts_at < start + dt.timedelta(days=1))
        )
        .order_by(Appointment.starts_at)
    )
    primary = {c.patient_id: c.id for c in Coverage.select(Coverage.id, Coverage.patient)}
    checked = clock.local_to_utc(start - dt.timedelta(hours=6))
    checks, self_pay = [], []
    for a in todays:
        if a.patient_id in primary:
            checks.append(
                {
                    "coverage": primary[a.patient_id],
                    "appointment": a.id,
                    "status": "verified",
                    "method": "edi",
                    "reference": f"EV{rng.randint(100000, 999999)}",
                    "staff": desk.id,
                    "at": checked,
                }
            )
        else:
            self_pay.append(a.id)
    for batch in range(0, len(checks), 500):
        EligibilityCheck.insert_many(checks[batch : batch + 500]).execute()
    if self_pay:
        Appointment.update(self_pay=True).where(Appointment.id.in_(self_pay)).execute()
    in_rooms = [a.id for a in todays if a.status in ("roomed", "with_provider")]
    for n, appt_id in enumerate(in_rooms[:6], start=1):
        Appointment.update(room=f"Exam {n}").where(Appointment.id == appt_id).execute()
    balances = [
        {
            "patient": pid,
            "kind": "charge",
            "cents": rng.choice((1500, 3500, 4200, 8000, 12500)),
            "description": "Balance after insurance",
            "staff": desk.id,
            "at": clock.local_to_utc(start - dt.timedelta(days=rng.randint(10, 80))),
        }
        for pid in patient_ids
        if rng.random() < 0.1
    ]
    for batch in range(0, len(balances), 500):
        AccountEntry.insert_many(balances[batch : batch + 500]).execute()
    # Balances from before the books started: an opening entry carries them (the claims
    # and payments above posted their own entries through the services).
    post_opening_balances(desk, today - dt.timedelta(days=BOOKS_START_DAYS))


def _build_todays_steps(today, desk, nurse):
    """Today's steps as the desk and the nurse would have recorded them, so that undo works
    on the flow board as it does on a real day (it undoes the last recorded change). The
    audit trail gets none of them: it shows what happened in this file, the build."""
    start = dt.datetime.combine(today, dt.time.min)
    changes = []
    for a in Appointment.select().where(
        (Appointment.starts_at >= start)
        & (Appointment.starts_at < start + dt.timedelta(days=1))
        & Appointment.status.in_(FLOW)
    ):
        before = "booked"
        for status in FLOW[: FLOW.index(a.status) + 1]:
            changes.append(
                {
                    "appointment": a.id,
                    "from_status": before,
                    "to_status": status,
                    "at": getattr(a, STATUS_TIME[status]),
                    "staff": (desk if status in ("arrived", "checked_out") else nurse).id,
                }
            )
            before = status
    for batch in range(0, len(changes), 500):
        AppointmentStatusChange.insert_many(changes[batch : batch + 500]).execute()
