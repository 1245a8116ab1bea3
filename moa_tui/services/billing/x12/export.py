"""837P out: ready claims become one file per payer (a batch) with unique, persisted
interchange and group control numbers; the claims become "submitted" with the batch's
number in their history. The file's text is kept with the batch, so re-exporting a batch
writes the same bytes. Files are written through services/files.py's one safe path."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from ....db.models import (
    Claim,
    ClaimStatusChange,
    Patient,
    Payer,
    StaffMember,
    X12Batch,
    X12BatchClaim,
)
from ... import clock
from ...books.postings import claims_moved
from ...core import audit, get_or_refuse, reader, writer
from ...errors import ServiceError
from ...files import expand_home, save_export
from ...validate import check_limit, format_money
from .claim837 import render_837p
from .load837 import NotBillable, billing_provider, claim_data, preload

MAX_CONTROL = 999_999_999  # ISA13 has nine digits


@dataclass(frozen=True)
class BatchInfo:
    batch_id: int
    interchange_no: int
    payer: str
    claim_count: int
    total_cents: int
    file_name: str

    def line(self) -> str:
        return (
            f"{self.file_name}: {self.claim_count} claim(s) to {self.payer}, "
            f"{format_money(self.total_cents)} (batch {self.interchange_no})"
        )


@dataclass(frozen=True)
class ExportResult:
    batches: tuple[BatchInfo, ...]
    skipped: tuple[str, ...]  # claims left "ready", with the reason
    written: tuple[Path, ...] = ()

    def summary(self) -> str:
        if not self.batches:
            head = "No ready claims could be sent."
        else:
            claims = sum(b.claim_count for b in self.batches)
            head = f"{claims} claim(s) in {len(self.batches)} file(s)."
        return "\n".join([head, *(b.line() for b in self.batches), *self.skipped])


def _file_name(b: X12Batch) -> str:
    code = "".join(ch for ch in b.payer.payer_code if ch.isalnum())[:20] or f"payer{b.payer_id}"
    return f"837P-{b.interchange_no:09d}-{code}.x12"


def _info(b: X12Batch) -> BatchInfo:
    return BatchInfo(b.id, b.interchange_no, b.payer.name, b.claim_count, b.total_cents,
                     _file_name(b))  # fmt: skip


def _sent_status(c: Claim) -> str:
    """A void (frequency 8) owes nothing once sent: closed, so it never counts as open
    (the original it cancels is void already); every other claim is submitted."""
    return "closed" if c.frequency == "8" else "submitted"


def _next_numbers() -> tuple[int, int]:
    row = X12Batch.select(fn.MAX(X12Batch.interchange_no), fn.MAX(X12Batch.group_no)).tuples()
    top_isa, top_gs = row.first() or (None, None)
    isa, gs = (top_isa or 0) + 1, (top_gs or 0) + 1
    if isa > MAX_CONTROL or gs > MAX_CONTROL:
        raise ServiceError("The interchange control numbers are used up; call support.")
    return isa, gs


@writer("claims.write")
def create_batches(actor: StaffMember, payer_id: int | None = None) -> ExportResult:
    """Every ready claim (of one payer, or all) into one batch per payer, in one
    transaction: the batch with its control numbers and file text, the claims submitted
    with a status history row naming the batch. Claims that cannot be billed stay ready
    and are listed with the reason; refuses when the practice itself is incomplete."""
    try:
        provider = billing_provider()
    except NotBillable as exc:
        raise ServiceError(str(exc)) from exc
    query = (
        Claim.select(Claim, Patient, Payer)
        .join(Patient, on=(Claim.patient == Patient.id))
        .switch(Claim)
        .join(Payer, on=(Claim.payer == Payer.id))
        .where(Claim.status == "ready")
    )
    if payer_id is not None:
        query = query.where(Claim.payer == get_or_refuse(Payer, payer_id, "payer").id)
    by_payer: dict[int, list] = defaultdict(list)
    skipped: list[str] = []
    claims = list(query.order_by(Claim.payer, Claim.id))
    pre = preload(claims)
    for c in claims:
        try:
            data = claim_data(c, pre)
        except NotBillable as exc:
            skipped.append(f"Not sent: {exc}")
            continue
        by_payer[c.payer_id].append((c, data))
    now = clock.now_utc()
    local = clock.utc_to_local(now)
    infos = []
    for pid, items in sorted(by_payer.items()):
        payer = Payer.get_by_id(pid)
        isa, gs = _next_numbers()
        text = render_837p(provider, (payer.name, payer.payer_code), [d for _c, d in items],
                           interchange_no=isa, group_no=gs, at=local)  # fmt: skip
        batch = X12Batch.create(
            payer=payer, interchange_no=isa, group_no=gs, claim_count=len(items),
            total_cents=sum(c.total_cents for c, _d in items), content=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(), staff=actor, created_at=now,
        )  # fmt: skip
        X12BatchClaim.insert_many([{"batch": batch.id, "claim": c.id} for c, _d in items]).execute()
        ClaimStatusChange.insert_many(
            [
                {
                    "claim": c.id,
                    "from_status": "ready",
                    "to_status": _sent_status(c),
                    "note": f"Sent electronically in batch {isa} (837P)",
                    "staff": actor.id,
                    "at": now,
                }
                for c, _d in items
            ]  # fmt: skip
        ).execute()
        for status in ("submitted", "closed"):
            ids = [c.id for c, _d in items if _sent_status(c) == status]
            change = {"status": status, "status_changed_at": now, "version": Claim.version + 1}
            for start in range(0, len(ids), 500):
                Claim.update(change).where(Claim.id << ids[start : start + 500]).execute()
        claims_moved([(c.id, "ready", _sent_status(c)) for c, _d in items], actor,
                     f"Batch {isa}: charges sent to {payer.name}", batch.id)  # fmt: skip
        audit(actor, "claims.batch", entity="x12_batch", entity_id=batch.id,
              detail=f"batch {isa} to {payer.name}: {len(items)} claim(s)")  # fmt: skip
        infos.append(_info(batch))
    return ExportResult(tuple(infos), tuple(skipped))


@reader("claims.read")
def batch_text(actor: StaffMember, batch_id: int) -> tuple[BatchInfo, str]:
    b = get_or_refuse(X12Batch, batch_id, "claim batch")
    return _info(b), b.content


@reader("claims.read")
def find_batch(actor: StaffMember, interchange_no: int) -> BatchInfo:
    """The batch with this number (its interchange control number, as printed)."""
    if isinstance(interchange_no, bool) or not isinstance(interchange_no, int) or not (
        0 < interchange_no <= MAX_CONTROL
    ):  # fmt: skip
        raise ServiceError("There is no claim batch with that number.")
    b = X12Batch.get_or_none(X12Batch.interchange_no == interchange_no)
    if b is None:
        raise ServiceError(f"There is no claim batch {interchange_no}.")
    return _info(b)


@reader("claims.read")
def list_batches(actor: StaffMember, limit: int = 50) -> list[BatchInfo]:
    rows = X12Batch.select().order_by(X12Batch.id.desc()).limit(check_limit(limit))
    return [_info(b) for b in rows]


def save_batch(actor: StaffMember, batch_id: int, folder: str | os.PathLike,
               *, overwrite: bool = False) -> Path:  # fmt: skip
    """Write a batch's file (the same bytes every time) into *folder* by the safe path."""
    info, text = batch_text(actor, batch_id)
    return save_export(
        actor, Path(folder) / info.file_name, text.encode("ascii"), action="claims.export",
        detail=f"837P batch {info.interchange_no} ({info.claim_count} claims)",
        overwrite=overwrite, entity="x12_batch", entity_id=batch_id,
    )  # fmt: skip


def export_ready_claims(actor: StaffMember, folder: str | os.PathLike) -> ExportResult:
    """Batch every ready claim and write one file per payer into *folder*. A file that
    could not be written leaves its batch (and claims, submitted) to be saved again."""
    target = expand_home(folder)
    if not target.is_dir():
        raise ServiceError(f"There is no folder {target}.")
    result = create_batches(actor)
    written = [save_batch(actor, b.batch_id, target) for b in result.batches]
    return ExportResult(result.batches, result.skipped, tuple(written))
