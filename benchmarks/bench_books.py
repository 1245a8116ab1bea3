"""The books' statements at scale (issue 13 item 3): ten years of postings written in bulk
(default 1,000,000 two-line entries = 2,000,000 journal lines over 23 accounts, with the
month totals post_journal keeps), then each statement timed beside its raw-SQL floor.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_books [/tmp/books.db] [entries]

The services are called through __wrapped__ (no staff re-read: that is the same ~1 ms in
every service); the figures are the median of 5 runs on a warm cache."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from moa_tui.db.database import db, open_database
from moa_tui.db.models import Account
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.reports import (
    balance_sheet,
    ledger_detail,
    profit_and_loss,
    trial_balance,
)

START = dt.date(2016, 12, 1)
DAYS = 3652
PAIRS = [
    (acct.PATIENT_AR, acct.REVENUE), (acct.INSURANCE_AR, acct.REVENUE),
    (acct.UNDEPOSITED, acct.PATIENT_AR), (acct.BANK, acct.INSURANCE_AR),
    (acct.CONTRACTUAL, acct.INSURANCE_AR), (acct.BANK, acct.UNDEPOSITED),
    (acct.SUPPLIES_EXPENSE, acct.INVENTORY), (acct.INVENTORY, acct.AP),
    (acct.AP, acct.BANK), (acct.PAYROLL, acct.BANK), (acct.RENT, acct.BANK),
]  # fmt: skip


def fill(entries: int) -> None:
    ids = dict(Account.select(Account.code, Account.id).tuples())
    conn = db.connection()
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(13)
    per_day = entries / DAYS
    batch_e, batch_l, entry_id, line_id = [], [], 0, 0
    for n in range(entries):
        on = (START + dt.timedelta(days=int(n / per_day))).isoformat()
        entry_id += 1
        debit, credit = rng.choice(PAIRS)
        cents = rng.randint(100, 50_000)
        batch_e.append((entry_id, on, "bulk", "manual", None, 1, on + " 12:00:00", None))
        batch_l.append((line_id + 1, entry_id, ids[debit], on, cents))
        batch_l.append((line_id + 2, entry_id, ids[credit], on, -cents))
        line_id += 2
        if len(batch_e) >= 20_000 or n == entries - 1:
            conn.executemany(
                "INSERT INTO journal_entry (id, entry_date, memo, source, source_id, staff_id,"
                " posted_at, reverses_id) VALUES (?,?,?,?,?,?,?,?)", batch_e)  # fmt: skip
            conn.executemany(
                "INSERT INTO journal_line (id, entry_id, account_id, entry_date, amount)"
                " VALUES (?,?,?,?,?)", batch_l)  # fmt: skip
            batch_e, batch_l = [], []
    conn.execute("DELETE FROM account_month")
    conn.execute(
        "INSERT INTO account_month (account_id, month, amount) SELECT account_id,"
        " strftime('%Y-%m-01', entry_date), SUM(amount) FROM journal_line GROUP BY 1, 2"
    )
    conn.commit()
    conn.execute("ANALYZE")


def timed(job, runs: int = 5) -> float:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000


def raw(sql: str, *params) -> None:
    db.connection().execute(sql, params).fetchall()


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "/tmp/bench-books.db")
    entries = int(argv[1]) if len(argv) > 1 else 1_000_000
    fresh = not path.exists()
    open_database(path)
    if fresh:
        began = time.perf_counter()
        fill(entries)
        print(f"wrote {entries:,} entries in {time.perf_counter() - began:.0f} s")
    lines = db.connection().execute("SELECT COUNT(*) FROM journal_line").fetchone()[0]
    bank = Account.get(Account.code == acct.BANK).id
    mid, end = dt.date(2023, 6, 17), dt.date(2026, 11, 30)
    rows = [
        ("trial balance as of 06/17/2023", lambda: trial_balance.__wrapped__(None, mid),
         lambda: raw("SELECT account_id, SUM(amount) FROM journal_line WHERE entry_date <= ?"
                     " GROUP BY account_id", mid.isoformat())),
        ("P&L 01/15/2023-06/17/2023 + prior",
         lambda: profit_and_loss.__wrapped__(None, dt.date(2023, 1, 15), mid),
         lambda: raw("SELECT account_id, SUM(amount) FROM journal_line WHERE entry_date"
                     " BETWEEN ? AND ? GROUP BY account_id", "2022-08-13", mid.isoformat())),
        ("balance sheet as of 11/30/2026", lambda: balance_sheet.__wrapped__(None, end),
         lambda: raw("SELECT account_id, SUM(amount) FROM journal_line GROUP BY account_id")),
        ("ledger detail: bank, page at 06/17/2023",
         lambda: ledger_detail.__wrapped__(None, acct.BANK, after=(mid, 0)),
         lambda: raw("SELECT id, entry_date, amount FROM journal_line WHERE account_id = ?"
                     " AND (entry_date, id) > (?, 0) ORDER BY entry_date, id LIMIT 101",
                     bank, mid.isoformat())),
    ]  # fmt: skip
    print(f"{lines:,} journal lines, SQLite")
    print(f"{'statement':42} {'service ms':>10} {'raw scan ms':>12}")
    for label, job, floor in rows:
        print(f"{label:42} {timed(job):10.1f} {timed(floor):12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
