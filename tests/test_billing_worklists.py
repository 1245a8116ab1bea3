"""The claims worklists (issue 11 item 6): no response after N days (a setting, 30 by
default), denials by reason code / payer / age, follow-up dates kept in the status history."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import (
    Claim,
    ClaimPosting,
    ClaimStatusChange,
    Remittance,
    RemittanceClaim,
)
from moa_tui.services import clock
from moa_tui.services.billing import worklists
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from tests.x12_helpers import patient, payer, ready_claim


@pytest.fixture
def biller(demo_db):
    # Only this test's claims are on the lists.
    Claim.update(status="draft", follow_up_on=None).execute()
    return find_staff("billing")


def _claim(status: str, days_ago: int, py=None):
    c = ready_claim(patient(), py or payer("Acme Health", "ACME1"), status=status)
    Claim.update(status_changed_at=clock.now_utc() - dt.timedelta(days=days_ago)).where(
        Claim.id == c.id
    ).execute()
    return Claim.get_by_id(c.id)


def _deny(c, biller, group, reason):
    ClaimPosting.create(claim=c, kind="denial", cents=0, group_code=group, reason_code=reason,
                        staff=biller)  # fmt: skip


def _ids(page) -> list[int]:
    return [r.claim_id for r in page.rows]


def test_no_response_after_n_days_a_setting(biller):
    old = _claim("submitted", 40)
    young = _claim("submitted", 10)
    answered = _claim("accepted", 45)
    older = _claim("accepted", 50)
    rem = Remittance.create(sha256="b" * 64, check_no="C1", paid_cents=0, claim_count=1,
                            staff=biller)  # fmt: skip
    RemittanceClaim.create(remittance=rem, claim=answered, check_no="C1", status_code="1",
                           charge_cents=1, paid_cents=0, patient_cents=0)  # fmt: skip
    assert worklists.no_response_days(biller) == 30
    page = worklists.no_response(biller)
    assert _ids(page) == [older.id, old.id] and page.next_after is None
    assert page.rows[1].days == 40 and page.rows[1].balance_cents == old.total_cents
    assert worklists.no_response_total(biller) == (2, older.total_cents + old.total_cents)
    assert worklists.set_no_response_days(biller, "7") == 7
    assert _ids(worklists.no_response(biller)) == [older.id, old.id, young.id]
    # A page at a time, the two statuses merged in order.
    first = worklists.no_response(biller, limit=2)
    assert _ids(first) == [older.id, old.id] and first.next_after is not None
    rest = worklists.no_response(biller, first.next_after, limit=2)
    assert _ids(rest) == [young.id] and rest.next_after is None
    with pytest.raises(ValidationError, match="page"):
        worklists.no_response(biller, ("not a time", 1))
    with pytest.raises(ValidationError, match="1 to 365"):
        worklists.set_no_response_days(biller, "0")
    with pytest.raises(PermissionDenied):
        worklists.set_no_response_days(find_staff("desk"), "10")


def test_denials_grouped_by_reason_payer_and_age(biller):
    acme, big = payer("Acme Health", "ACME1"), payer("Big Payer", "BIG01")
    a = _claim("denied", 5, acme)
    b = _claim("denied", 45, big)
    c = _claim("denied", 100, acme)
    d = _claim("denied", 120, big)  # no denial posting: "no code"
    _deny(a, biller, "CO", "50")
    _deny(b, biller, "CO", "16")
    _deny(c, biller, "CO", "50")
    _deny(c, biller, "PR", "1")  # a second code: the first one groups it
    open_ = {x.id: x.total_cents - x.paid_cents - x.adjusted_cents for x in (a, b, c, d)}
    # The first denial's code is kept on the claim (a trigger, migration 0028); the fill
    # of claims denied before the migration gives the same.
    codes = {x.id: Claim.get_by_id(x.id).denial_code for x in (a, b, c, d)}
    assert codes == {a.id: "CO-50", b.id: "CO-16", c.id: "CO-50", d.id: None}
    Claim.update(denial_code=None).execute()
    importlib.import_module("moa_tui.db.migrations.0028_denial_code").fill(db.obj)
    assert {x.id: Claim.get_by_id(x.id).denial_code for x in (a, b, c, d)} == codes

    def groups(by):
        return [(g.label, g.claims, g.balance_cents) for g in worklists.denial_groups(biller, by)]

    reason = groups("reason")
    assert sorted(reason) == sorted(
        [
            ("CO-50", 2, open_[a.id] + open_[c.id]),
            ("CO-16", 1, open_[b.id]),
            ("no code", 1, open_[d.id]),
        ]
    )
    assert reason[0][0] == "CO-50"  # the largest balance first
    assert sorted(groups("payer")) == sorted(
        [("Acme Health", 2, open_[a.id] + open_[c.id]), ("Big Payer", 2, open_[b.id] + open_[d.id])]
    )
    assert groups("age") == [("0-30 days", 1, open_[a.id]), ("31-60 days", 1, open_[b.id]),
                             ("over 90 days", 2, open_[c.id] + open_[d.id])]  # fmt: skip

    page = worklists.denials_page(biller, "reason", "CO-50")
    assert _ids(page) == [c.id, a.id]  # oldest denial first
    assert page.rows[0].note == "CO-50 PR-1" and page.rows[0].group == "CO-50"
    assert _ids(worklists.denials_page(biller, "reason", "no code")) == [d.id]
    assert _ids(worklists.denials_page(biller, "payer", str(big.id))) == [d.id, b.id]
    assert _ids(worklists.denials_page(biller, "age", "over 90 days")) == [d.id, c.id]
    first = worklists.denials_page(biller, "payer", str(acme.id), limit=1)
    assert _ids(first) == [c.id]
    assert _ids(worklists.denials_page(biller, "payer", str(acme.id), first.next_after)) == [a.id]
    with pytest.raises(ValidationError):
        worklists.denial_groups(biller, "colour")
    with pytest.raises(ValidationError):
        worklists.denials_page(biller, "age", "next week")
    with pytest.raises(ValidationError):
        worklists.denials_page(biller, "payer", "Acme")


def test_follow_up_date_in_the_history_and_due_list(biller):
    c = _claim("submitted", 3)
    version = worklists.set_follow_up(biller, c.id, c.version, "t", "call the payer")
    after = Claim.get_by_id(c.id)
    assert after.follow_up_on == clock.today() and after.version == version
    last = after.history.order_by(ClaimStatusChange.id.desc()).first()
    assert last.staff_id == biller.id and "call the payer" in last.note
    assert f"{clock.today():%m/%d/%Y}" in last.note
    assert _ids(worklists.follow_ups_due(biller)) == [c.id]
    assert worklists.follow_ups_total(biller) == (
        1,
        c.total_cents - c.paid_cents - c.adjusted_cents,
    )
    with pytest.raises(Conflict):
        worklists.set_follow_up(biller, c.id, c.version, "t+3", "stale")
    with pytest.raises(ValidationError, match="past"):
        worklists.set_follow_up(biller, c.id, version, "t-1", "late")
    with pytest.raises(ValidationError, match="Note"):
        worklists.set_follow_up(biller, c.id, version, "t+1", "")
    version = worklists.set_follow_up(biller, c.id, version, "t+7", "promised a check")
    assert worklists.follow_ups_due(biller).rows == []
    assert worklists.follow_ups_total(biller) == (0, 0)
    worklists.set_follow_up(biller, c.id, version, "", "paid")
    assert Claim.get_by_id(c.id).follow_up_on is None


# --- the claims screen: l opens the worklists, d on a claim sets a follow-up -------------


async def test_worklists_by_keyboard_at_80x24(demo_db):
    from moa_tui.cli import make_app
    from moa_tui.screens.billing.claims import ClaimScreen, ClaimsScreen
    from moa_tui.screens.billing.worklists import WorklistScreen
    from moa_tui.widgets.dialogs import PickDialog
    from moa_tui.widgets.form import FormDialog

    from .ui_helpers import move_to_row, settle

    biller = find_staff("billing")
    Claim.update(follow_up_on=None).execute()
    denied = Claim.select().where(Claim.status == "denied").order_by(Claim.id).first()
    app = make_app(demo_db, actor=biller)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "enter")  # denials by reason code
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)  # which reason code?
        group = worklists.denials_page(biller, "reason", app.screen.rows[0][0]).rows
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen) and app.screen.kind == "reason"
        assert list(app.screen.rows) == [str(r.claim_id) for r in group]
        denied = Claim.get_by_id(group[0].claim_id)
        totals = str(app.screen.query_one("#worklist-totals").render())
        assert totals.startswith(f"{len(group)} claim")
        move_to_row(app, lambda row: row[0] == str(denied.id), "#worklist-table")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen) and app.screen.claim_id == denied.id
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"t", "enter", *"appeal sent", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert Claim.get_by_id(denied.id).follow_up_on == clock.today()
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("end", "enter")  # follow-ups due
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen) and app.screen.kind == "follow_up"
        assert list(app.screen.rows) == [str(denied.id)]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("home", "enter")  # no response after N days
        await settle(pilot)
        assert app.screen.kind == "no_response"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"14", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        assert worklists.no_response_days(biller) == 14
