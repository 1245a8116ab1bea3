"""The code sets a claim is coded from: ICD-10-CM diagnoses (our own copy of the CMS list),
the practice's procedure codes with their fees (CPT from its own file, HCPCS Level II) and
the places of service. Searching by a code's first characters or by words in its
description is an index range scan, fast on the whole 74,000-code list.

Filling the tables is imports.py's job; this module reads them and keeps the one way a
code set is written (store_*), which the imports and the demo clinic share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
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
from .. import clock
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


# --- writing (called by imports.py and the demo clinic, inside their transaction) -----


def _mark(kind: str, count: int, source: str, examples: bool, year: int | None = None) -> None:
    held = CodeSet.get_or_none(CodeSet.kind == kind)
    first_year = year
    if held is not None and held.first_year and year and not held.examples:
        first_year = min(held.first_year, year)
    values = dict(
        code_year=year,
        first_year=first_year,
        count=count,
        source=source[:200],
        examples=examples,
        loaded_at=clock.now_utc(),
    )
    if held is None:
        CodeSet.create(kind=kind, **values)
    else:
        CodeSet.update(**values).where(CodeSet.kind == kind).execute()


def store_diagnoses(
    rows: Iterable[tuple[str, str, bool]], year: int, source: str, *, examples: bool = False
) -> tuple[int, int]:
    """Put one year's ICD-10-CM list (code, description, billable) in our tables: new codes
    added, known ones brought to *year*, codes the list dropped kept (claims of earlier
    years still name them) but valid only up to their last year. Returns (added, updated)."""
    rows = list(rows)
    held = CodeSet.get_or_none(CodeSet.kind == "icd10cm")
    if held is not None and examples and not held.examples:
        return (0, 0)  # the demo's examples never replace a real list
    if held is not None and held.examples and not examples:
        # The real list replaces the demo's handful (no claim keeps a code the list lacks).
        DiagnosisCode.delete().execute()
    known = dict(DiagnosisCode.select(DiagnosisCode.code, DiagnosisCode.description).tuples())
    new = [(c, d[:250], bool(b), year, year) for c, d, b in rows if c not in known]
    _insert_rows(DiagnosisCode, ("code", "description", "billable", "first_year", "last_year"), new)
    again = [r for r in rows if r[0] in known]
    for billable in (True, False):
        codes = [c for c, _d, b in again if b == billable]
        for start in range(0, len(codes), 500):
            DiagnosisCode.update(last_year=year, billable=billable).where(
                DiagnosisCode.code.in_(codes[start : start + 500])
                & (DiagnosisCode.last_year <= year)
            ).execute()
    for code, description, _b in again:
        # Descriptions rarely change between years; only those that did are written.
        if known[code] != description[:250]:
            DiagnosisCode.update(description=description[:250]).where(
                DiagnosisCode.code == code
            ).execute()
    _reindex_words([(c, d) for c, d, b in rows if b])
    _mark("icd10cm", len(rows), source, examples, year)
    return len(new), len(again)


def _reindex_words(rows: list[tuple[str, str]]) -> None:
    DiagnosisWord.delete().execute()
    ids = dict(DiagnosisCode.select(DiagnosisCode.code, DiagnosisCode.id).tuples())
    pairs = [(word, ids[code]) for code, description in rows for word in words_of(description)]
    _insert_rows(DiagnosisWord, ("word", "code_id"), pairs)


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows in one prepared statement: building peewee's SQL for 600,000 word rows
    takes 40 s; the driver's executemany takes about one (SQLite and PostgreSQL alike)."""
    if not rows:
        return
    database = model._meta.database

    def quote(name: str) -> str:  # our own table and column names: plain identifiers
        return f'"{name}"'

    marks = ", ".join(database.param for _ in columns)
    sql = (
        f"INSERT INTO {quote(model._meta.table_name)} "
        f"({', '.join(quote(c) for c in columns)}) VALUES ({marks})"
    )
    cursor = database.cursor()
    for start in range(0, len(rows), 10_000):
        cursor.executemany(sql, rows[start : start + 10_000])


def store_procedures(
    kind: str,
    rows: Iterable[tuple[str, str, int | None, int | None]],
    source: str,
    *,
    examples: bool = False,
) -> tuple[int, int]:
    """Add or update procedure codes (code, description, fee, payer id or None: a row with
    a payer sets that payer's fee). A real list replaces the demo's examples of its kind.
    Returns (added, updated)."""
    held = CodeSet.get_or_none(CodeSet.kind == kind)
    if held is not None and held.examples and not examples:
        ProcedureCode.delete().where(
            (ProcedureCode.kind == kind) & ProcedureCode.examples
        ).execute()
    added = updated = 0
    for code, description, fee, payer_id in rows:
        proc = ProcedureCode.get_or_none(ProcedureCode.code == code)
        if payer_id is not None:
            if proc is None:
                proc = ProcedureCode.create(
                    kind=kind, code=code, description=description, examples=examples
                )
                added += 1
            PayerFee.insert(procedure=proc.id, payer=payer_id, fee_cents=fee).on_conflict(
                conflict_target=[PayerFee.procedure, PayerFee.payer],
                update={PayerFee.fee_cents: fee},
            ).execute()
            continue
        if proc is None:
            ProcedureCode.create(
                kind=kind, code=code, description=description, fee_cents=fee, examples=examples
            )
            added += 1
        else:
            ProcedureCode.update(
                kind=kind, description=description, fee_cents=fee, examples=examples
            ).where(ProcedureCode.id == proc.id).execute()
            updated += 1
    count = ProcedureCode.select().where(ProcedureCode.kind == kind).count()
    _mark(kind, count, source, examples)
    return added, updated


def store_places(rows: Iterable[tuple[str, str]], source: str, *, examples: bool = False):
    """Add or rename places of service (code, name). Returns (added, updated)."""
    added = updated = 0
    for code, name in rows:
        if PlaceOfService.update(name=name).where(PlaceOfService.code == code).execute():
            updated += 1
        else:
            PlaceOfService.create(code=code, name=name)
            added += 1
    _mark("pos", PlaceOfService.select().count(), source, examples)
    return added, updated


def payer_by_name(text: str) -> Payer | None:
    """The payer whose name or payer id is *text* (case does not matter)."""
    wanted = text.strip().casefold()
    for payer in Payer.select():
        if wanted in (payer.name.casefold(), payer.payer_code.casefold()):
            return payer
    return None
