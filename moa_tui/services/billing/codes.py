"""The code sets a claim is coded from: ICD-10-CM diagnoses (our own copy of the CMS list),
the practice's procedure codes with their fees (CPT from its own file, HCPCS Level II) and
the places of service. Searching by a code's first characters or by words in its
description is an index range scan, fast on the whole 74,000-code list.

Filling the tables is imports.py's job; this module reads them; codes_store.py keeps the
one way a code set is written (store_*), which the imports and the demo clinic share.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    CodeSet,
    DiagnosisCode,
    DiagnosisWord,
    Payer,
    PayerFee,
    PlaceOfService,
    ProcedureCode,
    StaffMember,
)
from ..core import reader
from ..errors import ValidationError
from ..validate import check_limit, clean_text

KIND_LABELS = {
    "icd10cm": "ICD-10-CM diagnoses",
    "cpt": "CPT procedures (the practice's own)",
    "hcpcs": "HCPCS Level II",
    "pos": "Places of service",
}
ICD_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
# Words too common to narrow a search; a search for "pain of the back" looks for the rest.
STOPWORDS = frozenset({"of", "and", "the", "with", "in", "to", "or", "for", "by", "on", "as"})
WORD_MAX = 32
SEARCH_MAX = 50  # picks offered at once


@dataclass(frozen=True)
class DiagnosisHit:
    code: str
    description: str
    billable: bool


@dataclass(frozen=True)
class ProcedureHit:
    code: str
    kind: str
    description: str
    fee_cents: int | None  # the payer's fee when it has one, else the standard fee
    examples: bool


@dataclass(frozen=True)
class CodeSetInfo:
    kind: str
    label: str
    code_year: int | None
    count: int
    examples: bool
    source: str
    loaded_at: dt.datetime | None


@dataclass(frozen=True)
class PlaceInfo:
    code: str
    name: str


def words_of(text: str) -> list[str]:
    """The searchable words of *text*: lower case letters and digits, stopwords left out,
    each at most WORD_MAX characters, in order, once each."""
    seen: dict[str, None] = {}
    for word in re.findall(r"[^\W_]+", text.casefold()):
        if (len(word) >= 2 or word.isdigit()) and word not in STOPWORDS:
            seen.setdefault(word[:WORD_MAX], None)
    return list(seen)


def normal_icd(text: str) -> str:
    """'m5450' or ' M54.50 ' -> 'M54.50' (the dot after the third character)."""
    code = text.strip().upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def _just_after(prefix: str) -> str:
    """The smallest string greater than every string starting with *prefix*, so a prefix
    search is `>= prefix AND < just_after` (an index range on any database)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def fiscal_year(day: dt.date) -> int:
    """ICD-10-CM code years run from October 1 to September 30: 2026-10-01 is in 2027."""
    return day.year + 1 if day.month >= 10 else day.year


# --- reading --------------------------------------------------------------------------


def _search_text(text: str) -> str:
    return clean_text("search", text, max_len=80, label="Search")


def find_diagnoses(text: str, *, limit: int = 20, billable_only: bool = True) -> list[DiagnosisHit]:
    """Codes starting with *text*, or else codes whose description has words starting with
    each word of *text* (the shortest description first). Call inside a service."""
    text = _search_text(text)
    if not text:
        return []
    query = DiagnosisCode.select()
    if billable_only:
        query = query.where(DiagnosisCode.billable)
    first = text.split()[0]
    order = (DiagnosisCode.code,)
    if re.fullmatch(r"[A-Za-z][0-9][0-9A-Za-z.]*", first) and len(text.split()) == 1:
        code = normal_icd(first).rstrip(".")
        query = query.where((DiagnosisCode.code >= code) & (DiagnosisCode.code < _just_after(code)))
    else:
        words = words_of(text)
        if not words:
            return []
        for word in words[:6]:
            matching = DiagnosisWord.select(DiagnosisWord.code).where(
                (DiagnosisWord.word >= word) & (DiagnosisWord.word < _just_after(word))
            )
            query = query.where(DiagnosisCode.id.in_(matching))
        # The plainest match first: "low back pain" finds "Low back pain, unspecified"
        # before the disc degenerations that also mention it.
        order = (fn.LENGTH(DiagnosisCode.description), DiagnosisCode.code)
    found = query.order_by(*order).limit(limit)
    return [DiagnosisHit(d.code, d.description, d.billable) for d in found]


@reader("claims.read")
def search_diagnoses(
    actor: StaffMember, text: str, limit: int = 20, billable_only: bool = True
) -> list[DiagnosisHit]:
    """ICD-10-CM codes for what was typed: a code or its start (M54, m5450), or a few
    words ("low back pain"); billable codes only unless asked."""
    check_limit(limit, maximum=SEARCH_MAX)
    return find_diagnoses(text, limit=limit, billable_only=bool(billable_only))


def billable_children(code: str, limit: int = 3) -> list[str]:
    """The first billable codes under a category (M54.5 -> M54.50, M54.51...)."""
    code = normal_icd(code)
    found = (
        DiagnosisCode.select(DiagnosisCode.code)
        .where(
            DiagnosisCode.billable
            & (DiagnosisCode.code > code)
            & (DiagnosisCode.code < _just_after(code))
        )
        .order_by(DiagnosisCode.code)
        .limit(limit)
    )
    return [d.code for d in found]


def procedure_fee(procedure: ProcedureCode, payer_id: int | None) -> int | None:
    if payer_id:
        own = PayerFee.get_or_none(
            (PayerFee.procedure == procedure.id) & (PayerFee.payer == payer_id)
        )
        if own is not None:
            return own.fee_cents
    return procedure.fee_cents


def find_procedures(text: str, *, payer_id: int | None = None, limit: int = 20):
    text = _search_text(text)
    if not text:
        return []
    query = ProcedureCode.select()
    first = text.split()[0].upper()
    if (
        len(text.split()) == 1
        and re.fullmatch(r"[A-Z0-9]{1,5}", first)
        and any(ch.isdigit() for ch in first)
    ):
        query = query.where(
            (ProcedureCode.code >= first) & (ProcedureCode.code < _just_after(first))
        )
    else:
        # The practice's own list is small (hundreds to a few thousand codes).
        for word in text.split()[:6]:
            query = query.where(ProcedureCode.description.contains(word))
    found = query.order_by(ProcedureCode.code).limit(limit)
    return [
        ProcedureHit(p.code, p.kind, p.description, procedure_fee(p, payer_id), p.examples)
        for p in found
    ]


@reader("claims.read")
def search_procedures(
    actor: StaffMember, text: str, payer_id: int | None = None, limit: int = 20
) -> list[ProcedureHit]:
    """The practice's procedure codes (CPT and HCPCS) for a code or its start, or words
    of the description, with the fee for *payer_id*."""
    check_limit(limit, maximum=SEARCH_MAX)
    if payer_id is not None and (isinstance(payer_id, bool) or not isinstance(payer_id, int)):
        raise ValidationError.one("payer", "Choose a payer from the list.")
    return find_procedures(text, payer_id=payer_id, limit=limit)


@reader("claims.read")
def code_sets(actor: StaffMember) -> list[CodeSetInfo]:
    """What each code list holds: year, count, where from, and whether it is examples."""
    held = {c.kind: c for c in CodeSet.select()}
    out = []
    for kind, label in KIND_LABELS.items():
        c = held.get(kind)
        out.append(
            CodeSetInfo(
                kind,
                label,
                c.code_year if c else None,
                c.count if c else 0,
                c.examples if c else False,
                c.source if c else "",
                c.loaded_at if c else None,
            )
        )
    return out


@reader("claims.read")
def places_of_service(actor: StaffMember) -> list[PlaceInfo]:
    """The place-of-service codes loaded, by code."""
    return [
        PlaceInfo(p.code, p.name) for p in PlaceOfService.select().order_by(PlaceOfService.code)
    ]


def icd_needs_loading() -> bool:
    """True when the ICD-10-CM table is empty or holds only the demo's examples: the
    first coder to search loads the whole list (imports.load_icd10cm)."""
    held = CodeSet.get_or_none(CodeSet.kind == "icd10cm")
    return held is None or held.examples or held.count == 0


@reader("claims.read")
def icd_list_missing(actor: StaffMember) -> bool:
    """Whether the full ICD-10-CM list still has to be loaded (see icd_needs_loading)."""
    return icd_needs_loading()


def payer_by_name(text: str) -> Payer | None:
    """The payer whose name or payer id is *text* (case does not matter)."""
    wanted = text.strip().casefold()
    for payer in Payer.select():
        if wanted in (payer.name.casefold(), payer.payer_code.casefold()):
            return payer
    return None
