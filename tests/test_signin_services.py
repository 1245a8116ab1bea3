"""Sign-in that cannot be used to lock staff out or to learn which accounts exist, that
never holds the write lock while hashing, and passwords zxcvbn finds hard to guess."""

from __future__ import annotations

import pytest
from zxcvbn import zxcvbn

from moa_tui.db.database import db
from moa_tui.db.models import AuditEvent, StaffMember
from moa_tui.services.errors import ValidationError
from moa_tui.services.security import security, signin_delay
from moa_tui.services.security.password_rules import check_password_rules
from moa_tui.services.security.security import (
    SignInError,
    authenticate,
    change_password,
    staff_for_os_login,
)
from moa_tui.services.security.staff import (
    create_staff,
    find_staff,
    reset_password,
    set_os_login,
    set_staff_active,
)

from .conftest import ADMIN_PASSWORD, DEMO_PASSWORD

WRONG = "Wrong username or password."


class CountingHasher:
    """The real argon2 hasher, counting verify calls and noting whether a transaction
    was open during any hashing."""

    def __init__(self, real):
        self.real = real
        self.verifies = 0
        self.in_transaction: list[bool] = []

    def verify(self, stored, password):
        self.verifies += 1
        self.in_transaction.append(db.in_transaction() or db.transaction_depth() > 0)
        return self.real.verify(stored, password)

    def hash(self, password):
        self.in_transaction.append(db.in_transaction() or db.transaction_depth() > 0)
        return self.real.hash(password)

    def check_needs_rehash(self, stored):
        return self.real.check_needs_rehash(stored)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", counting)
    return counting


def _staff(username: str) -> StaffMember:
    return StaffMember.get(StaffMember.username == username)


def _lock(username: str) -> None:
    for _ in range(security.MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInError):
            authenticate(username, "a wrong guess")
    assert _staff(username).locked_until is not None


# --- the kiosk cannot lock anyone out ---------------------------------------------------


def test_wrong_passwords_at_the_kiosk_lock_nothing_but_are_slowed(demo_db, sign_in_waits):
    for _ in range(8):
        with pytest.raises(SignInError, match=WRONG):
            authenticate("manager", "a patient guessing", source="kiosk")
    manager = _staff("manager")
    assert manager.failed_attempts == 0 and manager.locked_until is None
    # None for the first two, then doubling: the kiosk is slowed down instead.
    assert sign_in_waits == [1, 2, 4, 8, 16, 30]
    assert authenticate("manager", DEMO_PASSWORD).username == "manager"
    refusals = AuditEvent.select().where(
        (AuditEvent.action == "signin") & (AuditEvent.outcome == "refused")
    )
    assert refusals.count() == 8
    assert all("at the kiosk" in e.detail and "not counted" in e.detail for e in refusals)


def test_the_wait_grows_per_account_and_the_right_password_clears_it(demo_db, sign_in_waits):
    for _ in range(3):
        with pytest.raises(SignInError):
            authenticate("desk", "guess")
    assert sign_in_waits == [1]
    with pytest.raises(SignInError):
        authenticate("billing", "guess")  # another account starts with no wait
    assert sign_in_waits == [1]
    authenticate("desk", DEMO_PASSWORD)
    assert sign_in_waits == [1, 2]  # the right one also waited its turn
    with pytest.raises(SignInError):
        authenticate("desk", "guess")
    assert sign_in_waits == [1, 2]


def test_the_wait_is_capped_at_thirty_seconds():
    assert [signin_delay.delay_for(n) for n in range(8)] == [0, 0, 1, 2, 4, 8, 16, 30]
    assert signin_delay.delay_for(100) == 30


def test_five_wrong_passwords_at_the_desk_still_lock_without_saying_so(demo_db, frozen_clock):
    for _ in range(5):
        with pytest.raises(SignInError) as refused:
            authenticate("desk", "guess")
        assert str(refused.value) == WRONG
    assert _staff("desk").locked_until is not None
    # Only the right password learns that the account is locked, and until when.
    with pytest.raises(SignInError, match="locked until 10:45"):
        authenticate("desk", DEMO_PASSWORD)
    frozen_clock.freeze("2026-11-18T10:46:00")
    assert authenticate("desk", DEMO_PASSWORD).failed_attempts == 0


# --- one answer for a stranger, after the same work --------------------------------------


def _unknown():
    return "nobody"


def _deactivated():
    manager = find_staff("manager")
    desk = find_staff("desk")
    set_staff_active(manager, desk.id, desk.version, False)
    return "desk"


def _locked():
    _lock("desk")
    return "desk"


def _wrong():
    return "desk"


@pytest.mark.parametrize("case", [_unknown, _deactivated, _locked, _wrong])
@pytest.mark.parametrize("source", ["desk", "kiosk"])
def test_a_stranger_gets_one_answer_after_one_hash_check(demo_db, monkeypatch, case, source):
    username = case()
    counting = CountingHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", counting)
    with pytest.raises(SignInError) as refused:
        authenticate(username, "not the password", source=source)
    assert str(refused.value) == WRONG
    assert counting.verifies == 1  # as slow as a wrong password for a real account


def test_the_right_password_learns_the_account_is_deactivated(demo_db, hasher):
    _deactivated()
    with pytest.raises(SignInError, match="deactivated"):
        authenticate("desk", DEMO_PASSWORD)
    assert hasher.verifies == 1


# --- change_password counts like sign-in -------------------------------------------------


def test_five_wrong_current_passwords_lock_the_account(demo_db, sign_in_waits):
    desk = find_staff("desk")
    for attempt in range(1, 6):
        with pytest.raises(ValidationError) as refused:
            change_password(desk, "a wrong guess", "fresh meadow lantern", "fresh meadow lantern")
        assert "not your current password" in refused.value.errors["current"]
        assert _staff("desk").failed_attempts == attempt % 5
    assert "locked until" in refused.value.errors["current"]
    assert _staff("desk").locked_until is not None
    assert sign_in_waits == [1, 2, 4]
    # Locked: even the right current password changes nothing now.
    with pytest.raises(SignInError, match="locked"):
        change_password(desk, DEMO_PASSWORD, "fresh meadow lantern", "fresh meadow lantern")
    with pytest.raises(SignInError, match="locked"):
        authenticate("desk", DEMO_PASSWORD)


def test_wrong_passwords_at_sign_in_and_change_add_up(demo_db):
    desk = find_staff("desk")
    for _ in range(3):
        with pytest.raises(SignInError):
            authenticate("desk", "guess")
    for _ in range(2):
        with pytest.raises(ValidationError):
            change_password(desk, "guess", "fresh meadow lantern", "fresh meadow lantern")
    assert _staff("desk").locked_until is not None


def test_counts_from_two_terminals_add_up(demo_db, monkeypatch):
    """The count is incremented in SQL: another terminal's wrong passwords recorded while
    this one was hashing are not overwritten."""
    from moa_tui.db import crypto

    for _ in range(2):
        with pytest.raises(SignInError):
            authenticate("desk", "guess")
    table = StaffMember._meta.table_name
    real = security._hasher
    counting = CountingHasher(real)

    def verify_while_another_terminal_counts(stored, password):
        other = crypto.connect(demo_db, db.key)
        other.execute(
            f"UPDATE {table} SET failed_attempts = failed_attempts + 2 WHERE username = 'desk'"
        )
        other.commit()
        other.close()
        return real.verify(stored, password)

    monkeypatch.setattr(counting, "verify", verify_while_another_terminal_counts)
    monkeypatch.setattr(security, "_hasher", counting)
    with pytest.raises(SignInError):
        authenticate("desk", "guess")  # 2 + 2 elsewhere + this one = 5
    assert _staff("desk").locked_until is not None


# --- never hashing inside a transaction -------------------------------------------------


def test_no_transaction_is_open_while_hashing(demo_db, hasher):
    authenticate("desk", DEMO_PASSWORD)
    with pytest.raises(SignInError):
        authenticate("desk", "guess")
    with pytest.raises(SignInError):
        authenticate("nobody", "guess")
    with pytest.raises(SignInError):
        authenticate("manager", "guess", source="kiosk")
    desk = find_staff("desk")
    with pytest.raises(ValidationError):
        change_password(desk, "guess", "fresh meadow lantern", "fresh meadow lantern")
    change_password(desk, DEMO_PASSWORD, "fresh meadow lantern", "fresh meadow lantern")
    assert hasher.verifies == 6 and len(hasher.in_transaction) == 7
    assert not any(hasher.in_transaction)


def test_an_os_login_takes_the_write_lock_only_when_mapped(demo_db, monkeypatch):
    admin = find_staff("admin")
    desk = find_staff("desk")
    set_os_login(admin, desk.id, desk.version, "mdesk")
    before = AuditEvent.select().count()
    assert staff_for_os_login("someone-else") is None
    assert AuditEvent.select().count() == before
    assert staff_for_os_login("mdesk").username == "desk"
    _lock("desk")
    assert staff_for_os_login("mdesk") is None  # locked: the sign-in screen says so


# --- passwords worth the name -----------------------------------------------------------

WEAK = ["1234567890", "password12", "Passw0rd!!", "abcdabcdab"]
INVISIBLE = ["tall green\x00ladder", "tall green\u202eladder"]


def _new_account(password: str):
    return create_staff(
        find_staff("admin"),
        {
            "username": "newbie",
            "full_name": "Robin Quill",
            "role": "front_desk",
            "password": password,
        },
    )


@pytest.mark.parametrize("password", WEAK)
def test_guessable_passwords_are_refused_with_zxcvbn_advice(demo_db, password):
    with pytest.raises(ValidationError) as refused:
        _new_account(password)
    message = refused.value.errors["password"]
    assert message.endswith(".") and len(message) > 30
    assert any(word in message for word in ("common", "Repeats", "Add another word"))
    desk = find_staff("desk")
    with pytest.raises(ValidationError) as changing:
        change_password(desk, DEMO_PASSWORD, password, password)
    assert "new" in changing.value.errors
    assert _staff("desk").failed_attempts == 0  # refused before the current was checked


@pytest.mark.parametrize("password", INVISIBLE)
def test_invisible_and_control_characters_are_refused(demo_db, password):
    with pytest.raises(ValidationError, match="invisible or control character"):
        _new_account(password)
    desk = _staff("desk")
    with pytest.raises(ValidationError, match="invisible or control character"):
        reset_password(find_staff("admin"), desk.id, desk.version, password)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\ue000", "\u200b", "\x1b", "\ud800"])
def test_every_refused_category(char):
    with pytest.raises(ValidationError, match="invisible"):
        check_password_rules(f"tall green{char}ladder")


def test_the_name_and_username_count_as_known_words():
    # Strong for a stranger, weak for someone who knows whose password it is.
    check_password_rules("zephyrineokonkwo", "newbie")
    with pytest.raises(ValidationError, match="Add another word"):
        check_password_rules("zephyrineokonkwo", "newbie", full_name="Zephyrine Okonkwo")


def test_zxcvbn_sees_at_most_64_characters_of_a_long_password(monkeypatch):
    """zxcvbn takes seconds on some 200-character passwords: it judges the first 64."""
    from moa_tui.services.security import password_rules

    seen = []

    def spy(password, user_inputs=None, max_length=72):
        seen.append(password)
        return zxcvbn(password, user_inputs=user_inputs, max_length=max_length)

    monkeypatch.setattr(password_rules, "zxcvbn", spy)
    strong = "kX9#vQ2!mZ7$-Lp4&wR8" * 10  # 200 characters
    check_password_rules(strong)
    assert seen == [strong[:64]]
    with pytest.raises(ValidationError, match="too long"):
        check_password_rules(strong + "x")
    with pytest.raises(ValidationError):
        check_password_rules("aaaaaaaaaa" * 20)  # a weak start is weak however long


@pytest.mark.parametrize(
    ("password", "username", "full_name"),
    [
        (DEMO_PASSWORD, "desk", "Dana Desk"),
        (ADMIN_PASSWORD, "admin", "Ada Admin"),
        ("temporary-pass-1", "newbie", "New Person"),
        ("brand new secret", "newbie", "New Person"),
        ("my own phrase 7", "newbie", "New Person"),
        ("welcome aboard 1", "casey", "Casey Newhire"),
        ("a long pass 1", "newbie", "New Person"),
        ("correct horse 2026", "ada", "Ada Admin"),
        ("quiet lake 2026", "bench", "Bench Mark"),
    ],
)
def test_the_projects_own_passwords_pass(password, username, full_name):
    check_password_rules(password, username, full_name=full_name)
