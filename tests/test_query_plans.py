"""The hot lists' query plans, pinned (issue 10): every query the patient search, the claims
worklist and the day views run is walked through EXPLAIN QUERY PLAN on a generated clinic,
before and after ANALYZE, and after PRAGMA optimize refreshed stale statistics. A change
that makes one of them scan a big table, sort it in a temporary b-tree, or walk the
merged-into index fails here, not at the desk. SQLite only: PostgreSQL plans itself from
its own statistics."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from peewee import fn

from moa_tui.db.audit_key import key_path
from moa_tui.db.database import db, open_database
from moa_tui.db.models import Claim, Patient, Payer, Provider, StockLot, SupplyItem
from moa_tui.services.billing import worklists
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import AGE_BUCKETS, STATUS_LABELS, ClaimFilter, claims_page
from moa_tui.services.demo.large import generate_clinic
from moa_tui.services.frontdesk.flow_board import flow_board
from moa_tui.services.patients.patients import search_patients
from moa_tui.services.scheduling.calendar import day_grid
from moa_tui.services.scheduling.day_sheet import day_sheet
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.security.staff import find_staff, load_clinic
from moa_tui.services.supplies.lots import near_expiry

TODAY = dt.date(2026, 11, 18)
BIG = {"patient", "claim", "appointment", "stock_lot", "journal_line"}


@pytest.fixture(scope="module")
def _generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "clinic.db"
    generate_clinic(path, patients=3000, years=2, seed=5, today=TODAY)
    db.close()
    return path


@pytest.fixture(params=["no statistics", "ANALYZE"])
def clinic(request, _generated, tmp_path):
    path = tmp_path / "clinic.db"
    shutil.copy(_generated, path)
    shutil.copy(key_path(_generated), key_path(path))
    open_database(path)
    load_clinic()
    with db.connection_context():
        # A few merged records, as a practice that cleaned up duplicates has.
        ids = [p.id for p in Patient.select(Patient.id).order_by(Patient.id)]
        for old, new in zip(ids[::97], ids[1::97], strict=False):
            Patient.update(merged_into=new).where(Patient.id == old).execute()
        if request.param == "ANALYZE":
            db.execute_sql("ANALYZE")
    yield find_staff("desk")
    db.close()


class Plans:
    """Every SELECT a service runs, with its plan."""

    def __init__(self, monkeypatch):
        self.statements: list[tuple[str, tuple]] = []
        database = db.obj
        real = database.execute_sql

        def recording(sql, params=None, *args, **kwargs):
            if sql.lstrip().upper().startswith("SELECT"):
                self.statements.append((sql, tuple(params or ())))
            return real(sql, params, *args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", recording)
        self._real = real

    def take(self) -> list[tuple[str, dict[str, str], list[str]]]:
        """(sql, alias -> table, plan lines) of the statements on a big table, since the
        last take."""
        out = []
        with db.connection_context():
            for sql, params in self.statements:
                aliases = dict(
                    (alias, table) for table, alias in re.findall(r'"(\w+)" AS "(\w+)"', sql)
                )
                if not BIG & set(aliases.values()):
                    continue
                rows = self._real("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                out.append((sql, aliases, [r[-1] for r in rows]))
        self.statements.clear()
        return out


@pytest.fixture
def plans(clinic, monkeypatch):
    return Plans(monkeypatch)


def problems(statement, *, sort_ok: bool = False) -> list[str]:
    """What is wrong with one plan: a big table read whole (SCAN without an index, or an
    index walked from its start without a range while the query filters), a temporary
    b-tree sort (unless *sort_ok*), or the merged-into index."""
    sql, aliases, lines = statement
    found = []
    for line in lines:
        m = re.match(r"(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", line)
        if m and aliases.get(m[2]) in BIG:
            if m[1] == "SCAN" and m[3] is None:
                found.append(f"reads all of {aliases[m[2]]}: {line}")
            if m[3] and "merged_into" in m[3]:
                found.append(f"walks the merged-into index: {line}")
        if "TEMP B-TREE" in line and not sort_ok:
            found.append(f"sorts: {line}")
    return [f"{p}\n  in {sql}" for p in found]


def _filtered_scan(statement) -> list[str]:
    """A filtered claims page walks a range of an index whose columns start with its
    filter, never an unfiltered index from the start."""
    sql, aliases, lines = statement
    claim = [ln for ln in lines if re.match(r"(SCAN|SEARCH) (\w+)", ln) and "claim" in ln]
    return [ln for ln in claim if ln.startswith("SCAN")]


# --- patient search ------------------------------------------------------------------


def _terms() -> list[str]:
    with db.connection_context():
        p = (
            Patient.select()
            .where(Patient.merged_into.is_null() & (Patient.phone_mobile != ""))
            .order_by(Patient.id)
            .first()
        )
        common = (
            Patient.select(Patient.last_key)
            .group_by(Patient.last_key)
            .order_by(fn.COUNT(Patient.id).desc())
            .limit(1)
            .scalar()
        )
    return [
        common,
        common[:3],
        f"{common} {p.first_key[:2]}",
        f"{p.last_key}, {p.first_key}",
        "zz",
        f"{p.dob:%m/%d/%Y}",
        p.phone_mobile,
        p.mrn,
    ]


def test_patient_search_walks_its_index_for_every_kind_of_term(clinic, plans):
    terms = _terms()
    plans.take()
    for i, term in enumerate(terms):
        search_patients(clinic, term)
        taken = plans.take()
        assert taken, term
        # A name walks its index in order; a birth date, phone or MRN matches a handful of
        # patients by equality, sorted after.
        exact = i >= 5
        for statement in taken:
            assert not problems(statement, sort_ok=exact), (term, problems(statement))
            assert any(ln.startswith("SEARCH") for ln in statement[2]), (term, statement)


def test_a_name_search_needs_no_sort_and_stops_at_its_limit(clinic, plans):
    term = _terms()[0]
    plans.take()
    search_patients(clinic, term, limit=5)
    [(sql, _aliases, lines)] = [s for s in plans.take() if "patient" in s[1].values()]
    assert any("patient_last_key_first_key_dob" in ln for ln in lines), lines
    assert "LIMIT" in sql.upper()


# --- claims worklist ------------------------------------------------------------------


def _claim_filters() -> list[ClaimFilter]:
    with db.connection_context():
        payer = Payer.select(Payer.id).join(Claim).order_by(Payer.id).first().id
    filters = []
    for sort in ("age", "amount"):
        filters += [
            ClaimFilter(sort=sort),
            ClaimFilter(status="paid", sort=sort),
            ClaimFilter(status="denied", sort=sort),
            ClaimFilter(payer_id=payer, sort=sort),
            ClaimFilter(status="paid", payer_id=payer, sort=sort),
            ClaimFilter(status="submitted", age="90+", sort=sort),
        ]
        filters += [ClaimFilter(age=bucket, sort=sort) for bucket in AGE_BUCKETS]
    return filters


def test_every_claims_page_is_an_index_walk_first_and_deep(clinic, plans):
    for f in _claim_filters():
        first = claims_page(clinic, f, limit=20)
        deep = (
            claims_page(clinic, f, after=first.next_after, limit=20) if first.next_after else None
        )
        taken = plans.take()
        assert taken, f
        for statement in taken:
            assert not problems(statement), (f, problems(statement))
            if f.status or f.payer_id:
                assert not _filtered_scan(statement), (f, statement[2])
        if deep is not None:
            # The next page starts from a row-value range, not from the start of the index.
            assert re.search(r"\(.*, .*\) [<>] \(\?, \?\)", taken[-1][0]), taken[-1][0]
            assert not deep_problems(taken[-1]), (f, taken[-1][2])


def deep_problems(statement) -> list[str]:
    """A later page must start inside the index at the last row shown: its claims line
    names a range (<, >) on the sort column, not only the filter's equality."""
    lines = [ln for ln in statement[2] if re.match(r"(SCAN|SEARCH) t1\b", ln)]
    return [ln for ln in lines if not re.search(r"\(.*[<>].*\)", ln)]


def test_every_totals_line_is_the_tally_or_a_range_of_dates(clinic, plans):
    with db.connection_context():
        payer = Payer.select(Payer.id).join(Claim).order_by(Payer.id).first().id
    for f in (
        ClaimFilter(status="paid"),
        ClaimFilter(status="denied", payer_id=payer),
        ClaimFilter(status="paid", payer_id=payer),
        ClaimFilter(status="paid", age="90+"),
        ClaimFilter(),
        ClaimFilter(payer_id=payer),
        ClaimFilter(age="90+"),
    ):
        claim_totals(clinic, f)
        # Summed from the tally (not a big table); 90+ also sums the first days of its
        # last month, a range of dates like a bounded age below.
        for total in [s for s in plans.take() if "SUM(" in s[0].upper()]:
            assert f.age == "90+", (f, total)
            assert any(re.search(r"SEARCH .*service_date[<>]", ln) for ln in total[2]), total[2]
    # A bounded age (a month of claims at any size) is a range of dates.
    for f in (
        ClaimFilter(age="0-30"),
        ClaimFilter(payer_id=payer, age="31-60"),
        ClaimFilter(status="paid", age="61-90"),
    ):
        claim_totals(clinic, f)
        [total] = [s for s in plans.take() if "SUM(" in s[0].upper()]
        assert any(re.search(r"SEARCH .*service_date[<>]", ln) for ln in total[2]), total[2]


def test_the_claims_worklists_walk_their_indexes_first_and_deep(clinic, plans):
    """Sent with no answer, denials (groups and a group's pages) and follow-ups due: each
    page a range of its index in the order shown, from the last row on later pages; each
    group's totals from an index alone."""
    with db.connection_context():
        Claim.update(follow_up_on=TODAY).where(Claim.id % 7 == 0).execute()
        some = Claim.select(Claim.id).where(Claim.status == "denied").limit(30)
        Claim.update(status_changed_at=dt.datetime(2025, 1, 1)).where(Claim.id << some).execute()
    biller = find_staff("billing")
    pages = [
        lambda after: worklists.no_response(biller, after, limit=5),
        lambda after: worklists.follow_ups_due(biller, after, limit=5),
        lambda after: worklists.denials_page(biller, "age", "over 90 days", after, limit=5),
    ]
    with db.connection_context():
        payer = str(Claim.select(Claim.payer).where(Claim.status == "denied").scalar())
    pages.append(lambda after: worklists.denials_page(biller, "payer", payer, after, limit=5))
    for page in pages:
        first = page(None)
        assert first.next_after is not None
        page(first.next_after)
        taken = plans.take()
        assert taken
        for statement in taken:
            assert not problems(statement), problems(statement)
        assert re.search(r"\(.*, .*\) > \(\?, \?\)", taken[-1][0]), taken[-1][0]
        assert not deep_problems(taken[-1]), taken[-1][2]
    for by in ("payer", "age", "reason"):
        assert worklists.denial_groups(biller, by)
        for statement in plans.take():
            # (A reason code is a joined posting's: its groups are sorted, the claims
            # still a range of the (status, ...) index.)
            assert not problems(statement, sort_ok=by == "reason"), (by, problems(statement))
            if by != "reason":
                assert any("COVERING INDEX" in ln for ln in statement[2]), (by, statement[2])
    worklists.no_response_total(biller)
    worklists.follow_ups_total(biller)
    for statement in plans.take():
        assert not problems(statement), problems(statement)


# --- the day views ---------------------------------------------------------------------


def test_the_day_views_read_only_the_day(clinic, plans):
    with db.connection_context():
        provider = Provider.select().where(Provider.active).first().id
    day_schedule(clinic, TODAY)
    flow_board(clinic)
    day_grid(clinic, TODAY)
    day_sheet(clinic, TODAY, provider)
    taken = plans.take()
    assert any("appointment" in s[1].values() for s in taken)
    for statement in taken:
        # The day list is ordered by provider name: a sort of one day's rows, not a scan.
        assert not problems(statement, sort_ok=True), problems(statement, sort_ok=True)


# --- the near-expiry worklist ------------------------------------------------------------


def test_the_near_expiry_worklist_walks_the_expiry_index_first_and_deep(clinic, plans):
    """20,000 lots (a network's stock over years): the first page and a later one walk
    stock_lot's (expiry, id) index from the horizon's range, no scan, no sort."""
    with db.connection_context():
        items = [i.id for i in SupplyItem.select(SupplyItem.id).order_by(SupplyItem.id)]
        room = db.execute_sql("SELECT MIN(id) FROM stock_location").fetchone()[0]
        rows = [
            {
                "item": items[n % len(items)],
                "lot_number": f"P{n:06d}",
                "expiry": TODAY + dt.timedelta(days=n % 900 - 30),
                "location": room,
                "on_hand": n % 7,
            }
            for n in range(20_000)
        ]
        with db.atomic():
            for start in range(0, len(rows), 500):
                StockLot.insert_many(rows[start : start + 500]).execute()
    first = near_expiry(clinic, limit=20)
    deep = near_expiry(clinic, after=first.next_after, limit=20)
    assert first.rows and deep.rows and deep.rows[0].expiry >= first.rows[-1].expiry
    taken = plans.take()
    lots = [s for s in taken if "stock_lot" in s[1].values()]
    assert len(lots) >= 2
    for statement in lots:
        assert not problems(statement), problems(statement)
        assert any(re.search(r"INDEX \w*expiry_id \(expiry", ln) for ln in statement[2]), statement[
            2
        ]
    assert re.search(r"\(.*, .*\) > \(\?, \?\)", lots[-1][0]), lots[-1][0]


# --- the checker catches what issue 10 found -------------------------------------------


def test_the_checker_rejects_the_plans_issue_10_found(clinic, plans):
    # The search plan issue 10 measured (SQLite's choice before the name index had dob).
    found = (
        "SELECT ...",
        {"t1": "patient"},
        [
            "SEARCH t1 USING INDEX patient_merged_into_id (merged_into_id=?)",
            "USE TEMP B-TREE FOR ORDER BY",
        ],
    )
    assert len(problems(found)) == 2
    assert problems(("SELECT ...", {"t1": "claim"}, ["SCAN t1"]))
    # The OR-expanded keyset, run for real: it reads the status from its start.
    with db.connection_context():
        list(
            Claim.select()
            .where(
                (Claim.status == "paid")
                & ((Claim.service_date > TODAY) | ((Claim.service_date == TODAY) & (Claim.id > 5)))
            )
            .order_by(Claim.service_date, Claim.id)
            .limit(20)
        )
    [claims] = plans.take()
    assert deep_problems(claims), claims[2]


# --- PRAGMA optimize on close ----------------------------------------------------------


def test_optimize_on_close_refreshes_stale_statistics_and_the_plans_hold(
    _generated, tmp_path, monkeypatch
):
    from moa_tui.db.optimize import optimize_on_close

    path = tmp_path / "clinic.db"
    shutil.copy(_generated, path)
    shutil.copy(key_path(_generated), key_path(path))
    open_database(path)
    load_clinic()
    with db.connection_context():
        db.execute_sql("ANALYZE")
        before = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE idx = 'claim_status'")
        before = before.fetchone()[0]
        # The claims grow 30-fold since the statistics were taken.
        columns = "patient_id, payer_id, provider_id, service_date, status, total_cents"
        for _ in range(5):
            db.execute_sql(
                f"INSERT INTO claim ({columns}, paid_cents, adjusted_cents, created_at, "
                f"status_changed_at, version) SELECT {columns}, paid_cents, adjusted_cents, "
                "created_at, status_changed_at, version FROM claim"
            )
    optimize_on_close()
    with db.connection_context():
        after = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE idx = 'claim_status'")
        after = after.fetchone()[0]
    assert after != before
    # Complete statistics, not a sample of each index's first rows (analysis_limit): a
    # sample rated one status as common as one payer, and the claims page for a status and
    # a payer walked all of the payer's claims for a few drafts (200 ms at 1M claims).
    with db.connection_context():
        assert int(after.split()[0]) == Claim.select().count()
    plans = Plans(monkeypatch)
    desk = find_staff("desk")
    for f in (ClaimFilter(status="paid"), ClaimFilter(status="paid", sort="amount")):
        page = claims_page(desk, f, limit=20)
        claims_page(desk, f, after=page.next_after, limit=20)
    taken = [s for s in plans.take() if "claim" in s[1].values()]
    assert len(taken) == 4
    for statement in taken:
        assert not problems(statement), statement[2]
        if re.search(r"\) [<>] \(\?, \?\)", statement[0]):  # a later page
            assert not deep_problems(statement), statement[2]
    # A status and a payer together walk the index of both.
    with db.connection_context():
        payers = [p.id for p in Payer.select(Payer.id)]
    plans.take()
    for status in STATUS_LABELS:
        for payer in payers:
            for sort in ("amount", "age"):
                claims_page(desk, ClaimFilter(status=status, payer_id=payer, sort=sort), limit=20)
    walks = [ln for s in plans.take() for ln in s[2] if ln.startswith("SEARCH t1 USING")]
    assert walks and not [w for w in walks if "status=? AND payer_id=?" not in w], walks
    db.close()


# --- the office's open referrals (issue 12 item 6) -------------------------------------


def test_the_open_referrals_list_walks_its_index_first_and_deep(clinic, plans, monkeypatch):
    from moa_tui.db.models import Referral
    from moa_tui.services.records.referrals import open_referrals

    monkeypatch.setitem(globals(), "BIG", BIG | {"referral"})  # checked as a big table
    with db.connection_context():
        ids = [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(2000)]
        staff = clinic.id
        rows = [
            {
                "patient": ids[n % len(ids)],
                "direction": "out",
                "status": "sent" if n % 5 == 0 else "completed",
                "is_open": n % 5 == 0,
                "other_name": "Dr. Ortho",
                "reason": "knee",
                "referred_on": TODAY - dt.timedelta(days=n % 700),
                "created_by": staff,
                "created_at": dt.datetime(2026, 1, 1),
                "updated_at": dt.datetime(2026, 1, 1),
            }  # fmt: skip
            for n in range(20_000)
        ]
        with db.atomic():
            for batch in range(0, len(rows), 500):
                Referral.insert_many(rows[batch : batch + 500]).execute()
    plans.take()
    first = open_referrals(clinic, None, 50)
    deep = open_referrals(clinic, first.next_after, 50)
    assert len(first.rows) == len(deep.rows) == 50 and deep.rows[0].id != first.rows[0].id
    taken = [s for s in plans.take() if "referral" in s[1].values()]
    assert len(taken) == 2
    for statement in taken:
        assert not problems(statement), problems(statement)
        assert any("referral_is_open_referred_on" in ln for ln in statement[2]), statement[2]
    assert re.search(r"\(.*, .*\) [<>] \(\?, \?\)", taken[-1][0]), taken[-1][0]
    assert not deep_problems(taken[-1]), taken[-1][2]


# --- the inbox (issue 12) --------------------------------------------------------------


def _fill_inboxes(count: int = 20_000) -> None:
    """Many messages in every kind of inbox, most of them done, as a year of calls leaves."""
    from moa_tui.db.models import InboxMessage, StaffMember

    with db.connection_context(), db.atomic():
        staff = [s.id for s in StaffMember.select(StaffMember.id)]
        providers = [p.id for p in Provider.select(Provider.id)]
        groups = ["front desk", "nurses", "billing"]
        base = dt.datetime(2026, 1, 1, 9, 0)
        rows = []
        for i in range(count):
            where = i % 3
            to_staff = staff[i % len(staff)] if where == 0 else None
            to_provider = providers[i % len(providers)] if where == 1 else None
            group = groups[(i // 3) % 3] if where == 2 else ""
            key = (
                f"staff:{to_staff}"
                if to_staff
                else (f"provider:{to_provider}" if to_provider else f"group:{group}")
            )
            done = i % 10 != 0
            rows.append({
                "kind": "call", "caller": "Caller", "callback": "5552013344",
                "reason": "Question", "text": "", "urgent": i % 97 == 0, "red_flags": "",
                "to_staff": to_staff, "to_provider": to_provider, "to_group": group,
                "status": "done" if done else "open", "response": "", "created_by": staff[0],
                "created_at": base, "due_at": base + dt.timedelta(minutes=i), "version": 1,
                "inbox_key": key, "list_rank": 2 if done else (0 if i % 97 == 0 else 1),
            })  # fmt: skip
        for start in range(0, count, 500):
            InboxMessage.insert_many(rows[start : start + 500]).execute()


def _inbox_problems(statement) -> list[str]:
    sql, aliases, lines = statement
    inbox = {a for a, t in aliases.items() if t == "inbox_message"}
    found = [ln for ln in lines if "TEMP B-TREE" in ln]
    found += [ln for ln in lines if re.match(r"SCAN (\w+)", ln) and ln.split()[1] in inbox]
    return found


def test_every_inbox_page_walks_its_index_first_and_deep(clinic, monkeypatch):
    from moa_tui.services.comms.messages import inbox_rows

    _fill_inboxes()
    with db.connection_context():
        provider = Provider.select().where(Provider.active).first().id
        stats = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        if db.execute_sql(stats).fetchone():
            db.execute_sql("ANALYZE")  # the statistics include the messages
    plans = Plans(monkeypatch)
    boxes = [("mine", False), ("mine", True), ("all", False), ("all", True),
             (f"provider:{provider}", False), ("group:nurses", True)]  # fmt: skip
    for box, done in boxes:
        first = inbox_rows(clinic, box, done, 20)
        assert len(first) == 20, box
        deep = inbox_rows(clinic, box, done, 20, first[-1].page_key)
        assert deep and deep[0].page_key > first[-1].page_key, box
        statements = [s for s in _inbox_statements(plans) if "inbox_message" in s[1].values()]
        assert statements, box
        for statement in statements:
            assert not _inbox_problems(statement), (box, statement[2])
            assert any("inbox_message_" in ln and "list_rank" in ln for ln in statement[2]), (
                box, statement[2],
            )  # fmt: skip
        # The next page starts from a row value inside the index.
        assert re.search(r"\(.*, .*, .*\) > \(\?, \?, \?\)", statements[-1][0]), statements[-1][0]
    # The checker catches the list as it was: "mine" as one OR filter, sorted after.
    from moa_tui.db.models import InboxMessage

    with db.connection_context():
        mine = (InboxMessage.to_staff == clinic.id) | (InboxMessage.to_group == "front desk")
        list(InboxMessage.select().where(mine).order_by(InboxMessage.due_at).limit(20))
    [old_way] = _inbox_statements(plans)
    assert _inbox_problems(old_way), old_way[2]


def _inbox_statements(plans: Plans) -> list:
    """Plans.take for the inbox's statements (its big table is the messages)."""
    out = []
    with db.connection_context():
        for sql, params in plans.statements:
            aliases = dict((a, t) for t, a in re.findall(r'"(\w+)" AS "(\w+)"', sql))
            rows = plans._real("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            out.append((sql, aliases, [r[-1] for r in rows]))
    plans.statements.clear()
    return out


# --- the books' statements (issue 13 item 3) -------------------------------------------


def test_the_books_statements_read_month_totals_and_ranges_of_lines(clinic, plans):
    """30,000 journal lines over two years: the trial balance, P&L and balance sheet read
    the month totals and only the last part-month's lines (a range of (entry_date, ...));
    an account's ledger detail walks (account, entry_date, id) from its keyset, first page
    and deep. No statement reads journal_line whole; only a part-month's GROUP BY sorts."""
    from moa_tui.db.database import write_transaction
    from moa_tui.services.books import accounts as acct
    from moa_tui.services.books.ledger import post_journal
    from moa_tui.services.books.reports import (
        balance_sheet,
        ledger_detail,
        profit_and_loss,
        trial_balance,
    )

    manager = find_staff("manager")
    pairs = [(acct.BANK, acct.REVENUE), (acct.RENT, acct.BANK), (acct.PATIENT_AR, acct.REVENUE)]
    with db.connection_context(), write_transaction():
        for n in range(15_000):
            debit, credit = pairs[n % 3]
            post_journal(on=TODAY - dt.timedelta(days=n % 730), memo="Plan", source="manual",
                         source_id=None, lines=[(debit, 100 + n), (credit, -100 - n)],
                         staff=manager)  # fmt: skip
        db.execute_sql("ANALYZE")
    plans.take()
    trial_balance(manager, TODAY - dt.timedelta(days=200))
    profit_and_loss(manager, dt.date(2026, 1, 15), dt.date(2026, 6, 17))
    balance_sheet(manager, TODAY)
    first = ledger_detail(manager, acct.BANK, limit=50)
    last = first.lines[-1]
    deep = ledger_detail(manager, acct.BANK, after=(last.on + dt.timedelta(days=300), 0))
    assert first.more and deep.lines
    taken = [s for s in plans.take() if "journal_line" in s[1].values()]
    assert len(taken) >= 6
    for statement in taken:
        assert not problems(statement, sort_ok="GROUP BY" in statement[0]), problems(statement)
    pages = [s for s in taken if "ORDER BY" in s[0]]
    assert pages and all(
        any(re.search(r"INDEX \w*account_id_entry_date_id \(account_id=\?", ln) for ln in s[2])
        for s in pages
    ), [s[2] for s in pages]


# --- the recall worklist (issue 12 item 5) ------------------------------------------------


def test_every_recall_page_is_a_range_of_its_index_first_and_deep(clinic, plans):
    from moa_tui.db.models import Recall, StaffMember
    from moa_tui.services.comms.recalls import RecallFilter, recall_worklist

    with db.connection_context():
        desk = StaffMember.get(StaffMember.username == "desk").id
        providers = [p.id for p in Provider.select(Provider.id)]
        patients = [p.id for p in Patient.select(Patient.id).order_by(Patient.id)]
        # Twenty thousand recalls over two years either side of today, most done with.
        rows = [
            {"patient": patients[n % len(patients)], "kind": "annual", "created_by": desk,
             "due_on": TODAY + dt.timedelta(days=(n * 37) % 1460 - 730),
             "provider": providers[n % len(providers)] if n % 3 else None,
             "status": "open" if n % 4 == 0 else "booked"}
            for n in range(20_000)
        ]  # fmt: skip
        with db.atomic():
            for start in range(0, len(rows), 500):
                Recall.insert_many(rows[start : start + 500]).execute()
    plans.take()
    for f in (
        RecallFilter(),
        RecallFilter(when="overdue"),
        RecallFilter(when="month"),
        RecallFilter(provider_id=providers[1]),
        RecallFilter(when="overdue", provider_id=providers[1]),
    ):
        first = recall_worklist(clinic, f, None, 20)
        deep = recall_worklist(clinic, f, first.next_after, 20) if first.next_after else None
        taken = [s for s in plans.take() if "recall" in s[1].values()]
        assert taken, f
        for _sql, aliases, lines in taken:
            recall = [ln for ln in lines if re.match(rf"(SCAN|SEARCH) {_alias(aliases)}\b", ln)]
            assert recall and all(ln.startswith("SEARCH") for ln in recall), (f, lines)
            index = "recall_status_provider_id_due_on" if f.provider_id else "recall_status_due_on"
            assert all(index in ln for ln in recall), (f, lines)
            assert not any("TEMP B-TREE" in ln for ln in lines), (f, lines)
        if deep is not None:
            # The next page starts from a row-value range, not from the start of the index.
            assert re.search(r"\(.*, .*\) > \(\?, \?\)", taken[-1][0]), taken[-1][0]


def _alias(aliases: dict[str, str]) -> str:
    return next(alias for alias, table in aliases.items() if table == "recall")


# --- the books' day sheet --------------------------------------------------------------


def test_the_day_sheet_reads_one_day_by_index(clinic, plans, monkeypatch):
    """The day's account entries, claim postings and journal lines, each a range of an
    index on its instant or date, never the whole table."""
    from moa_tui.services.books.day_sheet import books_day_sheet

    monkeypatch.setattr(
        "tests.test_query_plans.BIG", BIG | {"account_entry", "claim_posting"}, raising=True
    )
    plans.take()
    sheet = books_day_sheet(find_staff("manager"), TODAY - dt.timedelta(days=1))
    taken = plans.take()
    read = {table for _sql, aliases, _lines in taken for table in aliases.values()}
    assert {"account_entry", "claim_posting", "journal_line"} <= read, read
    for statement in taken:
        assert not problems(statement, sort_ok=True), problems(statement, sort_ok=True)
    assert sheet.ties_ledger
