"""Sign-in, lock-out, roles, the audit chain and emergency access, called as services."""

from __future__ import annotations

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import AuditEvent, Claim, ClaimAdjustment, Patient, StaffMember
from moa_tui.services.billing.claims import change_claim_status, write_off_balance
from moa_tui.services.core import SessionEnded
from moa_tui.services.errors import ValidationError
from moa_tui.services.patients.patients import (
    ReasonRequired,
    open_patient,
    search_patients,
    set_patient_restricted,
)
from moa_tui.services.scheduling.schedule import check_in
from moa_tui.services.security.audit import audit_page, export_audit_csv, verify_chain
from moa_tui.services.security.security import (
    PERMISSIONS,
    PermissionDenied,
    SignInError,
    authenticate,
    change_password,
    staff_for_os_login,
)
from moa_tui.services.security.staff import (
    create_staff,
    find_staff,
    list_staff,
    reset_password,
    set_os_login,
    set_staff_active,
)
from moa_tui.services.supplies.inventory import receive_stock

from .conftest import DEMO_PASSWORD


def _open_claim_with_balance() -> Claim:
    return Claim.select().where(Claim.total_cents > Claim.paid_cents + Claim.adjusted_cents).first()


def _refusals(action: str) -> int:
    return (
        AuditEvent.select()
        .where((AuditEvent.action == action) & (AuditEvent.outcome == "refused"))
        .count()
    )


# --- sign-in ---------------------------------------------------------------------------


def test_sign_in_with_the_right_password(demo_db):
    staff = authenticate("desk", DEMO_PASSWORD)
    assert staff.username == "desk"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.outcome, event.staff_id) == ("signin", "ok", staff.id)


def test_stored_password_is_an_argon2id_hash(demo_db):
    stored = StaffMember.get(StaffMember.username == "desk").password_hash
    assert stored.startswith("$argon2id$") and DEMO_PASSWORD not in stored


@pytest.mark.parametrize("username", ["desk", "nobody"])
def test_wrong_password_or_unknown_user_get_the_same_answer(demo_db, username):
    with pytest.raises(SignInError, match="Wrong username or password"):
        authenticate(username, "not the password")
    assert _refusals("signin") == 1


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(demo_db, frozen_clock):
    for _ in range(5):
        with pytest.raises(SignInError, match="Wrong username"):
            authenticate("desk", "guess")
    # Locked: even the right password is refused, and only it learns until when.
    with pytest.raises(SignInError, match="locked until 10:45"):
        authenticate("desk", DEMO_PASSWORD)
    frozen_clock.freeze("2026-11-18T10:46:00")
    assert authenticate("desk", DEMO_PASSWORD).failed_attempts == 0


def test_a_deactivated_account_cannot_sign_in_and_its_services_refuse(demo_db):
    manager = find_staff("manager")
    desk = find_staff("desk")
    set_staff_active(manager, desk.id, desk.version, False)
    with pytest.raises(SignInError, match="deactivated"):
        authenticate("desk", DEMO_PASSWORD)
    desk = StaffMember.get_by_id(desk.id)
    with pytest.raises(SessionEnded, match="deactivated"):
        search_patients(desk, "a")
    assert StaffMember.get_by_id(desk.id).active is False  # never deleted


def test_new_account_must_change_its_temporary_password(demo_db):
    admin = find_staff("admin")
    row = create_staff(
        admin,
        {
            "username": "newbie",
            "full_name": "New Person",
            "role": "front_desk",
            "password": "temporary-pass-1",
        },
    )
    assert row.must_change_password
    staff = authenticate("newbie", "temporary-pass-1")
    assert staff.must_change_password
    with pytest.raises(ValidationError) as bad:
        change_password(staff, "wrong current", "brand new secret", "brand new secret")
    assert "current" in bad.value.errors
    with pytest.raises(ValidationError) as short:
        change_password(staff, "temporary-pass-1", "short", "short")
    assert "new" in short.value.errors
    with pytest.raises(ValidationError) as differ:
        change_password(staff, "temporary-pass-1", "brand new secret", "brand new secreT")
    assert "repeat" in differ.value.errors
    changed = change_password(staff, "temporary-pass-1", "brand new secret", "brand new secret")
    assert not changed.must_change_password
    with pytest.raises(SignInError):
        authenticate("newbie", "temporary-pass-1")
    assert authenticate("newbie", "brand new secret").username == "newbie"


def test_reset_password_unlocks_and_forces_a_change(demo_db):
    for _ in range(5):
        with pytest.raises(SignInError):
            authenticate("desk2", "guess")
    admin = find_staff("admin")
    desk2 = StaffMember.get(StaffMember.username == "desk2")
    reset_password(admin, desk2.id, desk2.version, "temporary-pass-2")
    staff = authenticate("desk2", "temporary-pass-2")
    assert staff.must_change_password


def test_os_login_mapping_signs_in_once(demo_db):
    admin = find_staff("admin")
    desk = StaffMember.get(StaffMember.username == "desk")
    assert staff_for_os_login("mdesk") is None
    set_os_login(admin, desk.id, desk.version, "mdesk")
    assert staff_for_os_login("mdesk").username == "desk"
    desk2 = StaffMember.get(StaffMember.username == "desk2")
    with pytest.raises(ValidationError, match="another account"):
        set_os_login(admin, desk2.id, desk2.version, "mdesk")


# --- roles, enforced in the services ----------------------------------------------------


def test_front_desk_cannot_write_off_and_the_refusal_is_recorded(demo_db):
    desk = find_staff("desk")
    claim = _open_claim_with_balance()
    with pytest.raises(
        PermissionDenied, match="cannot post write-offs, refunds, remittances or claim corrections"
    ):
        write_off_balance(desk, claim.id, claim.version, "too small to chase")
    assert ClaimAdjustment.select().count() == 0
    assert Claim.get_by_id(claim.id).adjusted_cents == 0
    assert _refusals("write_off_balance") == 1


def test_front_desk_cannot_correct_or_void_a_claim_and_the_refusal_is_recorded(demo_db):
    from moa_tui.services.billing.corrections import correct_claim, void_claim

    desk = find_staff("desk")
    claim = _open_claim_with_balance()
    before = Claim.select().count()
    for service in (correct_claim, void_claim):
        with pytest.raises(
            PermissionDenied,
            match="cannot post write-offs, refunds, remittances or claim corrections",
        ):
            service(desk, claim.id, claim.version, "wrong code")
        assert _refusals(service.__name__) == 1
    assert Claim.select().count() == before
    assert Claim.get_by_id(claim.id).status == claim.status


def test_billing_can_write_off_the_open_balance(demo_db):
    billing = find_staff("billing")
    claim = _open_claim_with_balance()
    balance = claim.total_cents - claim.paid_cents - claim.adjusted_cents
    detail = write_off_balance(billing, claim.id, claim.version, "hardship")
    assert detail.row.balance_cents == 0
    adjustment = ClaimAdjustment.get(ClaimAdjustment.claim == claim.id)
    assert (adjustment.cents, adjustment.reason) == (balance, "hardship")
    with pytest.raises(ValidationError, match="no open balance"):
        write_off_balance(billing, claim.id, detail.row.version, "again")


@pytest.mark.parametrize(
    "service",
    [list_staff, lambda actor: create_staff(actor, {"username": "x"})],
    ids=["list", "create"],
)
def test_front_desk_cannot_touch_staff_accounts(demo_db, service):
    with pytest.raises(PermissionDenied, match="change staff accounts"):
        service(find_staff("desk"))


def test_front_desk_cannot_read_the_audit_trail(demo_db):
    with pytest.raises(PermissionDenied, match="read the audit trail"):
        audit_page(find_staff("desk"))


def test_billing_cannot_check_patients_in(demo_db):
    with pytest.raises(PermissionDenied, match="check patients in"):
        check_in(find_staff("billing"), 1)


def test_kiosk_account_can_do_nothing_but_kiosk_check_in(demo_db):
    kiosk = find_staff("kiosk")
    assert PERMISSIONS["kiosk"] == {"kiosk.checkin", "waiting_room.read"}
    for call in (
        lambda: search_patients(kiosk, "a"),
        lambda: open_patient(kiosk, 1),
        lambda: check_in(kiosk, 1),
        lambda: receive_stock(kiosk, 1, "1", "x"),
        lambda: change_claim_status(kiosk, 1, 1, "paid", "x"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_every_service_declares_its_permission():
    import importlib
    import pkgutil

    import moa_tui.services as services

    undeclared = []
    for info in pkgutil.walk_packages(services.__path__, "moa_tui.services."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if callable(obj) and hasattr(obj, "permission") and obj.__module__ == module.__name__:
                if not obj.permission:
                    undeclared.append(f"{info.name}.{name}")
    assert undeclared == []


# --- audit trail ---------------------------------------------------------------------


def test_chart_views_are_in_the_patients_report(demo_db):
    desk = find_staff("desk")
    patient = Patient.select().first()
    open_patient(desk, patient.id)
    open_patient(desk, patient.id)
    page = audit_page(find_staff("manager"), patient_ref=patient.mrn)
    opens = [r for r in page.rows if r.action == "patient.open"]
    assert len(opens) == 2 and {r.staff for r in opens} == {"desk"}
    assert patient.mrn in page.subject
    # By user: everything desk did, newest first.
    by_user = audit_page(find_staff("manager"), username="desk")
    assert by_user.rows[0].action == "patient.open"
    assert [r.id for r in by_user.rows] == sorted((r.id for r in by_user.rows), reverse=True)


def test_audit_report_refuses_an_unknown_patient(demo_db):
    with pytest.raises(ValidationError, match="No patient has MRN"):
        audit_page(find_staff("manager"), patient_ref="999")


def test_audit_csv_export(demo_db, tmp_path):
    desk = find_staff("desk")
    patient = Patient.select().first()
    open_patient(desk, patient.id)
    target = tmp_path / "report.csv"
    count = export_audit_csv(find_staff("manager"), str(target), patient_ref=patient.mrn)
    lines = target.read_text().splitlines()
    assert lines[0].startswith("id,time,staff,action,patient")
    assert count == len(lines) - 1 >= 1
    assert any("patient.open" in line and "desk" in line for line in lines[1:])
    assert target.stat().st_mode & 0o777 == 0o600


def test_the_chain_verifies_and_detects_an_edit_and_a_deletion(demo_db):
    desk = find_staff("desk")
    for patient in Patient.select().limit(5):
        open_patient(desk, patient.id)
    report = verify_chain()
    assert report.ok and report.events >= 5
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    with db.connection_context():
        AuditEvent.update(detail="nothing to see").where(AuditEvent.id == events[2].id).execute()
    edited = verify_chain()
    assert not edited.ok and edited.broken_at == events[2].id
    with db.connection_context():
        AuditEvent.update(detail=events[2].detail).where(AuditEvent.id == events[2].id).execute()
        assert verify_chain().ok
        AuditEvent.delete().where(AuditEvent.id == events[1].id).execute()
    deleted = verify_chain()
    # The first bad event is the missing one (the numbering has no gaps).
    assert not deleted.ok and deleted.broken_at == events[1].id


# --- restricted records -----------------------------------------------------------------


def test_restricted_record_needs_a_reason_and_is_flagged(demo_db):
    manager = find_staff("manager")
    desk = find_staff("desk")
    patient = Patient.select().first()
    set_patient_restricted(manager, patient.id, patient.version, True)
    with pytest.raises(ReasonRequired, match="restricted"):
        open_patient(desk, patient.id)
    with pytest.raises(ValidationError):
        open_patient(desk, patient.id, "\x1b[2J")
    chart = open_patient(desk, patient.id, "patient at the desk asking for a refill")
    assert chart.restricted
    flagged = audit_page(manager, patient_ref=patient.mrn).rows
    emergency = [r for r in flagged if r.outcome == "emergency"]
    assert len(emergency) == 1 and "refill" in emergency[0].detail
    assert emergency[0].flagged


def test_front_desk_cannot_restrict_a_record(demo_db):
    patient = Patient.select().first()
    with pytest.raises(PermissionDenied):
        set_patient_restricted(find_staff("desk"), patient.id, patient.version, True)


@pytest.mark.parametrize("bad", ["0", "61", "ten", "", "-5"])
def test_idle_lock_setting_is_checked(demo_db, bad):
    from moa_tui.db.models import ClinicSettings
    from moa_tui.services.security.staff import set_idle_lock_minutes

    with pytest.raises(ValidationError) as refused:
        set_idle_lock_minutes(find_staff("admin"), bad)
    assert "minutes" in refused.value.errors
    assert ClinicSettings.select().first().idle_lock_minutes == 10


def test_idle_lock_setting_is_saved_by_an_admin_only(demo_db):
    from moa_tui.db.models import ClinicSettings
    from moa_tui.services.security.staff import set_idle_lock_minutes

    with pytest.raises(PermissionDenied):
        set_idle_lock_minutes(find_staff("desk"), "5")
    assert set_idle_lock_minutes(find_staff("admin"), "5") == 5
    assert ClinicSettings.select().first().idle_lock_minutes == 5


def test_wait_warning_setting_changes_the_flow_board(demo_db):
    from moa_tui.db.models import ClinicSettings
    from moa_tui.services.security.staff import set_wait_warn_minutes

    with pytest.raises(ValidationError):
        set_wait_warn_minutes(find_staff("admin"), "0")
    with pytest.raises(PermissionDenied):
        set_wait_warn_minutes(find_staff("desk"), "20")
    assert set_wait_warn_minutes(find_staff("admin"), "30") == 30
    assert ClinicSettings.select().first().wait_warn_minutes == 30
