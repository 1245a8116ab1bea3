"""The one way a code set is written (store_*): called by imports.py and the demo clinic,
inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from ...db.models import (
    CodeSet,
    DiagnosisCode,
    DiagnosisWord,
    PayerFee,
    PlaceOfService,
    ProcedureCode,
)
from .. import clock
from .codes import words_of


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
