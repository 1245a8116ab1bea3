"""The generated clinic's people: the practice, staff, providers, appointment types and
hours, payers, the patients (Zipf-like names) with their coverage, and the waitlist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import (
    AppointmentType,
    ClinicSettings,
    Coverage,
    Patient,
    Payer,
    Provider,
    ProviderHours,
    Room,
    StaffMember,
    WaitlistEntry,
)
from ..patients.patient_form import name_key
from .data import STAFF, STREETS, TYPES
from .large_bulk import Table
from .large_names import FIRST_NAMES_F, FIRST_NAMES_M, PAYERS, surnames, zipf_weights

ZONE = "America/New_York"
PATIENTS_PER_PROVIDER = 5_000
AREA_CODES = (201, 212, 315, 332, 347, 516, 518, 585, 607, 631, 646, 716, 718, 845, 914, 917)


@dataclass
class Setup:
    providers: list[int]
    saturday: list[int]  # providers who also work Saturday mornings
    types: list[tuple[int, int]]  # (id, minutes)
    staff: list[int]
    desk: int
    payers: list[int]


def practice(rng, patients, password_hash, fingerprint) -> Setup:
    ClinicSettings.delete().execute()
    ClinicSettings.create(
        name="Generated Network Clinic",
        time_zone=ZONE,
        address="1 Benchmark Plaza, Springfield, NY 12345",
        phone="2125550100",
        npi="1234567893",
        tax_id="000000000",
        is_demo=True,  # invented data, public password: never a real clinic
        audit_key_id=fingerprint,
    )
    n_providers = max(2, round(patients / PATIENTS_PER_PROVIDER))
    sites = max(1, n_providers // 5)
    staff_rows = [(u, n, r) for u, n, r in STAFF] + [
        (f"desk{n:02d}", f"Site {n} Front Desk", "front_desk") for n in range(1, sites + 1)
    ]
    table = Table(
        StaffMember,
        ["id", "username", "full_name", "role", "password_hash", "must_change_password"],
    )
    for n, (username, name, role) in enumerate(staff_rows, start=1):
        table.add((n, username, name, role, password_hash, 0))
    table.flush()
    names = surnames(3000)
    firsts = FIRST_NAMES_F + FIRST_NAMES_M
    table = Table(Provider, ["id", "full_name", "short_name", "credentials", "npi"])
    lasts = rng.sample(names[:1500], n_providers)
    for n, last in enumerate(lasts, start=1):
        credentials = rng.choice(("MD", "MD", "MD", "DO", "NP", "PA"))
        first = rng.choice(firsts)
        if credentials in ("MD", "DO"):
            full, short = f"Dr. {first} {last}", f"Dr {last}"[:24]
        else:
            full, short = f"{first} {last}, {credentials}", f"{credentials} {last}"[:24]
        table.add((n, full, short, credentials, ""))
    table.flush()
    providers = list(range(1, n_providers + 1))
    saturday = providers[::5]
    types = []
    for n, (name, minutes, color, overbook) in enumerate(TYPES, start=1):
        AppointmentType.insert(
            id=n, name=name, default_minutes=minutes, color=color, allow_overbook=overbook
        ).execute()
        types.append((n, minutes))
    hours = Table(ProviderHours, ["provider_id", "weekday", "starts", "ends"])
    for p in providers:
        for day in range(5):
            hours.add((p, day, "08:00", "12:00"))
            hours.add((p, day, "13:00", "17:00"))
        if p in saturday:
            hours.add((p, 5, "09:00", "12:00"))
    hours.flush()
    rooms = Table(Room, ["name"])
    for site in range(1, sites + 1):
        rooms.extend((f"S{site} Exam {n}",) for n in range(1, 9))
    rooms.flush()
    payer_table = Table(Payer, ["id", "name", "payer_code"])
    for n, (name, code) in enumerate(PAYERS, start=1):
        payer_table.add((n, name, code))
    payer_table.flush()
    staff_ids = list(range(1, len(staff_rows) + 1))
    desk = next(i for i, row in zip(staff_ids, staff_rows, strict=True) if row[0] == "desk")
    return Setup(providers, saturday, types, staff_ids, desk, list(range(1, len(PAYERS) + 1)))


def patients_and_coverage(rng, count, today, setup: Setup) -> list:
    """The patients and their coverage; returns each patient's primary (coverage id, payer
    id) (None: self-pay), indexed by patient id."""
    names = surnames(3000)
    last_names = rng.choices(names, cum_weights=zipf_weights(len(names), 8.0, 1.0), k=count)
    cw_f = zipf_weights(len(FIRST_NAMES_F), 4.0, 1.1)
    cw_m = zipf_weights(len(FIRST_NAMES_M), 4.0, 1.1)
    payer_cw = zipf_weights(len(setup.payers), 2.0, 1.0)
    patients = Table(
        Patient,
        [
            "id",
            "mrn",
            "last_name",
            "first_name",
            "last_key",
            "first_key",
            "dob",
            "sex",
            "phone_mobile",
            "phone_home",
            "email",
            "address1",
            "city",
            "state",
            "zip",
            "merged_into_id",
            "restricted",
            "updated_by_id",
        ],
    )
    coverage = Table(
        Coverage,
        [
            "id",
            "patient_id",
            "payer_id",
            "priority",
            "member_id",
            "group_id",
            "copay_cents",
            "effective",
        ],
    )
    primary: list[tuple[int, int] | None] = [None] * (count + 1)  # (coverage id, payer id)
    for pid in range(1, count + 1):
        sex = "F" if rng.random() < 0.52 else "M"
        pool, cw = (FIRST_NAMES_F, cw_f) if sex == "F" else (FIRST_NAMES_M, cw_m)
        first = rng.choices(pool, cum_weights=cw)[0]
        last = last_names[pid - 1]
        if rng.random() < 0.02:  # a double-barrelled surname
            last = f"{last}-{rng.choice(names[:400])}"
        dob = today - dt.timedelta(days=rng.randint(30, 365 * 95))
        mobile = f"{rng.choice(AREA_CODES)}555{rng.randint(0, 9999):04d}"
        home = (
            f"{rng.choice(AREA_CODES)}555{rng.randint(0, 9999):04d}" if rng.random() < 0.3 else ""
        )
        merged = rng.randint(1, pid - 1) if pid > 10 and rng.random() < 0.002 else None
        patients.add(
            (
                pid,
                str(100000 + pid),
                last,
                first,
                name_key(last),
                name_key(first),
                dob.isoformat(),
                sex,
                mobile,
                home,
                f"{first}.{last}{pid}@example.com".lower().replace("'", ""),
                f"{rng.randint(1, 9999)} {rng.choice(STREETS)} St",
                "Springfield",
                "NY",
                f"12{rng.randint(300, 399)}",
                merged,
                int(rng.random() < 0.005),
                setup.desk,
            )
        )
        if rng.random() < 0.9:
            payer = rng.choices(setup.payers, cum_weights=payer_cw)[0]
            effective = today - dt.timedelta(days=rng.randint(30, 4000))
            primary[pid] = (coverage.count + len(coverage.pending) + 1, payer)
            coverage.add(
                (
                    primary[pid][0],
                    pid,
                    payer,
                    1,
                    f"M{rng.randint(10**8, 10**9 - 1)}",
                    f"G{rng.randint(1000, 9999)}",
                    rng.choice((0, 1500, 2000, 2500, 4000)),
                    effective.isoformat(),
                )
            )
            if rng.random() < 0.12:
                coverage.add(
                    (
                        coverage.count + len(coverage.pending) + 1,
                        pid,
                        rng.choice(setup.payers),
                        2,
                        f"S{rng.randint(10**8, 10**9 - 1)}",
                        "",
                        0,
                        effective.isoformat(),
                    )
                )
    patients.flush()
    coverage.flush()
    waitlist = Table(
        WaitlistEntry,
        [
            "patient_id",
            "provider_id",
            "weekdays",
            "part_of_day",
            "earliest",
            "note",
            "active",
            "created_by_id",
        ],
    )
    for _ in range(max(5, count // 125)):
        waitlist.add(
            (
                rng.randint(1, count),
                rng.choice([None, *setup.providers]),
                "01234",
                rng.choice(("", "am", "pm")),
                (today + dt.timedelta(days=rng.randint(0, 30))).isoformat(),
                "",
                int(rng.random() < 0.6),
                setup.desk,
            )
        )
    waitlist.flush()
    return primary
