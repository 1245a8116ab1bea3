"""An 837P (005010X222A1) professional claim file built from plain claim data: the
submitter and receiver, one billing provider, and per claim its subscriber (and patient,
when not the subscriber), payer, claim, diagnoses, rendering provider, the other payer a
secondary claim follows (2320/2330 with its payment and adjustments, 2430 per line) and
the service lines. Pure: no database (export.py loads the data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .segments import Segment, d8, digits, envelope, money, name, render_interchange, transaction

VERSION = "005010X222A1"
# PAT01 / SBR02: the patient's relationship to the subscriber.
RELATIONSHIP = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    member_id: str = ""
    dob: dt.date | None = None
    sex: str = "U"
    address1: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""


@dataclass(frozen=True)
class Adjustment:
    group: str  # CO, PR, OI, PI, CR
    reason: str  # the CARC
    cents: int


@dataclass(frozen=True)
class Line:
    line_no: int
    code: str
    charge_cents: int
    units: int = 1
    modifiers: tuple[str, ...] = ()
    pointers: tuple[int, ...] = (1,)
    service_date: dt.date | None = None
    # What the prior payer paid and adjusted on this line (a secondary claim).
    prior_paid_cents: int | None = None
    prior_adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True)
class PriorPayer:
    """The primary payer a secondary claim follows, and what it did with the claim."""

    payer_name: str
    payer_id: str
    subscriber: Person
    relation: str
    paid_cents: int
    adjudicated: dt.date
    group_id: str = ""
    filing_indicator: str = "CI"
    adjustments: tuple[Adjustment, ...] = ()  # claim level (not on a line)


@dataclass(frozen=True)
class ClaimData:
    claim_id: int
    total_cents: int
    service_date: dt.date
    payer_name: str
    payer_id: str
    subscriber: Person
    patient: Person
    relation: str  # the patient to the subscriber: self, spouse, child, other
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    place_of_service: str = "11"
    responsibility: str = "P"  # P primary, S secondary
    filing_indicator: str = "CI"
    group_id: str = ""
    frequency: str = "1"  # CLM05-3: 1 original, 7 replacement (corrected), 8 void
    original_ref: str = ""  # REF*F8 on a 7 or 8: the payer's claim control number
    rendering: tuple[str, str, str] | None = None  # last, first, NPI
    prior: PriorPayer | None = None


@dataclass(frozen=True)
class BillingProvider:
    name: str
    npi: str
    tax_id: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str
    contact: str = "BILLING OFFICE"


@dataclass
class _Counter:
    hl: int = 0
    body: list[Segment] = field(default_factory=list)

    def add(self, *segments: Segment) -> None:
        self.body.extend(segments)


def _address(p: Person | BillingProvider) -> list[Segment]:
    return [
        ["N3", name(p.address1, 55)],
        ["N4", name(p.city, 30), name(p.state, 2), digits(p.zip)[:9]],
    ]


def _dmg(p: Person) -> Segment:
    sex = p.sex if p.sex in ("F", "M") else "U"
    return ["DMG", "D8", d8(p.dob), sex] if p.dob else ["DMG", "", "", sex]


def _cas(adjustments: tuple[Adjustment, ...]) -> list[Segment]:
    """CAS segments: one per group, up to six reason/amount pairs each."""
    out: list[Segment] = []
    groups: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        if adj.cents:
            groups.setdefault(adj.group, []).append(adj)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            seg: list = ["CAS", group]
            for adj in items[start : start + 6]:
                seg += [name(adj.reason, 5), money(adj.cents), ""]
            out.append(seg[:-1])
    return out


def _subscriber_name(p: Person, qualifier: str) -> Segment:
    return ["NM1", qualifier, "1", name(p.last, 60), name(p.first, 35), "", "", "", "MI",
            name(p.member_id, 80)]  # fmt: skip


def _prior(prior: PriorPayer) -> list[Segment]:
    """Loops 2320 (the other subscriber, with the other payer's payment), 2330A and 2330B."""
    segs: list[Segment] = [
        [
            "SBR",
            "P",
            RELATIONSHIP.get(prior.relation, "G8"),
            name(prior.group_id, 50),
            "",
            "",
            "",
            "",
            "",
            prior.filing_indicator,
        ],  # fmt: skip
        *_cas(prior.adjustments),
        ["AMT", "D", money(prior.paid_cents)],
        ["OI", "", "", "Y", "", "", "Y"],
        _subscriber_name(prior.subscriber, "IL"),
        [
            "NM1",
            "PR",
            "2",
            name(prior.payer_name, 60),
            "",
            "",
            "",
            "",
            "PI",
            name(prior.payer_id, 80),
        ],  # fmt: skip
    ]
    return segs


def _claim(c: ClaimData, prior_payer_id: str) -> list[Segment]:
    segs: list[Segment] = [
        [
            "CLM",
            str(c.claim_id),
            money(c.total_cents),
            "",
            "",
            (c.place_of_service, "B", c.frequency),
            "Y",
            "A",
            "Y",
            "Y",
        ],  # fmt: skip
    ]
    if c.frequency in ("7", "8") and c.original_ref:
        segs.append(["REF", "F8", name(c.original_ref, 50)])
    hi: list = ["HI"]
    for n, code in enumerate(c.diagnoses[:12]):
        hi.append(("ABK" if n == 0 else "ABF", code.replace(".", "").upper()))
    segs.append(hi)
    if c.rendering is not None:
        last, first, npi = c.rendering
        segs += [
            ["NM1", "82", "1", name(last, 60), name(first, 35), "", "", "", "XX", digits(npi)],
            ["PRV", "PE", "PXC", "207Q00000X"],
        ]
    if c.prior is not None:
        segs += _prior(c.prior)
    for line in c.lines:
        procedure = ("HC", name(line.code, 48), *(name(m, 2) for m in line.modifiers[:4]))
        pointers = tuple(str(p) for p in line.pointers[:4]) or ("1",)
        segs += [
            ["LX", str(line.line_no)],
            ["SV1", procedure, money(line.charge_cents), "UN", str(line.units), "", "", pointers],
            ["DTP", "472", "D8", d8(line.service_date or c.service_date)],
        ]
        if c.prior is not None and line.prior_paid_cents is not None:
            segs += [
                [
                    "SVD",
                    name(prior_payer_id, 80),
                    money(line.prior_paid_cents),
                    procedure,
                    "",
                    str(line.units),
                ],  # fmt: skip
                *_cas(line.prior_adjustments),
                ["DTP", "573", "D8", d8(c.prior.adjudicated)],
            ]
    return segs


def transaction_body(
    provider: BillingProvider,
    receiver: tuple[str, str],
    claims: list[ClaimData],
    reference: str,
    at: dt.datetime,
) -> list[Segment]:
    """BHT through the last claim: loops 1000A/B, 2000A and per claim 2000B (2000C)."""
    out = _Counter()
    out.add(
        ["BHT", "0019", "00", name(reference, 50), d8(at.date()), at.strftime("%H%M"), "CH"],
        [
            "NM1",
            "41",
            "2",
            name(provider.name, 60),
            "",
            "",
            "",
            "",
            "46",
            digits(provider.tax_id) or digits(provider.npi),
        ],  # fmt: skip
        ["PER", "IC", name(provider.contact, 60), "TE", digits(provider.phone)],
        ["NM1", "40", "2", name(receiver[0], 60), "", "", "", "", "46", name(receiver[1], 80)],
        ["HL", "1", "", "20", "1"],
        ["NM1", "85", "2", name(provider.name, 60), "", "", "", "", "XX", digits(provider.npi)],
        *_address(provider),
        ["REF", "EI", digits(provider.tax_id)],
    )
    out.hl = 1
    for c in claims:
        out.hl += 1
        subscriber_hl = out.hl
        is_self = c.relation == "self"
        out.add(
            ["HL", str(subscriber_hl), "1", "22", "0" if is_self else "1"],
            [
                "SBR",
                c.responsibility,
                "18" if is_self else "",
                name(c.group_id, 50),
                "",
                "",
                "",
                "",
                "",
                c.filing_indicator,
            ],  # fmt: skip
            _subscriber_name(c.subscriber, "IL"),
        )
        if c.subscriber.address1:
            out.add(*_address(c.subscriber))
        if is_self:
            out.add(_dmg(c.subscriber))
        out.add(["NM1", "PR", "2", name(c.payer_name, 60), "", "", "", "", "PI",
                 name(c.payer_id, 80)])  # fmt: skip
        if not is_self:
            out.hl += 1
            out.add(
                ["HL", str(out.hl), str(subscriber_hl), "23", "0"],
                ["PAT", RELATIONSHIP.get(c.relation, "G8")],
                ["NM1", "QC", "1", name(c.patient.last, 60), name(c.patient.first, 35)],
                *_address(c.patient),
                _dmg(c.patient),
            )
        out.add(*_claim(c, c.prior.payer_id if c.prior else ""))
    return out.body


def render_837p(
    provider: BillingProvider,
    receiver: tuple[str, str],
    claims: list[ClaimData],
    *,
    interchange_no: int,
    group_no: int,
    at: dt.datetime,
) -> str:
    """The whole file: one interchange, one group, one transaction set with every claim."""
    body = transaction_body(provider, receiver, claims, f"B{interchange_no}", at)
    segments = envelope(
        transaction("837", "0001", VERSION, body),
        sender=digits(provider.tax_id) or digits(provider.npi),
        receiver=receiver[1],
        interchange_no=interchange_no,
        group_no=group_no,
        at=at,
        version=VERSION,
        functional_id="HC",
    )
    return render_interchange(segments)
