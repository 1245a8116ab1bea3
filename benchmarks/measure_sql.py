"""Services against the best raw SQL on the same file.

The service is called as a screen's worker calls it (a connection per call, taken from the
few the app keeps open while it runs). The floor is the fastest of a few hand-written
statements that return the same rows (with and without an INDEXED BY hint for each index
that could serve), on an open connection: what the query could cost at best with the
indexes the file has.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import time
from pathlib import Path

from moa_tui.db.database import db, is_url, keep_connections
from moa_tui.services.patients.patients import SEARCH_LIMIT, search_patients

NAME_TERMS = (
    "smi",
    "smith",
    "smith j",
    "smith, john",
    "joh",
    "johnson m",
    "wil",
    "williams",
    "garc",
    "garcia m",
    "br",
    "brown d",
    "jo",
    "jones",
    "mi",
    "miller r",
    "dav",
    "lee",
    "o'b",
    "mc",
    "ng",
    "nguyen",
    "tay",
    "pat",
    "and",
    "thomp",
    "zz",
)
HIT_SQL = (
    "SELECT id, mrn, last_name, first_name, dob, sex, phone_mobile, phone_home, restricted "
    "FROM patient {hint} WHERE merged_into_id IS NULL AND {where} "
    "ORDER BY last_key, first_key, dob LIMIT {limit}"
)


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


class _Floor:
    """An open connection for the floor's statements: sqlite3 read-only on a file, or
    psycopg on a postgresql:// URL (PostgreSQL takes no index hints: its planner picks,
    so a statement there has one candidate)."""

    def __init__(self, target) -> None:
        self.postgresql = is_url(target)
        if self.postgresql:
            import psycopg

            self.conn = psycopg.connect(str(target), autocommit=True)
            self.errors: tuple[type[Exception], ...] = (psycopg.Error,)
        else:
            self.conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
            self.errors = (sqlite3.OperationalError,)

    def execute(self, sql: str, args=()):
        if self.postgresql:
            sql = sql.replace("?", "%s")
        return self.conn.execute(sql, args)

    def indexes(self, table: str) -> list[str]:
        if self.postgresql:
            return []
        return [r[1] for r in self.conn.execute(f"PRAGMA index_list('{table}')")]

    def close(self) -> None:
        self.conn.close()


def _timed(call, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def search_terms(conn: _Floor) -> list[str]:
    """27 name terms, a date of birth, a phone number, an MRN and a rare surname: 31."""
    dob, phone, mrn = conn.execute(
        "SELECT dob, phone_mobile, mrn FROM patient WHERE merged_into_id IS NULL "
        "AND id >= (SELECT CASE WHEN MAX(id) / 2 < 1234 THEN MAX(id) / 2 ELSE 1234 END "
        "FROM patient) ORDER BY id LIMIT 1"
    ).fetchone()
    rare = conn.execute(
        "SELECT last_key FROM patient GROUP BY last_key ORDER BY COUNT(*), last_key LIMIT 1"
    ).fetchone()[0]
    born = dob if isinstance(dob, dt.date) else dt.date.fromisoformat(dob)
    return [*NAME_TERMS, f"{born:%m/%d/%Y}", phone, mrn, rare[:5]]


def _search_candidates(conn, term: str) -> list[tuple[str, list]]:
    """Statements returning the same hits as search_patients(term)."""
    digits = "".join(c for c in term if c.isdigit())
    if term.isdigit() and len(term) == 10:
        where, args = "(phone_mobile = ? OR phone_home = ?)", [term, term]
    elif term.isdigit():
        where, args = "mrn = ?", [term]
    elif digits:
        born = dt.datetime.strptime(term, "%m/%d/%Y").date().isoformat()
        where, args = "dob = ?", [born]
    else:
        parts = [p for p in term.replace(",", " ").casefold().split() if p]
        where, args = "last_key >= ? AND last_key < ?", [parts[0], parts[0] + "\uffff"]
        if len(parts) > 1:
            first = " ".join(parts[1:])
            where += " AND first_key >= ? AND first_key < ?"
            args += [first, first + "\uffff"]
    hints = ["", *(f'INDEXED BY "{name}"' for name in conn.indexes("patient"))]
    found = [(HIT_SQL.format(hint=h, where=where, limit=SEARCH_LIMIT), args) for h in hints]
    if where.startswith("(phone_mobile"):
        # Each number through its own index, the two merged (the OR as a UNION).
        one = HIT_SQL.replace("SELECT id,", "SELECT last_key, first_key, id,")
        one = one.split(" ORDER BY")[0]
        mobile = one.format(hint="", where="phone_mobile = ?")
        home = one.format(hint="", where="phone_home = ?")
        found.append(
            (
                f"SELECT * FROM ({mobile} UNION {home}) "
                f"ORDER BY last_key, first_key, dob LIMIT {SEARCH_LIMIT}",
                [term, term],
            )
        )
    return found


def _best(conn, candidates, runs: int) -> tuple[list[float], str]:
    """The fastest candidate's times. Each is run once first; only those within twice
    the fastest single run are timed *runs* times (a hint that forces a whole-table walk
    would take minutes to time properly and cannot win)."""
    first: list[tuple[float, str, list]] = []
    for sql, args in candidates:
        try:
            once = _timed(lambda sql=sql, args=args: conn.execute(sql, args).fetchall(), 1)[0]
        except conn.errors:
            continue  # that index cannot serve this statement
        first.append((once, sql, args))
    if not first:
        return [float("nan")], ""
    fastest = min(t for t, _s, _a in first)
    best, best_sql = None, ""
    for once, sql, args in first:
        if once > 2 * fastest + 0.05:
            continue
        times = _timed(lambda sql=sql, args=args: conn.execute(sql, args).fetchall(), runs)
        if best is None or statistics.median(times) < statistics.median(best):
            best, best_sql = times, sql
    return best, best_sql


def patient_search(path: Path | str, actor, runs: int) -> tuple[float, float]:
    """(service p95 ms, raw SQL floor p95 ms) over the realistic terms."""
    conn = _Floor(path)
    keep_connections(True)  # as the app does while it runs (db/pooling.py)
    try:
        terms = search_terms(conn)
        service, floor = [], []
        for term in terms:
            search_patients(actor, term)  # warm, as the screen's second keystroke is
            service += _timed(lambda term=term: search_patients(actor, term), runs)
            times, _sql = _best(conn, _search_candidates(conn, term), runs)
            floor += times
        return p95(service), p95(floor)
    finally:
        keep_connections(False)
        conn.close()


CLAIM_PAGE_SQL = (
    "SELECT c.*, p.last_name, p.first_name, y.name FROM claim AS c {hint} "
    "JOIN patient AS p ON p.id = c.patient_id JOIN payer AS y ON y.id = c.payer_id "
    "WHERE {where} ORDER BY {order} LIMIT 101"
)


def claims_floor(
    path: Path | str, status: str | None, payer: int | None, sort: str, runs: int
) -> float:
    """Best raw SQL for the first page of the claims worklist under one filter (ms, median)."""
    conn = _Floor(path)
    try:
        where, args = ["1 = 1"], []
        if status:
            where.append("c.status = ?")
            args.append(status)
        if payer:
            where.append("c.payer_id = ?")
            args.append(payer)
        order = "c.total_cents DESC, c.id DESC" if sort == "amount" else "c.service_date, c.id"
        hints = ["", *(f'INDEXED BY "{n}"' for n in conn.indexes("claim"))]
        candidates = [
            (CLAIM_PAGE_SQL.format(hint=h, where=" AND ".join(where), order=order), args)
            for h in hints
        ]
        times, _sql = _best(conn, candidates, runs)
        return statistics.median(times)
    finally:
        conn.close()


def _worklist_calls(actor) -> dict[str, object]:
    """Every claims worklist a biller opens (issue 11): each list's first page and its
    total, each denials grouping and its largest group's first page."""
    from moa_tui.services.billing import worklists as w

    calls: dict[str, object] = {
        "no response, page": lambda: w.no_response(actor),
        "no response, total": lambda: w.no_response_total(actor),
        "follow-ups due, page": lambda: w.follow_ups_due(actor),
        "follow-ups due, total": lambda: w.follow_ups_total(actor),
    }
    for by in ("reason", "payer", "age"):
        groups = w.denial_groups(actor, by)
        calls[f"denials by {by}, groups"] = lambda by=by: w.denial_groups(actor, by)
        if groups:
            key = groups[0].key
            calls[f"denials by {by}, a page"] = lambda by=by, key=key: w.denials_page(
                actor, by, key
            )
    return calls


def worklists(target, actor, runs: int) -> tuple[float, str, float]:
    """(the slowest worklist's median ms, its name, the median ms of the same statements
    run raw on an open connection): the floor is the SQL the service sends, without the
    service (its transaction, permission check, rows made into objects)."""
    conn = _Floor(target)
    keep_connections(True)
    database = db.obj
    real = database.execute_sql
    try:
        worst = (-1.0, "", 0.0)
        for label, call in _worklist_calls(actor).items():
            sent: list[tuple[str, tuple]] = []

            def recording(sql, params=None, *args, sent=sent, **kwargs):
                if sql.lstrip().upper().startswith("SELECT"):
                    sent.append((sql, tuple(params or ())))
                return real(sql, params, *args, **kwargs)

            database.execute_sql = recording
            try:
                call()  # warm, and the statements it sends
            finally:
                database.execute_sql = real
            service = statistics.median(_timed(call, runs))
            mine = [s for s in sent if "staff_member" not in s[0]]  # not the actor's re-read
            floor = statistics.median(
                _timed(lambda mine=mine: [conn.execute(q, a).fetchall() for q, a in mine], runs)
            )
            if service > worst[0]:
                worst = (service, label, floor)
        return worst
    finally:
        keep_connections(False)
        conn.close()


def connection_closed() -> None:
    if not db.is_closed():
        db.close()
