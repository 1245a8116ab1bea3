"""Reading an 835 (005010X221A1) remittance with pyx12: its validator gives the verdict
first (checker.py), then pyx12's reader splits the segments and elements; here they become
plain data: the payment (BPR), the check or EFT number (TRN02), each claim payment (CLP)
with its claim-level and line adjustments (CAS), remark codes (LQ*HE) and the
provider-level adjustments (PLB). A file that fails the validator, or whose amounts do not
balance, is refused whole with the reason (Malformed)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pyx12.errors
import pyx12.x12file

from .checker import check
from .segments import cents


class Malformed(ValueError):
    """The file is not a valid, balanced 835; the message says why."""


@dataclass
class Service:
    code: str
    charge_cents: int
    paid_cents: int
    units: int
    service_date: dt.date | None = None
    adjustments: list[tuple[str, str, int]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class ClaimPayment:
    claim_ref: str  # CLP01
    status: str  # CLP02
    charge_cents: int
    paid_cents: int
    patient_cents: int
    payer_claim_no: str
    patient_last: str = ""
    patient_first: str = ""
    member_id: str = ""
    service_date: dt.date | None = None
    adjustments: list[tuple[str, str, int]] = field(default_factory=list)  # claim level
    services: list[Service] = field(default_factory=list)

    def adjusted_cents(self) -> int:
        return sum(c for *_x, c in self.adjustments) + sum(
            c for s in self.services for *_x, c in s.adjustments
        )


@dataclass
class Remit:
    paid_cents: int = 0
    check_no: str = ""
    payer_name: str = ""
    payment_date: dt.date | None = None
    provider_adjustment_cents: int = 0  # PLB total; positive: money the payer kept back
    claims: list[ClaimPayment] = field(default_factory=list)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text or "", "%Y%m%d").date()
    except ValueError:
        return None


def _cas(seg) -> list[tuple[str, str, int]]:
    group = seg.get_value("CAS01") or ""
    out = []
    for n in range(2, 19, 3):
        reason = seg.get_value(f"CAS{n:02d}")
        amount = seg.get_value(f"CAS{n + 1:02d}")
        if reason and amount:
            out.append((group, reason, cents(amount)))
    return out


def _segments(text: str):
    try:
        reader = pyx12.x12file.X12Reader(io.StringIO(text))
    except pyx12.errors.X12Error as exc:
        raise Malformed(f"This is not an X12 file ({exc}).") from exc
    try:
        yield from reader
    finally:
        reader.close()


def parse(text: str) -> Remit:
    """*text* as a Remit, or Malformed with the reason (validator errors, amounts that do
    not balance, a file that is not an 835)."""
    verdict = check(text)
    if not verdict.valid:
        first = "; ".join(verdict.errors[:3])
        more = f" (and {len(verdict.errors) - 3} more)" if len(verdict.errors) > 3 else ""
        raise Malformed(f"The file is not a valid X12 file: {first}{more}.")
    remit = Remit()
    claim: ClaimPayment | None = None
    service: Service | None = None
    kind = ""
    try:
        for seg in _segments(text):
            sid = seg.get_seg_id()
            if sid == "ST":
                kind = seg.get_value("ST01") or ""
            elif sid == "BPR":
                remit.paid_cents += cents(seg.get_value("BPR02") or "0")
                remit.payment_date = _date(seg.get_value("BPR16"))
            elif sid == "TRN" and not remit.check_no:
                remit.check_no = seg.get_value("TRN02") or ""
            elif sid == "N1" and seg.get_value("N101") == "PR":
                remit.payer_name = seg.get_value("N102") or ""
            elif sid == "CLP":
                claim = ClaimPayment(
                    claim_ref=seg.get_value("CLP01") or "",
                    status=seg.get_value("CLP02") or "",
                    charge_cents=cents(seg.get_value("CLP03") or "0"),
                    paid_cents=cents(seg.get_value("CLP04") or "0"),
                    patient_cents=cents(seg.get_value("CLP05") or "0"),
                    payer_claim_no=seg.get_value("CLP07") or "",
                )
                remit.claims.append(claim)
                service = None
            elif sid == "NM1" and claim is not None and seg.get_value("NM101") == "QC":
                claim.patient_last = seg.get_value("NM103") or ""
                claim.patient_first = seg.get_value("NM104") or ""
                claim.member_id = seg.get_value("NM109") or ""
            elif sid == "SVC" and claim is not None:
                service = Service(
                    code=seg.get_value("SVC01-2") or "",
                    charge_cents=cents(seg.get_value("SVC02") or "0"),
                    paid_cents=cents(seg.get_value("SVC03") or "0"),
                    units=int(float(seg.get_value("SVC05") or "1")),
                )
                claim.services.append(service)
            elif sid == "CAS" and claim is not None:
                (service.adjustments if service else claim.adjustments).extend(_cas(seg))
            elif sid == "DTM" and seg.get_value("DTM01") in ("472", "232") and claim is not None:
                day = _date(seg.get_value("DTM02"))
                if service is not None and seg.get_value("DTM01") == "472":
                    service.service_date = day
                claim.service_date = claim.service_date or day
            elif sid == "LQ" and service is not None and seg.get_value("LQ01") == "HE":
                service.remarks.append(seg.get_value("LQ02") or "")
            elif sid == "PLB":
                for n in range(4, 15, 2):
                    amount = seg.get_value(f"PLB{n:02d}")
                    if amount:
                        remit.provider_adjustment_cents += cents(amount)
    except ValueError as exc:
        raise Malformed(f"An amount in the file cannot be read: {exc}.") from exc
    if kind != "835":
        raise Malformed("This is not an 835 remittance.")
    _balance(remit)
    return remit


def _balance(remit: Remit) -> None:
    """The payer's own arithmetic: refuses a file whose sums disagree."""
    for c in remit.claims:
        if c.charge_cents != c.paid_cents + c.adjusted_cents():
            raise Malformed(
                f"Claim {c.claim_ref} does not balance: charged {c.charge_cents / 100:.2f}, "
                f"paid {c.paid_cents / 100:.2f}, adjusted {c.adjusted_cents() / 100:.2f}."
            )
        for s in c.services:
            if s.charge_cents != s.paid_cents + sum(a for *_x, a in s.adjustments):
                raise Malformed(f"Claim {c.claim_ref}, {s.code}: the line does not balance.")
    expected = sum(c.paid_cents for c in remit.claims) - remit.provider_adjustment_cents
    if remit.paid_cents != expected:
        raise Malformed(
            f"The payment {remit.paid_cents / 100:.2f} (BPR02) is not the claims' payments "
            f"less provider adjustments ({expected / 100:.2f})."
        )
    if not remit.check_no:
        raise Malformed("The file names no check or EFT number (TRN02).")
