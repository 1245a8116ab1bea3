"""Writing an 835 (005010X221A1) remittance from plain data: the demo's payer answering
the demo's submitted claims (`moa-tui --demo billing demo-835 FILE`), and the benchmarks
and tests. Pure: no database. Amounts balance as a payer's must: each line's charge is its
payment plus its adjustments, each claim's likewise, and BPR02 is the claims' payments
less the provider-level adjustments (PLB)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .segments import Segment, d8, digits, envelope, money, name, render_interchange, transaction

VERSION = "005010X221A1"


@dataclass(frozen=True)
class RemitLine:
    code: str
    charge_cents: int
    paid_cents: int
    units: int = 1
    service_date: dt.date | None = None
    adjustments: tuple[tuple[str, str, int], ...] = ()  # (group, CARC, cents)
    remarks: tuple[str, ...] = ()  # RARC, sent in LQ*HE


@dataclass(frozen=True)
class RemitClaim:
    claim_ref: str  # CLP01: our claim id as sent in CLM01
    status: str  # CLP02: 1 processed as primary, 2 secondary, 4 denied
    patient_last: str
    patient_first: str
    member_id: str
    lines: tuple[RemitLine, ...]
    payer_claim_no: str = ""
    claim_adjustments: tuple[tuple[str, str, int], ...] = ()

    @property
    def charge_cents(self) -> int:
        return sum(ln.charge_cents for ln in self.lines)

    @property
    def paid_cents(self) -> int:
        return sum(ln.paid_cents for ln in self.lines)

    @property
    def patient_cents(self) -> int:
        every = [a for ln in self.lines for a in ln.adjustments] + list(self.claim_adjustments)
        return sum(c for g, _r, c in every if g == "PR")


def _cas(adjustments) -> list[Segment]:
    out: list[Segment] = []
    by_group: dict[str, list] = {}
    for group, reason, cents in adjustments:
        by_group.setdefault(group, []).append((reason, cents))
    for group, items in by_group.items():
        for start in range(0, len(items), 6):
            seg: list = ["CAS", group]
            for reason, cents in items[start : start + 6]:
                seg += [reason, money(cents), ""]
            out.append(seg[:-1])
    return out


def render_835(
    claims: list[RemitClaim],
    *,
    payer_name: str,
    payer_id: str,
    payee_name: str,
    payee_npi: str,
    check_no: str,
    paid_on: dt.date,
    interchange_no: int,
    at: dt.datetime,
    provider_adjustments: tuple[tuple[str, int], ...] = (),  # (reason code, cents) in PLB
) -> str:
    total = sum(c.paid_cents for c in claims) - sum(c for _r, c in provider_adjustments)
    body: list[Segment] = [
        [
            "BPR",
            "I" if total else "H",
            money(total),
            "C",
            "CHK" if total else "NON",
            *[""] * 11,
            d8(paid_on),
        ],  # fmt: skip
        ["TRN", "1", name(check_no, 50), "1" + (digits(payer_id) or "999999999")[:9].rjust(9, "0")],
        ["DTM", "405", d8(paid_on)],
        ["N1", "PR", name(payer_name, 60)],
        ["N3", "1 PAYER RD"],
        ["N4", "ALBANY", "NY", "12207"],
        ["PER", "BL", "PROVIDER SERVICES", "TE", "5550100001"],
        ["N1", "PE", name(payee_name, 60), "XX", digits(payee_npi)],
        ["LX", "1"],
    ]
    for c in claims:
        body += [
            [
                "CLP",
                name(c.claim_ref, 38),
                c.status,
                money(c.charge_cents),
                money(c.paid_cents),
                money(c.patient_cents) if c.patient_cents else "",
                "12",
                name(c.payer_claim_no or c.claim_ref, 50),
                "11",
                "1",
            ],  # fmt: skip
            *_cas(c.claim_adjustments),
            [
                "NM1",
                "QC",
                "1",
                name(c.patient_last, 60),
                name(c.patient_first, 35),
                "",
                "",
                "",
                "MI",
                name(c.member_id, 80),
            ],  # fmt: skip
        ]
        for ln in c.lines:
            body.append(["SVC", ("HC", name(ln.code, 48)), money(ln.charge_cents),
                         money(ln.paid_cents), "", str(ln.units)])  # fmt: skip
            if ln.service_date:
                body.append(["DTM", "472", d8(ln.service_date)])
            body += _cas(ln.adjustments)
            body += [["LQ", "HE", name(r, 30)] for r in ln.remarks]
    if provider_adjustments:
        plb: list = ["PLB", digits(payee_npi), f"{paid_on.year}1231"]
        for reason, cents in provider_adjustments:
            plb += [("L6" if reason == "L6" else reason, check_no[:50]), money(cents)]
        body.append(plb)
    segments = envelope(
        transaction("835", "0001", "", body),
        sender=payer_id,
        receiver=digits(payee_npi),
        interchange_no=interchange_no,
        group_no=interchange_no,
        at=at,
        version=VERSION,
        functional_id="HP",
    )
    return render_interchange(segments)
