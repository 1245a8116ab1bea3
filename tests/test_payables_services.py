"""Accounts payable (issue 13 items 2, 7): vendors and terms, bills posted to A/P on
approval, payments in part and in full with the early-payment discount, the due-this-week
worklist, A/P aging in the A/R buckets and the check register; bad input refused with
nothing written. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.models import AuditEvent, Bill, JournalEntry, Vendor, VendorPayment
from moa_tui.services.billing import aging as ar_aging
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ap_aging import ap_aging
from moa_tui.services.books.ap_payments import check_payment, check_register, pay_bill
from moa_tui.services.books.bills import approve_bill, bill_list, bills_due, create_bill
from moa_tui.services.books.ledger import account_balance
from moa_tui.services.books.vendors import (
    discount_for,
    due_date,
    parse_terms,
    save_vendor,
    vendor_list,
)
from moa_tui.services.errors import Conflict, ServiceError, ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff

from .books_invariants import assert_payables_tie
from .conftest import FROZEN_NOW

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock_stopped_again(desk, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def manager(desk):
    return find_staff("manager")


def vendor(manager, name="Acme Medical Supply", terms="Net 30"):
    return save_vendor(manager, dict(name=name, address="1 Main St", phone="555-010-2000",
                                     terms=terms))  # fmt: skip


def bill(manager, vendor_id, amount="250.00", day="11/10/2026", account=acct.OFFICE, **more):
    lines = [dict(account=account, description="Paper and toner", amount=amount)]
    return create_bill(manager, vendor_id, dict(number="INV-1", bill_date=day, **more), lines)


def test_terms_give_the_due_date_and_the_discount():
    day = dt.date(2026, 11, 1)
    assert [due_date(day, parse_terms("t", t)) for t in ("Net 30", "net 15", "due on receipt")] == [
        dt.date(2026, 12, 1), dt.date(2026, 11, 16), day]  # fmt: skip
    assert parse_terms("t", "2/10 Net 30") == "2/10net30"
    assert discount_for("2/10net30", day, dt.date(2026, 11, 11), 10_000) == 200
    assert discount_for("2/10net30", day, dt.date(2026, 11, 12), 10_000) == 0
    assert discount_for("net30", day, day, 10_000) == 0
    with pytest.raises(ValidationError, match="Terms are one of"):
        parse_terms("terms", "Net 45")


def test_vendors_are_added_edited_and_named_once(manager):
    v = vendor(manager)
    assert (v.terms_label, v.phone) == ("Net 30", "5550102000")
    with pytest.raises(ValidationError, match="already a vendor"):
        vendor(manager, name="ACME medical supply")
    changed = save_vendor(manager, dict(name=v.name, terms="net 15"), v.id, v.version)
    assert changed.terms == "net15" and changed.version == v.version + 1
    with pytest.raises(Conflict):
        save_vendor(manager, dict(name=v.name), v.id, v.version)
    with pytest.raises(ValidationError) as err:
        save_vendor(manager, dict(name="", phone="12", terms="soon"))
    assert set(err.value.errors) == {"name", "phone", "terms"}
    assert v.name in [x.name for x in vendor_list(manager)]
    with pytest.raises(PermissionDenied):
        vendor_list(find_staff("desk"))


def test_an_approved_bill_posts_to_ap_and_its_expense(manager):
    v = vendor(manager)
    ap, office = account_balance(acct.AP), account_balance(acct.OFFICE)
    draft = bill(manager, v.id)
    assert draft.bill.state == "Draft" and draft.bill.due_date == dt.date(2026, 12, 10)
    assert account_balance(acct.AP) == ap  # a draft posts nothing
    done = approve_bill(manager, draft.bill.id, draft.bill.version)
    assert done.bill.state == "Open"
    assert account_balance(acct.AP) == ap - 25_000  # credit-normal: negative is owed
    assert account_balance(acct.OFFICE) == office + 25_000
    entry = JournalEntry.get_by_id(Bill.get_by_id(draft.bill.id).entry_id)
    assert (entry.source, entry.source_id) == ("vendor_bill", draft.bill.id)
    with pytest.raises(ValidationError, match="approved already"):
        approve_bill(manager, draft.bill.id)
    assert_payables_tie()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (dict(account=acct.BANK, amount="5"), "not an expense account"),
        (dict(account="9999", amount="5"), "no active account"),
        (dict(account=acct.OFFICE, amount="0"), "more than $0.00"),
        (dict(account=acct.OFFICE, amount="-5"), "negative"),
    ],
)
def test_a_bad_bill_line_is_refused_and_nothing_written(manager, line, says):
    v = vendor(manager)
    before = Bill.select().count()
    with pytest.raises(ValidationError, match=says.replace("$", r"\$")):
        create_bill(manager, v.id, dict(number="X", bill_date="t"), [line])
    assert Bill.select().count() == before


def test_partial_payments_then_the_rest_and_no_more(manager):
    v = vendor(manager)
    b = approve_bill(manager, bill(manager, v.id).bill.id)
    bank = account_balance(acct.BANK)
    first = pay_bill(manager, b.bill.id, dict(paid_on="t", method="check", check_number="5001",
                                              amount="100"))  # fmt: skip
    assert (first.method_label, first.amount_cents) == ("Check", 10_000)
    assert Bill.get_by_id(b.bill.id).paid_cents == 10_000
    entries, payments = JournalEntry.select().count(), VendorPayment.select().count()
    with pytest.raises(ValidationError, match=r"\$150.01 is more than .* open balance of \$150.00"):
        pay_bill(manager, b.bill.id, dict(method="ach", amount="150.01"))
    assert (JournalEntry.select().count(), VendorPayment.select().count()) == (entries, payments)
    with pytest.raises(ValidationError, match="5001 was written already"):
        pay_bill(manager, b.bill.id, dict(method="check", check_number="5001", amount="1"))
    pay_bill(manager, b.bill.id, dict(method="ACH", amount="150"))
    assert account_balance(acct.BANK) == bank - 25_000
    rows, _next = bill_list(manager)
    assert [r.state for r in rows if r.id == b.bill.id] == ["Paid"]
    with pytest.raises(ValidationError, match="paid already"):
        pay_bill(manager, b.bill.id, dict(method="card", amount="1"))
    assert_payables_tie()


def test_a_2_10_net_30_bill_paid_in_ten_days_takes_the_discount(manager):
    v = vendor(manager, terms="2/10 Net 30")
    b = approve_bill(manager, bill(manager, v.id, amount="1,000.00", day="11/09/2026").bill.id)
    discounts = account_balance(acct.PURCHASE_DISCOUNTS)
    paid = pay_bill(manager, b.bill.id, dict(method="ach", amount="980.00"))
    assert paid.discount_cents == 2_000
    assert account_balance(acct.PURCHASE_DISCOUNTS) == discounts - 2_000
    assert Bill.get_by_id(b.bill.id).total_cents - 98_000 - 2_000 == 0
    assert_payables_tie()


def test_a_payment_needs_a_method_an_amount_and_a_check_number():
    with pytest.raises(ValidationError) as err:
        check_payment(dict(paid_on="someday", method="cash", amount="x"))
    assert set(err.value.errors) == {"paid_on", "method", "amount"}
    with pytest.raises(ValidationError) as err:
        check_payment(dict(method="check", amount="5"))
    assert "check number" in err.value.errors["check_number"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(amount=st.text(max_size=20), method=st.text(max_size=8))
def test_typed_payment_fields_are_cleaned_or_refused(amount, method):
    try:
        out = check_payment(dict(method=method, amount=amount, check_number="7"))
    except ValidationError:
        return
    assert out["amount"] > 0 and out["method"] in ("check", "ach", "card")


def test_due_this_week_aging_and_the_check_register(manager):
    before = ap_aging(manager).totals
    paid_before, _ = check_register(manager, dt.date(2026, 11, 1), TODAY)
    v, w = vendor(manager), vendor(manager, name="Bright Cleaning", terms="due on receipt")
    soon = approve_bill(manager, bill(manager, v.id, day="10/22/2026").bill.id)  # due 11/21
    later = approve_bill(manager, bill(manager, v.id, day="11/15/2026").bill.id)  # due 12/15
    old = approve_bill(manager, bill(manager, w.id, amount="80", day="08/01/2026").bill.id)
    due = [r.id for r in bills_due(manager)]
    assert soon.bill.id in due and old.bill.id in due and later.bill.id not in due
    report = ap_aging(manager)
    added = tuple(a - b for a, b in zip(report.totals, before, strict=True))
    assert added == (50_000, 0, 0, 8_000, 0)  # 27 and 3 days old; 109 days old
    assert all(r.total == sum(r.buckets) for r in report.rows)
    mine = {r.name: (r.count, r.total) for r in report.rows if r.name in (v.name, w.name)}
    assert mine == {v.name: (2, 50_000), w.name: (1, 8_000)}
    pay_bill(manager, soon.bill.id, dict(method="check", check_number="2001", amount="250",
                                         paid_on="11/17/2026"))  # fmt: skip
    pay_bill(manager, old.bill.id, dict(method="card", amount="80"))
    rows, _ = check_register(manager, dt.date(2026, 11, 1), TODAY)
    rows = [r for r in rows if r not in paid_before]
    assert [(r.paid_on, r.check_number, r.vendor) for r in rows] == [
        (dt.date(2026, 11, 17), "2001", v.name), (TODAY, "", w.name)]  # fmt: skip
    assert_payables_tie()


def test_ap_aging_uses_the_ar_buckets():
    from moa_tui.services.books import ap_aging as module

    assert module.BUCKETS is ar_aging.BUCKETS and module.bucket_of is ar_aging.bucket_of


def test_only_the_manager_keeps_the_payables(manager):
    v = vendor(manager)
    vendors = Vendor.select().count()
    with pytest.raises(PermissionDenied):
        bill(find_staff("desk"), v.id)
    with pytest.raises(ServiceError):
        pay_bill(find_staff("billing"), 1, dict(method="ach", amount="1"))
    refused = AuditEvent.select().where(AuditEvent.outcome == "refused").count()
    assert refused >= 2
    assert not Bill.select().where(Bill.vendor == v.id).exists()
    assert Vendor.select().count() == vendors
