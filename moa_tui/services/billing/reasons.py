"""Claim adjustment reason codes (CARC) and remark codes (RARC): only the codes are stored
with postings; their descriptions come from a list the practice imports as CSV
(code,description; no package ships them), and show beside the codes. And the denials
worklist: denied claims with the payer's reason codes."""

from __future__ import annotations

import csv
import io
import os
import re

from ...db.models import AdjustmentReason, StaffMember
from ...text import has_unsafe
from ..core import audit, writer
from ..errors import ServiceError
from .imports import read_code_file

_CODE = re.compile(r"^(?:[A-Z]?[0-9]{1,3}|[A-Z]{1,2}[0-9]{1,4})$")
ROWS_MAX = 5_000


class ReasonsRefused(ServiceError):
    """A list with bad rows: nothing was written; *problems* lists them (line, why)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} bad row(s); nothing was imported.")
        self.problems = problems


def parse_reasons(text: str) -> list[tuple[str, str]]:
    """(code, description) rows of a CSV with a header 'code,description'; raises
    ReasonsRefused listing every bad row."""
    reader_ = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader_, [])]
    if header[:2] != ["code", "description"]:
        raise ReasonsRefused([(1, "The first row must be the header: code,description.")])
    rows: list[tuple[str, str]] = []
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for n, row in enumerate(reader_, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            problems.append((n, "A row has two cells: code,description."))
            continue
        code, text_ = row[0].strip().upper(), " ".join(row[1].split())
        if not _CODE.match(code):
            problems.append((n, f"{code[:12]!r} is not a reason or remark code (45, N130)."))
        elif code in seen:
            problems.append((n, f"{code} is listed twice."))
        elif not text_ or len(text_) > 500 or has_unsafe(text_):
            problems.append((n, "The description is empty, too long or has control characters."))
        else:
            seen.add(code)
            rows.append((code, text_))
        if len(rows) + len(problems) > ROWS_MAX:
            problems.append((n, f"More than {ROWS_MAX:,} rows."))
            break
    if problems:
        raise ReasonsRefused(problems)
    return rows


@writer("billing.codes", changes=())
def store_reasons(actor: StaffMember, rows: list[tuple[str, str]]) -> int:
    """Add or replace the descriptions of *rows* (from parse_reasons); returns how many."""
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        AdjustmentReason.delete().where(AdjustmentReason.code << [c for c, _d in chunk]).execute()
        AdjustmentReason.insert_many([{"code": c, "description": d} for c, d in chunk]).execute()
    audit(actor, "billing.reasons", detail=f"{len(rows)} reason code description(s)")
    return len(rows)


def import_reasons_file(actor: StaffMember, path: str | os.PathLike) -> int:
    """Import a CSV of reason and remark code descriptions: all its rows, or none."""
    return store_reasons(actor, parse_reasons(read_code_file(path)))
