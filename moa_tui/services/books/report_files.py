"""The books' statements as files (issue 13 item 5): each statement laid out once as a
titled table, written as CSV (cells made safe for a spreadsheet, text.csv_cell) or as a PDF
(fpdf2, like the day sheet), always through files.save_export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ...db.models import StaffMember
from ...text import csv_cell, latin1
from .. import clock
from ..errors import ValidationError
from ..files import save_export
from ..validate import format_money
from .day_sheet import METHOD_LABELS, DaySheet, books_day_sheet
from .deposits import DepositSlip, deposit_slip
from .reports import (
    BalanceSheet,
    LedgerDetail,
    ProfitAndLoss,
    TrialBalance,
    balance_sheet,
    ledger_detail,
    profit_and_loss,
    trial_balance,
)

FORMATS = ("csv", "pdf")


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    headings: tuple[str, ...]
    rows: list[tuple[str, ...]]  # a row of "" cells with a label is a section heading
    widths: tuple[int, ...] | None = None  # the PDF's column widths (mm), if not the usual


def _money(cents: int) -> str:
    return format_money(cents) if cents else ""


def trial_balance_layout(tb: TrialBalance) -> Layout:
    rows = [
        (r.code, r.name, _money(max(r.balance, 0)), _money(max(-r.balance, 0))) for r in tb.rows
    ]
    rows.append(("", "Totals", format_money(tb.debits), format_money(tb.credits)))
    return Layout(
        "Trial balance", f"As of {tb.as_of:%m/%d/%Y}", ("Account", "Name", "Debit", "Credit"), rows
    )


def profit_and_loss_layout(pl: ProfitAndLoss) -> Layout:
    rows: list[tuple[str, ...]] = [("", "Revenue", "", "")]
    rows += [(r.code, r.name, format_money(r.shown), format_money(p)) for r, p in pl.revenue]
    rows.append(("", "Total revenue", format_money(pl.total_revenue),
                 format_money(pl.prior_revenue)))  # fmt: skip
    rows.append(("", "Expenses", "", ""))
    rows += [(r.code, r.name, format_money(r.shown), format_money(p)) for r, p in pl.expenses]
    rows.append(("", "Total expenses", format_money(pl.total_expenses),
                 format_money(pl.prior_expenses)))  # fmt: skip
    rows.append(("", "Net income", format_money(pl.net_income), format_money(pl.prior_net_income)))
    return Layout(
        "Profit and loss",
        f"{pl.start:%m/%d/%Y} - {pl.end:%m/%d/%Y}",
        (
            "Account",
            "Name",
            f"{pl.start:%m/%d/%Y}-{pl.end:%m/%d/%Y}",
            f"{pl.prior_start:%m/%d/%Y}-{pl.prior_end:%m/%d/%Y}",
        ),
        rows,
    )


def balance_sheet_layout(bs: BalanceSheet) -> Layout:
    rows: list[tuple[str, ...]] = [("", "Assets", "")]
    rows += [(r.code, r.name, format_money(r.shown)) for r in bs.assets]
    rows.append(("", "Total assets", format_money(bs.total_assets)))
    rows.append(("", "Liabilities", ""))
    rows += [(r.code, r.name, format_money(r.shown)) for r in bs.liabilities]
    rows.append(("", "Total liabilities", format_money(bs.total_liabilities)))
    rows.append(("", "Equity", ""))
    rows += [(r.code, r.name, format_money(r.shown)) for r in bs.equity]
    rows.append(("", "Retained earnings (not yet closed)", format_money(bs.retained)))
    rows.append(("", "Total equity", format_money(bs.total_equity)))
    rows.append(("", "Total liabilities and equity",
                 format_money(bs.total_liabilities + bs.total_equity)))  # fmt: skip
    return Layout("Balance sheet", f"As of {bs.as_of:%m/%d/%Y}", ("Account", "Name", "Amount"),
                  rows)  # fmt: skip


def ledger_detail_layout(d: LedgerDetail) -> Layout:
    rows = [("", "", "Opening balance", "", "", format_money(d.opening))]
    rows += [
        (
            f"{x.on:%m/%d/%Y}",
            str(x.entry_id),
            x.memo,
            _money(x.debit),
            _money(x.credit),
            format_money(x.balance),
        )
        for x in d.lines
    ]
    span = " - ".join(f"{day:%m/%d/%Y}" if day else "..." for day in (d.start, d.end))
    return Layout(
        f"General ledger: {d.code} {d.name}",
        span,
        ("Date", "Entry", "Memo", "Debit", "Credit", "Balance"),
        rows,
    )


def _difference(cents: int) -> str:
    return "none" if not cents else ("over " if cents > 0 else "short ") + format_money(abs(cents))


def day_sheet_layout(sheet: DaySheet) -> Layout:
    """The day sheet: charges, payments by method, adjustments, the drawer, the ledger's
    figures (a third column "ok" where a total ties, "OFF" where it does not)."""
    rows: list[tuple[str, ...]] = []
    for section in ("Charges", "Payments", "Adjustments"):
        mine = [x for x in sheet.lines if x.section == section]
        rows.append((section, "", "", ""))
        rows += [("", x.label, str(x.count), format_money(x.cents)) for x in mine]
        if not mine:
            rows.append(("", "None", "", ""))
        rows.append(("", f"Total {section.lower()}", str(sum(x.count for x in mine)),
                     format_money(sum(x.cents for x in mine))))  # fmt: skip
    if sheet.by_method:
        rows.append(("By method", "", "", ""))
        rows += [
            ("", label, "", format_money(sheet.by_method[method]))
            for method, label in METHOD_LABELS.items()
            if method in sheet.by_method
        ]
    d = sheet.drawer
    rows.append(("Drawer", "", "", ""))
    rows.append(("", "Cash expected", "", format_money(d.expected_cash_cents)))
    rows.append(("", "Checks expected", str(d.expected_checks_count),
                 format_money(d.expected_checks_cents)))  # fmt: skip
    if d.counted:
        at = d.counted_at
        shown = "" if at is None else f"{at:%H:%M}" if at.date() == sheet.day else f"{at:%m/%d/%Y}"
        when = f" ({d.counted_by}, {shown})" if shown else ""
        rows.append(("", f"Cash counted{when}", "", format_money(d.cash_cents or 0)))
        rows.append(("", "Checks counted", str(d.checks_count),
                     format_money(d.checks_cents or 0)))  # fmt: skip
        rows.append(("", f"Cash difference: {_difference(d.cash_difference)}", "",
                     format_money(d.cash_difference)))  # fmt: skip
        checks_off = d.checks_difference or d.checks_count != d.expected_checks_count
        rows.append(("", "Checks difference: " + (
            f"{(d.checks_count or 0) - d.expected_checks_count:+d} check(s), "
            f"{_difference(d.checks_difference)}" if checks_off else "none"), "",
            format_money(d.checks_difference)))  # fmt: skip
    else:
        rows.append(("", "Not counted yet", "", ""))
    rows.append(("Ledger", "", "", ""))
    rows += [
        ("", t.label, "ok" if t.ties else "OFF", format_money(t.ledger_cents)) for t in sheet.ties
    ]
    tie = "ties to the ledger" if sheet.ties_ledger else "DOES NOT tie to the ledger"
    return Layout(
        "Day sheet",
        f"{sheet.day:%A %m/%d/%Y}: {tie}",
        ("Section", "What", "No.", "Amount"),
        rows,
    )


def deposit_slip_layout(slip: DepositSlip) -> Layout:
    """The deposit slip: each check by number and amount, then the cash, the cards, the
    total."""
    rows: list[tuple[str, ...]] = [
        (f"Check {x.reference or '(no number)'}", x.source, format_money(x.cents))
        for x in slip.lines
        if x.kind == "check"
    ]
    rows.append((f"Checks: {slip.checks_count}", "", format_money(slip.checks_cents)))
    rows.append(("Cash", "", format_money(slip.cash_cents)))
    if slip.cards_cents:
        rows.append(("Card slips", "", format_money(slip.cards_cents)))
    rows.append(("Total deposit", "", format_money(slip.total_cents)))
    return Layout(
        f"Deposit slip #{slip.id}",
        f"{slip.deposited_on:%m/%d/%Y}, bank reference {slip.bank_reference}, by {slip.staff}",
        ("Item", "From", "Amount"),
        rows,
        (50, 90, 40),
    )


def render_csv(layout: Layout) -> bytes:
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer)
    out.writerow([csv_cell(layout.title), csv_cell(layout.subtitle)])
    out.writerow(layout.headings)
    for row in layout.rows:
        out.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def render_pdf(layout: Layout, printed_by: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title, subtitle = latin1(layout.title), latin1(layout.subtitle)
    footer = latin1(f"Printed {clock.now_local():MM/DD/YYYY HH:mm} by {printed_by}.")

    class StatementPDF(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 14)
            self.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
            self.set_font("Helvetica", "", 11)
            self.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, footer, align="L")
            self.cell(0, 5, f"Page {self.page_no()}/{{nb}}", align="R")

    pdf = StatementPDF(format="letter")
    pdf.set_title(title)
    pdf.set_creator("moa-tui")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    n = len(layout.headings)
    money_cols = 2 if n == 4 else 1 if n == 3 else 3
    widths = (
        layout.widths or {3: (20, 120, 40), 4: (20, 90, 35, 35), 6: (22, 14, 76, 22, 22, 24)}[n]
    )
    align = tuple("LEFT" if i < n - money_cols else "RIGHT" for i in range(n))
    with pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=5,
        repeat_headings=1,
    ) as table:
        table.row([latin1(h) for h in layout.headings])
        for row in layout.rows:
            table.row([latin1(cell) for cell in row])
    return bytes(pdf.output())


def _layout(actor: StaffMember, kind: str, params: dict) -> Layout:
    if kind == "trial_balance":
        return trial_balance_layout(trial_balance(actor, params.get("as_of")))
    if kind == "profit_and_loss":
        return profit_and_loss_layout(
            profit_and_loss(actor, params.get("start"), params.get("end"))
        )
    if kind == "balance_sheet":
        return balance_sheet_layout(balance_sheet(actor, params.get("as_of")))
    if kind == "ledger_detail":
        page = ledger_detail(actor, params.get("code"), params.get("start"), params.get("end"),
                             limit=500)  # fmt: skip
        return ledger_detail_layout(page)
    if kind == "day_sheet":
        return day_sheet_layout(books_day_sheet(actor, params.get("day")))
    if kind == "deposit_slip":
        return deposit_slip_layout(deposit_slip(actor, params.get("deposit_id")))
    raise ValidationError.one("report", f"Unknown report {kind!r}.")


def export_statement(
    actor: StaffMember,
    kind: str,
    fmt: str,
    path: str | os.PathLike,
    overwrite: bool = False,
    **params: dt.date | str | int | None,
) -> Path:
    """Write one statement (*kind*: trial_balance, profit_and_loss, balance_sheet,
    ledger_detail, day_sheet, deposit_slip) as *fmt* (csv or pdf) through
    files.save_export; returns where."""
    if fmt not in FORMATS:
        raise ValidationError.one("format", "Save as CSV or PDF.")
    layout = _layout(actor, kind, params)
    data = render_csv(layout) if fmt == "csv" else render_pdf(layout, actor.full_name)
    return save_export(
        actor,
        path,
        data,
        action=f"books.{kind}.{fmt}",
        detail=f"{layout.title}, {layout.subtitle}",
        overwrite=overwrite,
    )
