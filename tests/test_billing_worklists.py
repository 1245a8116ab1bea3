"""The claims worklists (issue 11 item 6): no response after N days (a setting, 30 by
default), denials by reason code / payer / age, follow-up dates kept in the status history."""

from __future__ import annotations

import datetime as dt

import pytest

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


def test_no_response_after_n_days_a_setting(biller):
    old = _claim("submitted", 40)
    young = _claim("submitted", 10)
    answered = _claim("accepted", 45)
    rem = Remittance.create(sha256="b" * 64, check_no="C1", paid_cents=0, claim_count=1,
                            staff=biller)  # fmt: skip
    RemittanceClaim.create(remittance=rem, claim=answered, check_no="C1", status_code="1",
                           charge_cents=1, paid_cents=0, patient_cents=0)  # fmt: skip
    assert worklists.no_response_days(biller) == 30
    rows = worklists.no_response(biller)
    assert [r.claim_id for r in rows] == [old.id]
    assert rows[0].days == 40 and rows[0].balance_cents == old.total_cents
    assert worklists.set_no_response_days(biller, "7") == 7
    assert [r.claim_id for r in worklists.no_response(biller)] == [old.id, young.id]
    with pytest.raises(ValidationError, match="1 to 365"):
        worklists.set_no_response_days(biller, "0")
    with pytest.raises(PermissionDenied):
        worklists.set_no_response_days(find_staff("desk"), "10")


def test_denials_by_reason_payer_and_age(biller):
    acme, big = payer("Acme Health", "ACME1"), payer("Big Payer", "BIG01")
    a = _claim("denied", 5, acme)
    b = _claim("denied", 45, big)
    c = _claim("denied", 100, acme)
    _deny(a, biller, "CO", "50")
    _deny(b, biller, "CO", "16")
    _deny(c, biller, "CO", "50")
    by_reason = worklists.denials_by(biller, "reason")
    assert [(r.group, r.claim_id) for r in by_reason] == [("CO-50", c.id), ("CO-50", a.id),
                                                          ("CO-16", b.id)]  # fmt: skip
    by_payer = worklists.denials_by(biller, "payer")
    assert [(r.group, r.claim_id) for r in by_payer] == [("Acme Health", c.id),
                                                         ("Acme Health", a.id),
                                                         ("Big Payer", b.id)]  # fmt: skip
    by_age = worklists.denials_by(biller, "age")
    assert [(r.group, r.claim_id) for r in by_age] == [("0-30 days", a.id), ("31-60 days", b.id),
                                                       ("over 90 days", c.id)]  # fmt: skip
    with pytest.raises(ValidationError):
        worklists.denials_by(biller, "colour")


def test_follow_up_date_in_the_history_and_due_list(biller):
    c = _claim("submitted", 3)
    version = worklists.set_follow_up(biller, c.id, c.version, "t", "call the payer")
    after = Claim.get_by_id(c.id)
    assert after.follow_up_on == clock.today() and after.version == version
    last = after.history.order_by(ClaimStatusChange.id.desc()).first()
    assert last.staff_id == biller.id and "call the payer" in last.note
    assert f"{clock.today():%m/%d/%Y}" in last.note
    assert [r.claim_id for r in worklists.follow_ups_due(biller)] == [c.id]
    with pytest.raises(Conflict):
        worklists.set_follow_up(biller, c.id, c.version, "t+3", "stale")
    with pytest.raises(ValidationError, match="past"):
        worklists.set_follow_up(biller, c.id, version, "t-1", "late")
    with pytest.raises(ValidationError, match="Note"):
        worklists.set_follow_up(biller, c.id, version, "t+1", "")
    version = worklists.set_follow_up(biller, c.id, version, "t+7", "promised a check")
    assert worklists.follow_ups_due(biller) == []
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
        assert isinstance(app.screen, WorklistScreen) and app.screen.kind == "reason"
        assert str(denied.id) in app.screen.rows
        move_to_row(app, lambda row: row[1] == str(denied.id), "#worklist-table")
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
