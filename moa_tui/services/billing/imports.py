"""Loading code sets: ICD-10-CM from simple-icd-10-cm (the CMS list of its year), and the
practice's CPT codes and fees, HCPCS Level II and places of service from CSV files.

A file with any bad row writes nothing: the report lists every bad row with its line
number and why, so the biller fixes the file and imports it again. simple-icd-10-cm is
imported only here, when a list is loaded (about 2 s and 190 MB): never at start-up.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ...db.models import CodeSet, StaffMember
from ...text import printable
from ..core import audit, reader, writer
from ..errors import ServiceError, ValidationError
from ..files import expand_home
from ..validate import clean_text, parse_money
from . import codes, codes_store

FILE_KINDS = ("cpt", "hcpcs", "pos")
FILE_MAX_BYTES = 20_000_000
ROWS_MAX = 200_000
# Which columns each kind of file has (a header row names them, in any order).
COLUMNS = {
    "cpt": (("code", "description", "fee"), ("payer",)),
    "hcpcs": (("code", "description"), ("fee", "payer")),
    "pos": (("code", "name"), ()),
}
CODE_SHAPES = {
    # CPT: five digits, or four and F (performance), T (emerging) or U (lab) - AMA's forms.
    "cpt": (re.compile(r"^[0-9]{4}[0-9FTU]$"), "five characters, e.g. 99213 or 0001U"),
    "hcpcs": (re.compile(r"^[A-V][0-9]{4}$"), "a letter and four digits, e.g. G0438"),
    "pos": (re.compile(r"^[0-9]{2}$"), "two digits, e.g. 11"),
}


@dataclass(frozen=True)
class CodeRow:
    code: str
    text: str  # description (procedures) or name (places)
    fee_cents: int | None = None
    payer_id: int | None = None


@dataclass
class ImportReport:
    kind: str
    source: str
    rows: list[CodeRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    added: int = 0
    updated: int = 0

    def summary(self) -> str:
        if self.problems:
            shown = "; ".join(f"line {n}: {why}" for n, why in self.problems[:10])
            more = len(self.problems) - 10
            tail = f"; and {more} more" if more > 0 else ""
            return (
                f"{len(self.problems)} bad row(s) in {self.source}; nothing was imported. "
                f"{shown}{tail}."
            )
        return (
            f"{codes.KIND_LABELS[self.kind]}: {self.added} added, {self.updated} updated "
            f"from {self.source}."
        )


class ImportRefused(ServiceError):
    """A file with bad rows: nothing was written. ``report.problems`` lists them."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report


def check_kind(kind: str) -> str:
    kind = (kind or "").strip().lower() if isinstance(kind, str) else ""
    if kind not in codes.KIND_LABELS:
        raise ValidationError.one("kind", "Choose a code set: icd10cm, cpt, hcpcs or pos.")
    return kind


def parse_code_csv(kind: str, text: str, source: str = "the file", payers=None) -> ImportReport:
    """Read a CSV of *kind* (header row first). Every bad row is reported with its line
    number; *payers* maps a payer's name or payer id (case-folded) to its id."""
    report = _parse(kind, text, printable(source), payers)
    # What the file said is echoed in the reasons: never a control character to a terminal
    # or a NUL to the audit trail.
    report.problems = [(n, printable(why)[:300]) for n, why in report.problems]
    return report


def _parse(kind: str, text: str, source: str, payers) -> ImportReport:
    kind = check_kind(kind)
    if kind not in FILE_KINDS:
        raise ValidationError.one("kind", "ICD-10-CM is loaded from simple-icd-10-cm, not a file.")
    report = ImportReport(kind, source)
    required, optional = COLUMNS[kind]
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.problems.append((1, f"the header row cannot be read ({exc})"))
        return report
    if not header:
        report.problems.append((1, "the file is empty (no header row)"))
        return report
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    unknown = [n for n in names if n not in required + optional]
    if missing or unknown or len(set(names)) != len(names):
        report.problems.append(
            (
                1,
                f"the header must name the columns {', '.join(required)}"
                + (f" (and optionally {', '.join(optional)})" if optional else "")
                + f"; it has {', '.join(names)[:80] or 'none'}",
            )
        )
        return report
    seen: dict[tuple[str, int | None], int] = {}
    pattern, shape = CODE_SHAPES[kind]
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.problems.append((line, f"the row cannot be read ({exc})"))
            break  # the reader cannot find where the next row starts
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(report.rows) + len(report.problems) >= ROWS_MAX:
            report.problems.append((line, f"more than {ROWS_MAX:,} rows"))
            break
        if len(cells) != len(names):
            report.problems.append((line, f"{len(cells)} fields where the header has {len(names)}"))
            continue
        row = dict(zip(names, cells, strict=True))
        try:
            report.rows.append(_row(kind, row, pattern, shape, payers or {}))
        except ValidationError as exc:
            report.problems.append((line, "; ".join(exc.errors.values())))
            continue
        key = (report.rows[-1].code, report.rows[-1].payer_id)
        if key in seen:
            report.rows.pop()
            report.problems.append((line, f"{key[0]} is also on line {seen[key]}"))
        else:
            seen[key] = line
    if not report.rows and not report.problems:
        report.problems.append((2, "the file has no rows under its header"))
    return report


def _row(kind: str, row: dict[str, str], pattern, shape: str, payers: dict) -> CodeRow:
    code = clean_text("code", row["code"], max_len=8, required=True, label="Code").upper()
    if not pattern.fullmatch(code):
        raise ValidationError.one("code", f"code {code!r} is not {shape}")
    label = "Name" if kind == "pos" else "Description"
    text = clean_text("text", row.get("name", row.get("description")), max_len=250,
                      required=True, label=label)  # fmt: skip
    fee = None
    if (row.get("fee") or "").strip() or kind == "cpt":
        fee = parse_money("fee", row.get("fee"), label=f"Fee of {code}")
    payer_id = None
    if (row.get("payer") or "").strip():
        name = clean_text("payer", row["payer"], max_len=80, label="Payer")
        payer_id = payers.get(name.casefold())
        if payer_id is None:
            raise ValidationError.one("payer", f"no payer is called {name!r}")
        if fee is None:
            raise ValidationError.one("fee", f"a payer's fee for {code} needs an amount")
    return CodeRow(code, text, fee, payer_id)


def read_code_file(path: str | os.PathLike) -> str:
    """The text of a code file (UTF-8, a BOM allowed); refused with a sentence when it is
    missing, unreadable, not text or too large."""
    text = clean_text("path", os.fspath(path), max_len=500, required=True, label="File")
    target = expand_home(text)
    try:
        size = target.stat().st_size
        if not target.is_file():
            raise ValidationError.one("path", f"{target.name} is not a file.")
        if size > FILE_MAX_BYTES:
            raise ValidationError.one("path", f"{target.name} is larger than 20 MB.")
        data = target.read_bytes()
    except (OSError, ValueError) as exc:
        raise ValidationError.one(
            "path", f"Cannot read {text}: {exc.__class__.__name__}."
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError.one(
            "path", f"{target.name} is not UTF-8 text (save it as CSV UTF-8)."
        ) from None


@writer("billing.codes", changes=())
def store_code_rows(actor: StaffMember, report: ImportReport) -> ImportReport:
    """Write the rows of a report that has no problems (all or nothing), and audit it."""
    if report.problems:
        raise ImportRefused(report)
    rows = report.rows
    if report.kind == "pos":
        report.added, report.updated = codes_store.store_places(
            [(r.code, r.text) for r in rows], report.source
        )
    else:
        report.added, report.updated = codes_store.store_procedures(
            report.kind,
            [(r.code, r.text, r.fee_cents, r.payer_id) for r in rows],
            report.source,
        )
    audit(actor, "codes.import", entity="code_set", detail=report.summary())
    return report


@reader("billing.codes")
def _payer_names(actor: StaffMember) -> dict[str, int]:
    from ...db.models import Payer

    names: dict[str, int] = {}
    for p in Payer.select():
        names[p.name.casefold()] = p.id
        if p.payer_code:
            names.setdefault(p.payer_code.casefold(), p.id)
    return names


def import_codes_file(actor: StaffMember, kind: str, path: str | os.PathLike) -> ImportReport:
    """Import a CPT, HCPCS or place-of-service CSV: read and check every row first (no
    transaction open), then write them all in one, or nothing when any row is bad
    (ImportRefused carries the report)."""
    kind = check_kind(kind)
    if kind not in FILE_KINDS:
        raise ValidationError.one("kind", "ICD-10-CM is loaded from simple-icd-10-cm, not a file.")
    payers = _payer_names(actor)  # also checks the permission before the file is read
    text = read_code_file(path)
    report = parse_code_csv(kind, text, Path(os.fspath(path)).name, payers)
    if report.problems:
        raise ImportRefused(report)
    return store_code_rows(actor, report)


# --- ICD-10-CM ------------------------------------------------------------------------


@dataclass(frozen=True)
class IcdList:
    year: int
    rows: list[tuple[str, str, bool]]  # code, description, billable
    source: str


def icd10cm_from_package() -> IcdList:
    """Every code of simple-icd-10-cm's list (chapters and blocks left out) with its
    description and whether it is billable (a leaf). Imports the package: ~2 s."""
    import importlib.metadata  # noqa: PLC0415

    # Costly (about 2 s and 190 MB): only when a list is loaded, never at start-up. It
    # reads its data with importlib.resources calls that warn of their deprecation.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from simple_icd_10_cm import simple_icd_10_cm as icd  # noqa: PLC0415

    # Its data file is named after the CMS release it is (code-list-April-2026.txt).
    name = getattr(icd, "_all_codes_package_file_name", "")
    found = re.search(r"(20[0-9]{2})", name)
    if not found:
        raise ServiceError("simple-icd-10-cm does not say which year its list is for.")
    year = int(found.group(1))
    rows = [
        (code, icd.get_description(code), icd.is_leaf(code))
        for code in icd.get_all_codes(True)
        if not icd.is_chapter_or_block(code)
    ]
    version = importlib.metadata.version("simple-icd-10-cm")
    return IcdList(year, rows, f"simple-icd-10-cm {version} ({name})")


@writer("billing.codes", changes=())
def store_icd_list(actor: StaffMember, icd_list: IcdList) -> str:
    """Copy an ICD-10-CM list into our table; refuses a year older than the one held."""
    held = CodeSet.get_or_none(CodeSet.kind == "icd10cm")
    if held is not None and not held.examples and held.code_year:
        if icd_list.year < held.code_year:
            raise ValidationError.one(
                "year", f"The table holds the {held.code_year} list; {icd_list.year} is older."
            )
        if icd_list.year == held.code_year and held.count == len(icd_list.rows):
            return f"ICD-10-CM {held.code_year} is loaded already ({held.count:,} codes)."
    added, updated = codes_store.store_diagnoses(icd_list.rows, icd_list.year, icd_list.source)
    billable = sum(1 for r in icd_list.rows if r[2])
    message = (
        f"ICD-10-CM {icd_list.year}: {len(icd_list.rows):,} codes ({billable:,} billable), "
        f"{added:,} added, {updated:,} updated, from {icd_list.source}."
    )
    audit(actor, "codes.import", entity="code_set", detail=message)
    return message


def load_icd10cm(actor: StaffMember) -> str:
    """Load simple-icd-10-cm's list into our table (the command, and the first search of a
    clinic without it). The package is read before the write transaction opens."""
    return store_icd_list(actor, icd10cm_from_package())
