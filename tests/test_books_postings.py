"""Every money event posts to the books by itself, in its own transaction, and the control
accounts stay equal to their sub-ledgers after each kind of event (issue 13 item 1); a
random sequence of events keeps them so (hypothesis). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.database import db
from moa_tui.db.models import AccountEntry, Claim, ClaimPosting, JournalEntry, Patient
from moa_tui.services import clock
from moa_tui.services.billing import claims as billing_claims
from moa_tui.services.billing import corrections, posting, scrubber
from moa_tui.services.billing.ledger import SETTLES
from moa_tui.services.billing.x12.export import create_batches
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.ledger import account_balance, set_lock_date
from moa_tui.services.books.opening import open_books
from moa_tui.services.books.postings import RECEIVABLE, patient_balance
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.frontdesk.payments import collect_payment
from moa_tui.services.security.staff import find_staff

from .books_invariants import assert_books_tie, problems
from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def biller(demo_db):
    return find_staff("billing")


def sent_claim(min_balance: int = 1000, statuses=("submitted", "accepted")) -> Claim:
    """A sent claim of an unrestricted patient with money still open on it."""
    with db.connection_context():
        return (
            Claim.select()
            .join(Patient, on=(Claim.patient == Patient.id))
            .where(
                Claim.status.in_(statuses)
                & ~Patient.restricted
                & (Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents >= min_balance)
            )
            .order_by(Claim.id)
            .first()
        )


def fresh(claim_id: int) -> Claim:
    with db.connection_context():
        return Claim.get_by_id(claim_id)


def balance(code: str) -> int:
    with db.connection_context():
        return account_balance(code)


def entries(source: str) -> int:
    with db.connection_context():
        return JournalEntry.select().where(JournalEntry.source == source).count()


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def test_receivable_statuses_are_the_billed_ones():
    assert RECEIVABLE == SETTLES


def test_the_demo_clinics_books_tie(biller):
    assert_books_tie()
    for source in ("charge", "payer_payment", "patient_payment", "opening"):
        assert entries(source) > 0, source
    assert balance(acct.INSURANCE_AR) > 0 and balance(acct.REVENUE) < 0
    # Nothing left to open: every event posted as it happened.
    assert open_books(find_staff("manager"), "t") is None


def test_paper_eob_posts_payment_contractual_and_patient_share(biller):
    c = sent_claim(3000)
    bank, contractual = balance(acct.UNDEPOSITED), balance(acct.CONTRACTUAL)
    open_cents = c.total_cents - c.paid_cents - c.adjusted_cents
    paid, co, pr = open_cents // 2, open_cents // 4, open_cents // 8
    posting.post_eob(biller, c.id, c.version,
                     [(None, money(paid), [("CO", "45", money(co)), ("PR", "2", money(pr))])],
                     "CHK1001")  # fmt: skip
    assert balance(acct.UNDEPOSITED) - bank == paid
    assert balance(acct.CONTRACTUAL) - contractual == co
    assert_books_tie()
    # The patient pays the share at the desk (cash into the drawer).
    drawer = balance(acct.CASH)
    posting.post_patient_payment(biller, c.id, money(pr), "cash")
    assert balance(acct.CASH) - drawer == pr
    assert_books_tie()


def test_write_offs_refunds_and_reversals_tie(biller):
    c = sent_claim(3000)
    bad_debt = balance(acct.BAD_DEBT)
    money_ = posting.write_off(biller, c.id, c.version, "5.00", "Small balance")
    assert balance(acct.BAD_DEBT) - bad_debt == 500
    assert_books_tie()
    money_ = posting.post_eob(biller, c.id, money_.version, [(None, "10.00", [])], "CHK2")
    assert_books_tie()
    money_ = posting.refund_payer(biller, c.id, money_.version, "4.00", "Overpaid")
    assert_books_tie()
    with db.connection_context():
        paid = ClaimPosting.get(
            (ClaimPosting.claim == c.id) & (ClaimPosting.kind == "payer_payment")
        )
    posting.reverse_posting(biller, paid.id, "Posted to the wrong claim")
    assert_books_tie()
    c = fresh(c.id)
    billing_claims.write_off_balance(biller, c.id, c.version, "Uncollectable")
    assert balance(acct.BAD_DEBT) - bad_debt == 500 + (
        c.total_cents - c.paid_cents - c.adjusted_cents
    )
    assert_books_tie()


def test_status_moves_book_and_unbook_the_payer_part(biller):
    c = sent_claim(1000)
    ar = balance(acct.INSURANCE_AR)
    open_cents = c.total_cents - c.paid_cents - c.adjusted_cents
    billing_claims.change_claim_status(biller, c.id, c.version, "closed", "Gave up")
    assert ar - balance(acct.INSURANCE_AR) == open_cents
    assert_books_tie()
    billing_claims.change_claim_status(biller, c.id, fresh(c.id).version, "appealed", "Appeal")
    assert balance(acct.INSURANCE_AR) == ar
    assert_books_tie()


def test_corrected_claim_is_unbooked_and_its_replacement_booked_when_sent(biller):
    c = sent_claim(1000, statuses=("submitted", "accepted", "denied"))
    ar, charges = balance(acct.INSURANCE_AR), entries("charge")
    new_id = corrections.correct_claim(biller, c.id, c.version, "Wrong modifier")
    assert balance(acct.INSURANCE_AR) < ar and entries("charge") == charges + 1
    assert_books_tie()
    result = scrubber.scrub_claim(biller, new_id)
    assert fresh(new_id).status == "ready", result
    create_batches(biller)
    assert fresh(new_id).status == "submitted"
    assert_books_tie()
    assert entries("charge") >= charges + 2  # (other ready claims went in the batches too)
    void_of = sent_claim(1000)
    corrections.void_claim(biller, void_of.id, void_of.version, "Billed in error")
    assert fresh(void_of.id).status == "void"
    assert_books_tie()


def test_desk_payments_and_a_prepayment_credit(demo_db):
    desk = find_staff("desk")
    with db.connection_context():
        owing = {
            p.id for p in Patient.select(Patient.id).join_from(Patient, Claim).where(Claim.id > 0)
        }
        patient = (
            Patient.select()
            .where(~Patient.restricted & Patient.id.not_in(owing or {0}))
            .order_by(Patient.id)
            .first()
        )
    with db.connection_context():
        before = patient_balance(patient.id)
    credits, owed = balance(acct.PATIENT_CREDITS), balance(acct.PATIENT_AR)
    collect_payment(desk, patient.id, "50.00", "check", "1234", None, "Prepayment")
    assert_books_tie()
    after = before - 5000
    assert credits - balance(acct.PATIENT_CREDITS) == max(0, -after) - max(0, -before)
    assert owed - balance(acct.PATIENT_AR) == max(0, before) - max(0, after)
    collect_payment(desk, patient.id, "20.00", "cash", "", None, "Payment")
    assert_books_tie()


def test_a_refused_event_posts_nothing_and_closed_books_refuse_the_event(biller):
    c = sent_claim(1000)
    before = entries("payer_payment")
    with pytest.raises(ValidationError):
        posting.post_eob(biller, c.id, c.version, [(None, "9999999.00", [])], "CHK9")
    assert entries("payer_payment") == before
    # Closed through yesterday (the latest the books close), on a terminal whose clock
    # is a day behind: the payment would post into the closed day.
    yesterday = clock.today() - dt.timedelta(days=1)
    set_lock_date(find_staff("manager"), yesterday)
    clock.freeze(dt.datetime.combine(yesterday, dt.time(15, 0)))
    with pytest.raises(ValidationError, match="closed through"):
        posting.post_eob(biller, c.id, c.version, [(None, "1.00", [])], "CHK9")
    clock.freeze(FROZEN_NOW)
    assert fresh(c.id).paid_cents == c.paid_cents  # the event rolled back with its entry
    assert_books_tie()


EVENTS = ("eob", "patient", "writeoff", "refund", "reverse", "status", "desk", "correct")


def _event(kind: str, n: int, cents: int) -> None:
    biller, desk = find_staff("billing"), find_staff("desk")
    with db.connection_context():
        claims = list(
            Claim.select().join(Patient, on=(Claim.patient == Patient.id))
            .where(~Patient.restricted).order_by(Claim.id)
        )  # fmt: skip
        c = claims[n % len(claims)]
        postings = list(ClaimPosting.select().where(ClaimPosting.claim == c.id))
    amount = money(cents)
    if kind == "eob":
        posting.post_eob(biller, c.id, c.version,
                         [(None, amount, [("CO", "45", money(cents // 3)),
                                          ("PR", "1", money(cents // 5))])], f"R{n}")  # fmt: skip
    elif kind == "patient":
        posting.post_patient_payment(biller, c.id, amount, ("cash", "check", "card")[n % 3], "R1")
    elif kind == "writeoff":
        posting.write_off(biller, c.id, c.version, amount, "Random write-off")
    elif kind == "refund":
        posting.refund_payer(biller, c.id, c.version, amount, "Random refund")
    elif kind == "reverse" and postings:
        posting.reverse_posting(biller, postings[n % len(postings)].id, "Random reversal")
    elif kind == "status":
        status = ("closed", "appealed", "draft", "paid")[n % 4]
        billing_claims.change_claim_status(biller, c.id, c.version, status, "Random")
    elif kind == "desk":
        collect_payment(desk, c.patient_id, amount, "cash", "", None, "Payment")
    elif kind == "correct":
        corrections.correct_claim(biller, c.id, c.version, "Random correction")


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(EVENTS), st.integers(0, 200), st.integers(1, 20_000)),
        min_size=1,
        max_size=8,
    )
)
def test_random_sequences_of_money_events_keep_the_books_tied(demo_db, steps):
    for kind, n, cents in steps:
        try:
            _event(kind, n, cents)
        except ServiceError:
            pass  # a refused event must leave the books as they were: checked below
        found = problems()
        assert not found, (kind, n, cents, found)


def test_late_fees_post_to_late_fee_income(demo_db, tmp_path):
    from moa_tui.services.billing import late_fees, statements

    biller = find_staff("billing")
    statements.run_statements(biller, tmp_path)
    rules = late_fees.statement_rules(biller)
    late_fees.save_statement_rules(biller, rules.version, "5.00", "30", "1.5")
    clock.freeze(clock.now_local().shift(days=31))
    shown = late_fees.late_fee_preview(biller)
    assert shown, "the demo has statements past due"
    income = balance(acct.LATE_FEES)
    late_fees.apply_late_fees(biller, [(f.patient_id, f.fee_cents) for f in shown])
    assert income - balance(acct.LATE_FEES) == sum(f.fee_cents for f in shown)
    assert_books_tie()


def test_opening_balances_carry_money_recorded_outside_the_books(demo_db):
    """Balances from before the books (here: an entry written straight into the account
    ledger) are carried by one opening entry against owner's equity, once."""
    desk, manager = find_staff("desk"), find_staff("manager")
    with db.connection_context():
        patient = Patient.select().order_by(Patient.id).first()
        AccountEntry.create(patient=patient.id, kind="charge", cents=7_700,
                            description="Old balance", staff=desk, at=clock.now_utc())  # fmt: skip
    assert problems()
    equity = balance(acct.EQUITY)
    entry_id = open_books(manager, "t")
    assert entry_id is not None
    assert_books_tie()
    assert equity - balance(acct.EQUITY) == 7_700
    assert open_books(manager, "t") is None


def test_reversing_a_patient_payment_restores_the_account_and_the_books(biller):
    """A patient's payment on a claim, reversed: the claim, the patient's account (the
    A/R sub-ledger) and the ledger (the payment account and patient A/R) all return to
    where they were, and the control accounts still tie."""
    c = sent_claim(2000)
    before = (patient_balance_now(c.patient_id), balance(acct.CASH), balance(acct.PATIENT_AR),
              balance(acct.PATIENT_CREDITS))  # fmt: skip
    money_ = posting.post_patient_payment(biller, c.id, "15.00", "cash")
    assert patient_balance_now(c.patient_id) == before[0] - 1500
    assert balance(acct.CASH) == before[1] + 1500
    assert_books_tie()
    paid = next(p for p in money_.postings if p.kind == "patient_payment")
    money_ = posting.reverse_posting(biller, paid.posting_id, "Check bounced")
    assert money_.balance_cents == c.total_cents - c.paid_cents - c.adjusted_cents
    assert (patient_balance_now(c.patient_id), balance(acct.CASH), balance(acct.PATIENT_AR),
            balance(acct.PATIENT_CREDITS)) == before  # fmt: skip
    with db.connection_context():
        entry = (
            AccountEntry.select().where(AccountEntry.patient == c.patient_id)
            .order_by(AccountEntry.id.desc()).first()
        )  # fmt: skip
    assert (entry.kind, entry.cents, entry.method) == ("payment", 1500, "cash")
    assert "reversed" in entry.description
    assert_books_tie()
    with pytest.raises(ValidationError, match="reversed already"):
        posting.reverse_posting(biller, paid.posting_id, "Again")


def patient_balance_now(patient_id: int) -> int:
    with db.connection_context():
        return patient_balance(patient_id)
