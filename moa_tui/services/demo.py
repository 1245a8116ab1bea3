"""The demo clinic: a deterministic, clearly fictitious practice built around today.

Names are invented, phone numbers are in the 555-01xx range kept for fiction, e-mail is at
example.com, and procedure codes are public HCPCS Level II (no AMA CPT codes are shipped).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..db.database import db, write_transaction
from ..db.models import (
    AccountEntry,
    Appointment,
    AppointmentStatusChange,
    AppointmentType,
    BlockedTime,
    Claim,
    ClaimLine,
    ClaimStatusChange,
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
    StockMovement,
    SupplyItem,
    TypeIntakeItem,
)
from . import clock
from .core import audit
from .errors import ServiceError
from .scheduling.schedule import FLOW, STATUS_TIME
from .security.security import hash_password

FIRST = (
    "Ada Basil Cora Dex Ember Flint Greta Hollis Iris Jasper Kit Linden Mabel Nico Opal Perrin "
    "Quill Rosa Sage Tobin Una Vesper Wren Xavi Yara Zeke Alba Bram Clover Dorian Elsie Fenn "
    "Gwen Hugo Ines Jonah Kestrel Lark Milo Nell Orson Pippa Reed Sunny Thea Ulric Violet "
    "Willa Yusuf Zora Arlo Bea Cyrus Delphine Ezra Fern Gideon Hazel Ivo June"
).split()
LAST = (
    "Applewood Brightwater Cobblestone Dapplegrey Elderberry Fernsby Gumdrop Hollyhock "
    "Inkwell Juniper Kettleby Lanternfield Marigold Nutmeg Oakhaven Pebbleton Quackenbush "
    "Rosehip Saltmarsh Thistledown Umberfield Vellichor Willowisp Yarrowby Zephyrine "
    "Acornfield Bramblewood Candlewick Dewberry Everbright Foxglove Gingersnap Honeydew "
    "Ironbark Jellybean Kindlewood Lemonbalm Moonpenny Nettlefield Orchardly Puddingstone "
    "Quillfeather Riverstone Snapdragon Tumbleweed Underhill Valerian Whistledown Yellowfin "
    "Zestwood Smithwick Smithers Smallbrook Jonesbury Johnsonia Brownstone Greenleaf"
).split()
STREETS = "Maple Oak Cedar Elm Birch Willow Aspen Spruce Poplar Chestnut".split()
PROVIDERS = (
    ("Dr. Avery Quillfeather", "Dr Quillfeather", "MD"),
    ("Dr. Blake Moonpenny", "Dr Moonpenny", "DO"),
    ("Dr. Casey Everbright", "Dr Everbright", "MD"),
    ("Jordan Saltmarsh, NP", "NP Saltmarsh", "NP"),
)
# name, minutes, colour, may be overbooked
TYPES = (
    ("Follow-up", 15, "green", False),
    ("Sick visit", 15, "yellow", True),
    ("New patient", 30, "cyan", False),
    ("Physical", 30, "blue", False),
    ("Procedure", 30, "magenta", False),
)
HOURS = (("08:00", "12:00"), ("13:00", "17:00"))  # every day: a walk-in friendly practice
# A demo is opened to see the desk at work, at whatever hour someone tries it, and a clinic at
# rest (before opening, after closing, at 03:00) shows an empty flow board. So the demo clinic
# sits where it is mid-day now: in New York while its day there is under way, else in the
# first of these zones (American ones first) where it is. Moving the clinic, rather than
# opening it at midnight or faking the clock, keeps everything else true: the time on screen
# is the real time there, the morning is done, the afternoon to come, the evening empty, and
# audit instants are real UTC. Whole-hour steps of at most three hours, so one always fits.
DEMO_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Asia/Dubai",
    "Asia/Dhaka",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Pacific/Auckland",
)
MIDDAY = (dt.time(9, 30), dt.time(15, 30))  # every step of the flow board has people in it
LATE_MINUTES = 60  # a visit an hour past its time was seen or is a no-show, never still booked
PAYERS = (
    ("Acme Health Plan (demo)", "DEMO1"),
    ("Blue Demo Shield", "DEMO2"),
    ("Medicare (demo)", "DEMO3"),
    ("Medicaid (demo)", "DEMO4"),
    ("Sunrise Mutual (demo)", "DEMO5"),
)
STAFF = (
    ("desk", "Morgan Deskworth", "front_desk"),
    ("desk2", "Riley Frontley", "front_desk"),
    ("billing", "Sam Ledgerly", "billing"),
    ("nurse", "Pat Carewell", "clinician"),
    ("manager", "Dana Officer", "manager"),
    ("admin", "Alex Keyholder", "admin"),
    ("kiosk", "Waiting Room Kiosk", "kiosk"),
)
DEMO_PASSWORD = "demo-password-2026"
# Public HCPCS Level II codes with demo charges in cents.
HCPCS = (
    ("G0438", 17500),
    ("G0439", 12500),
    ("G0008", 3500),
    ("J3420", 2500),
    ("J1100", 1500),
    ("Q0091", 4500),
    ("G0442", 2000),
    ("G0444", 2200),
    ("A4550", 1200),
    ("J0696", 1800),
)
ICD10 = ("Z00.00", "I10", "E11.9", "J06.9", "M54.50", "Z23", "E78.5", "R05.9", "F41.1", "K21.9")
SUPPLIES = (
    ("Exam gloves nitrile M", "box of 100"),
    ("Exam gloves nitrile L", "box of 100"),
    ("Exam gloves nitrile S", "box of 100"),
    ("Exam table paper", "roll"),
    ("Alcohol prep pads", "box of 200"),
    ("Cotton balls", "bag of 300"),
    ("Gauze pads 2x2", "pack of 200"),
    ("Gauze pads 4x4", "pack of 100"),
    ("Adhesive bandages", "box of 100"),
    ("Tongue depressors", "box of 500"),
    ("Syringe 3 mL", "box of 100"),
    ("Syringe 1 mL TB", "box of 100"),
    ("Needle 25G 1in", "box of 100"),
    ("Needle 22G 1.5in", "box of 100"),
    ("Sharps container 1 qt", "each"),
    ("Sharps container 1 gal", "each"),
    ("Specimen cups", "case of 100"),
    ("Urine dipsticks", "bottle of 100"),
    ("Glucose test strips", "box of 50"),
    ("Lancets", "box of 200"),
    ("Thermometer probe covers", "box of 500"),
    ("Otoscope specula 2.5mm", "box of 250"),
    ("Otoscope specula 4mm", "box of 250"),
    ("Face masks", "box of 50"),
    ("N95 respirators", "box of 20"),
    ("Isolation gowns", "pack of 10"),
    ("Hand sanitizer 16 oz", "bottle"),
    ("Disinfectant wipes", "canister"),
    ("Biohazard bags", "box of 100"),
    ("Paper gowns", "case of 50"),
    ("Drape sheets", "case of 100"),
    ("Blood pressure cuff adult", "each"),
    ("Blood pressure cuff large", "each"),
    ("Pulse oximeter", "each"),
    ("ECG electrodes", "pack of 100"),
    ("Ultrasound gel", "bottle"),
    ("Suture kit", "each"),
    ("Skin stapler", "each"),
    ("Lidocaine 1% 20 mL", "vial"),
    ("Saline flush 10 mL", "box of 30"),
    ("Tourniquets", "pack of 25"),
    ("Vacutainer tubes lavender", "box of 100"),
    ("Vacutainer tubes red", "box of 100"),
    ("Butterfly needles 23G", "box of 50"),
    ("Cold packs", "case of 24"),
    ("Elastic bandage 3in", "each"),
    ("Finger splints", "each"),
    ("Cotton-tipped applicators", "box of 1000"),
    ("Printer paper", "case"),
    ("Toner cartridge", "each"),
    ("Patient labels", "roll"),
    ("Clipboard", "each"),
    ("Pens", "box of 12"),
    ("File folders", "box of 100"),
    ("Envelopes #10", "box of 500"),
    ("Flu vaccine syringes", "box of 10"),
    ("Tetanus vaccine", "vial"),
    ("Pregnancy tests", "box of 25"),
    ("Strep A tests", "kit of 25"),
    ("COVID antigen tests", "kit of 25"),
)


@dataclass(frozen=True)
class DemoSize:
    patients: int = 2000
    days_each_side: int = 30
    claims: int = 300


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


def build_demo(size: DemoSize = DemoSize(), seed: int = 2026) -> None:
    """Fill an empty, migrated database with the demo clinic, in one transaction. The clinic
    is placed where it is mid-day now (demo_zone) and the clock is set to its zone; its day
    follows the clock: the morning seen, the afternoon to come."""
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

        _build_schedule(rng, today, now_local, size, providers, types, patient_ids, desk)
        _build_claims(rng, today, size, providers, payers, patient_ids, desk)
        _build_supplies(rng, desk)
        _build_front_desk(rng, today, types, patient_ids, desk)
        _build_todays_steps(today, desk, StaffMember.get(StaffMember.username == "nurse"))


INTAKE = (
    # name, every how many days (None: once, 0: every visit), for which types (None: all)
    ("Privacy notice acknowledged", None, None),
    ("Consent to treat signed", 365, None),
    ("Health history form", 365, ("New patient", "Physical")),
    ("ID and insurance card copied", 365, None),
)


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


def _build_schedule(rng, today, now_local, size, providers, types, patient_ids, desk):
    appts = []
    for offset in range(-size.days_each_side, size.days_each_side + 1):
        day = today + dt.timedelta(days=offset)
        if offset == 10:
            continue  # the clinic is closed that day
        for index, prov in enumerate(providers):
            if index == 1 and 15 <= offset < 20:
                continue  # on vacation
            for starts, ends in HOURS:
                t = dt.datetime.combine(day, dt.time.fromisoformat(starts))
                close = dt.datetime.combine(day, dt.time.fromisoformat(ends))
                while t < close:
                    kind = rng.choices(types, weights=(40, 25, 12, 15, 8))[0]
                    end = t + dt.timedelta(minutes=kind.default_minutes)
                    if rng.random() < 0.25 or end > close:  # an open slot
                        t += dt.timedelta(minutes=15)
                        continue
                    appts.append(_appointment(rng, t, kind, prov, patient_ids, now_local, desk))
                    t = end
    _fill_board(appts, now_local)
    for batch in range(0, len(appts), 500):
        Appointment.insert_many(appts[batch : batch + 500]).execute()


def _appointment(rng, start, kind, prov, patient_ids, now_local, desk) -> dict:
    row = {
        "patient": rng.choice(patient_ids),
        "provider": prov.id,
        "appt_type": kind.id,
        "starts_at": start,
        "minutes": kind.default_minutes,
        "status": "booked",
        "booked_at": clock.local_to_utc(start - dt.timedelta(days=rng.randint(1, 40))),
        "updated_by": desk.id,
        # Every row names every status time: a bulk insert takes its columns from the first.
        **dict.fromkeys(STATUS_TIME.values()),
    }
    minutes_ago = (now_local - start).total_seconds() / 60
    roll = rng.random()
    # Decisions the first demo did not make come from a die of the visit's own, so the shared
    # stream (and every demo and test built on it) stays as it was.
    own = random.Random(f"{start.isoformat()}|{prov.id}")
    if minutes_ago < -10:
        return row  # still to come
    if start.date() == now_local.date() and roll > 0.8:
        if minutes_ago <= LATE_MINUTES:
            return row  # today's and not here yet: running late
        # Long past its time: a desk would have marked it by now (seen, or a no-show).
        if own.random() < 0.3:
            row.update(
                status="no_show", no_show_at=clock.local_to_utc(start + dt.timedelta(minutes=20))
            )
            return row
        return _walk(own, row, start, now_local)
    if roll < 0.06:
        row.update(
            status="no_show", no_show_at=clock.local_to_utc(start + dt.timedelta(minutes=20))
        )
        return row
    if roll < 0.12 and minutes_ago > 0:
        row.update(
            status="cancelled", cancelled_at=clock.local_to_utc(start - dt.timedelta(hours=20))
        )
        return row
    if -10 < minutes_ago < 5:
        # Due about now: in the waiting room.
        arrived = min(start, now_local) - dt.timedelta(minutes=rng.randint(0, 5))
        row.update(status="arrived", arrived_at=clock.local_to_utc(arrived))
        return row
    return _walk(rng, row, start, now_local, own)


def _walk(rng, row, start, now_local, own=None) -> dict:
    """Walk the visit along the flow as far as the clock allows. The four steps are drawn
    from *rng* as the first demo drew them; intake done (between arriving and the room) and
    ready to go (between the provider and check-out) are placed with the visit's own die."""
    own = own or rng
    when = start - dt.timedelta(minutes=rng.randint(0, 15))
    times = {}
    for status, (low, high) in (
        ("arrived", (0, 0)),
        ("roomed", (3, 25)),
        ("with_provider", (2, 15)),
        ("checked_out", (8, 30)),
    ):
        when += dt.timedelta(minutes=rng.randint(low, high))
        times[status] = when
        if when > now_local:
            break
    for step, (before, after) in (
        ("intake_done", ("arrived", "roomed")),
        ("ready_checkout", ("with_provider", "checked_out")),
    ):
        if before in times and after in times:
            times[step] = times[before] + (times[after] - times[before]) * own.uniform(0.3, 0.7)
    for status in FLOW:
        if status in times and times[status] <= now_local:
            row["status"] = status
            row[f"{status}_at"] = clock.local_to_utc(times[status].replace(microsecond=0))
    return row


def _fill_board(appts: list[dict], now_local: dt.datetime) -> None:
    """Make sure today's flow board shows every step once the day is under way: with a few
    providers the dice can leave a step empty, and the demo is how a new user learns them.
    A missing step is given to the visit whose time fits it best (arrived: due now; checked
    out: an hour ago), taken from a step that has others in it, its times redrawn up to now."""
    if now_local.time() < dt.time(9):
        return  # too early in the day for anyone to have finished
    today = [
        a
        for a in appts
        if a["starts_at"].date() == now_local.date()
        and a["status"] in ("booked", *FLOW)
        and now_local - dt.timedelta(minutes=90) <= a["starts_at"] <= now_local
    ]
    for index, status in enumerate(FLOW):
        held = [a["status"] for a in appts if a["starts_at"].date() == now_local.date()]
        if status in held:
            continue
        ideal = now_local - dt.timedelta(minutes=12 * index)
        spare = [a for a in today if a["status"] == "booked" or held.count(a["status"]) > 1]
        if not spare:
            continue
        row = min(spare, key=lambda a: (abs(a["starts_at"] - ideal), a["provider"]))
        _place(row, index, now_local)


def _place(row: dict, index: int, now_local: dt.datetime) -> None:
    """Set *row* at step FLOW[index], its steps spread evenly from its arrival to now."""
    for status in FLOW:
        row[f"{status}_at"] = None
    arrived = min(row["starts_at"], now_local) - dt.timedelta(minutes=5)
    gap = (now_local - dt.timedelta(minutes=1) - arrived) / max(index, 1)
    for n, status in enumerate(FLOW[: index + 1]):
        row[f"{status}_at"] = clock.local_to_utc((arrived + gap * n).replace(microsecond=0))
    row["status"] = FLOW[index]


def _build_claims(rng, today, size, providers, payers, patient_ids, desk):
    by_age = (
        (30, ("draft", "ready", "submitted", "submitted", "accepted")),
        (60, ("submitted", "accepted", "denied", "paid", "paid")),
        (90, ("accepted", "denied", "paid", "paid")),
        (150, ("denied", "paid", "submitted", "accepted")),
    )
    for _ in range(size.claims):
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


def _build_supplies(rng, desk):
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
