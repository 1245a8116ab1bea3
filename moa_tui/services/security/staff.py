"""Staff accounts (never deleted, only deactivated) and the clinic's own settings."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.database import db, write_transaction
from ...db.models import ClinicSettings, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import ServiceError, ValidationError
from ..files import default_export_folder, expand_home
from ..validate import clean_name, clean_text, format_phone, is_whole_number, parse_phone
from .security import ROLE_LABELS, check_password_rules, hash_password, stale

USERNAME_HELP = "2-32 characters: lower-case letters, digits, '.', '-' or '_'."


@dataclass(frozen=True)
class StaffRow:
    id: int
    version: int
    username: str
    full_name: str
    role: str
    active: bool
    os_login: str
    locked: bool
    must_change_password: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def _row(s: StaffMember) -> StaffRow:
    return StaffRow(
        s.id,
        s.version,
        s.username,
        s.full_name,
        s.role,
        s.active,
        s.os_login or "",
        bool(s.locked_until and s.locked_until > clock.now_utc()),
        s.must_change_password,
    )


def find_staff(username: str) -> StaffMember:
    """The active account named *username*, for trusted callers only (the CLI after an
    operating-system login, tests). Raises a readable error if there is none."""
    name = (username or "").strip().lower()
    with db.connection_context():
        staff = StaffMember.get_or_none(StaffMember.username == name)
    if staff is None:
        raise ServiceError(f"There is no staff account '{name}' in this clinic.")
    if not staff.active:
        raise ServiceError(f"The staff account '{name}' is deactivated.")
    return staff


def clean_username(value: str) -> str:
    name = clean_text("username", value, max_len=32, required=True, label="Username").lower()
    if len(name) < 2 or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name):
        raise ValidationError.one("username", USERNAME_HELP)
    return name


def _clean_account(data: dict[str, str]) -> dict:
    clean, errors = {}, {}
    checks = {
        "username": clean_username,
        "full_name": lambda v: clean_name("full_name", v, "Full name"),
        "role": _clean_role,
    }
    for name, check in checks.items():
        try:
            clean[name] = check(data.get(name, ""))
        except ValidationError as exc:
            errors.update(exc.errors)
    try:
        check_password_rules(
            data.get("password", ""),
            clean.get("username", ""),
            full_name=clean.get("full_name", ""),
        )
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_role(value: str) -> str:
    if value not in ROLE_LABELS:
        raise ValidationError.one("role", "Choose a role from the list.")
    return value


def _create(data: dict[str, str], must_change: bool) -> StaffMember:
    clean = _clean_account(data)
    if StaffMember.select().where(StaffMember.username == clean["username"]).exists():
        raise ValidationError.one("username", f"'{clean['username']}' is already taken.")
    return StaffMember.create(
        **clean,
        password_hash=hash_password(data["password"]),
        must_change_password=must_change,
        password_changed_at=None if must_change else clock.now_utc(),
    )


def create_first_admin(data: dict[str, str]) -> StaffMember:
    """The first account of a new clinic (from `moa-tui staff add`): only while there is
    no staff account at all."""
    with db.connection_context(), write_transaction():
        if StaffMember.select().exists():
            raise ServiceError("This clinic already has staff; an admin must add accounts.")
        staff = _create({**data, "role": "admin"}, must_change=False)
        audit(staff, "staff.create", entity="staff", entity_id=staff.id, detail="first admin")
        return staff


@reader("staff.admin")
def list_staff(actor: StaffMember) -> list[StaffRow]:
    return [_row(s) for s in StaffMember.select().order_by(StaffMember.username).limit(500)]


@writer("staff.admin")
def create_staff(actor: StaffMember, data: dict[str, str]) -> StaffRow:
    """A new account with a temporary password, to be changed at first sign-in."""
    staff = _create(data, must_change=True)
    audit(
        actor,
        "staff.create",
        entity="staff",
        entity_id=staff.id,
        detail=f"{staff.username} as {staff.role}",
    )
    return _row(staff)


@writer("staff.admin")
def set_staff_active(actor: StaffMember, staff_id: int, version: int, active: bool) -> StaffRow:
    """Deactivate (or reactivate) an account. Accounts are never deleted: the audit trail
    keeps pointing at them. You cannot deactivate yourself."""
    staff = get_or_refuse(StaffMember, staff_id, "staff account")
    stale(staff, version)
    if staff.id == actor.id and not active:
        raise ServiceError("You cannot deactivate your own account.")
    staff.active = active
    staff.version += 1
    staff.save()
    audit(
        actor,
        "staff.activate" if active else "staff.deactivate",
        entity="staff",
        entity_id=staff.id,
        detail=staff.username,
    )
    return _row(staff)


@writer("staff.admin")
def reset_password(actor: StaffMember, staff_id: int, version: int, temporary: str) -> StaffRow:
    """Give an account a temporary password (changed at its next sign-in) and unlock it."""
    staff = get_or_refuse(StaffMember, staff_id, "staff account")
    stale(staff, version)
    check_password_rules(temporary, staff.username, full_name=staff.full_name)
    staff.password_hash = hash_password(temporary)
    staff.must_change_password = True
    staff.failed_attempts = 0
    staff.locked_until = None
    staff.version += 1
    staff.save()
    audit(actor, "staff.reset_password", entity="staff", entity_id=staff.id, detail=staff.username)
    return _row(staff)


@writer("staff.admin")
def set_os_login(actor: StaffMember, staff_id: int, version: int, login: str) -> StaffRow:
    """Map an operating-system login (the person's SSH account) to this staff account, so
    they sign in once, at SSH; blank removes the mapping."""
    staff = get_or_refuse(StaffMember, staff_id, "staff account")
    stale(staff, version)
    login = clean_text("os_login", login, max_len=32, label="OS login").lower() or None
    if login and not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in login):
        raise ValidationError.one("os_login", "An operating-system login: " + USERNAME_HELP)
    if (
        login
        and StaffMember.select()
        .where((StaffMember.os_login == login) & (StaffMember.id != staff.id))
        .exists()
    ):
        raise ValidationError.one("os_login", f"'{login}' is mapped to another account.")
    if staff.role == "kiosk" and login:
        raise ValidationError.one("os_login", "The kiosk account always needs its password.")
    staff.os_login = login
    staff.version += 1
    staff.save()
    audit(
        actor,
        "staff.os_login",
        entity="staff",
        entity_id=staff.id,
        detail=f"{staff.username} <- {login or '(none)'}",
    )
    return _row(staff)


MINUTE_SETTINGS = {
    # setting: (what it is, lowest, highest)
    "idle_lock_minutes": ("idle lock", 1, 60),
    "wait_warn_minutes": ("flow board wait warning", 1, 120),
}


def _set_minutes(actor: StaffMember, setting: str, minutes: str | int) -> int:
    label, low, high = MINUTE_SETTINGS[setting]
    text = str(minutes).strip()
    if not is_whole_number(text) or not low <= int(text) <= high:
        raise ValidationError.one(
            "minutes", f"Type a whole number of minutes from {low} to {high}."
        )
    settings = ClinicSettings.select().first()
    old = getattr(settings, setting)
    setattr(settings, setting, int(text))
    settings.version += 1
    settings.save()
    audit(actor, f"settings.{setting}", detail=f"{label}: {old} -> {text} minutes")
    return int(text)


@writer("staff.admin")
def set_idle_lock_minutes(actor: StaffMember, minutes: str | int) -> int:
    """After this many idle minutes each terminal covers its screen until its user's
    password is typed again (HIPAA automatic logoff). 1 to 60; terminals take it up when
    they next start."""
    return _set_minutes(actor, "idle_lock_minutes", minutes)


@writer("staff.admin")
def set_wait_warn_minutes(actor: StaffMember, minutes: str | int) -> int:
    """A patient waiting longer than this in a step stands out on the flow board
    (1 to 120 minutes; default 15)."""
    return _set_minutes(actor, "wait_warn_minutes", minutes)


@reader("staff.admin")
def export_folder_setting(actor: StaffMember) -> str:
    """The export folder as set ("" = each user's documents folder)."""
    settings = ClinicSettings.select(ClinicSettings.export_dir).first()
    return settings.export_dir if settings else ""


@writer("staff.admin")
def set_export_folder(actor: StaffMember, folder: str) -> str:
    """The folder exports are saved in when a bare file name is typed: a full path to an
    existing folder, or blank for each user's documents folder. Returns the folder now in
    force (the default spelled out when blank)."""
    text = clean_text("folder", folder, max_len=500, label="Folder")
    if text:
        path = expand_home(text, "folder")
        if not path.is_absolute():
            raise ValidationError.one("folder", "Type the full path of a folder (/... or ~/...).")
        if not path.is_dir():
            raise ValidationError.one("folder", f"There is no folder {path}.")
        text = str(path)
    settings = ClinicSettings.select().first()
    old = settings.export_dir
    settings.export_dir = text
    settings.version += 1
    settings.save()
    audit(
        actor,
        "settings.export_dir",
        detail=f"export folder: {old or '(default)'} -> {text or '(default)'}",
    )
    return text or str(default_export_folder())


@reader("staff.admin")
def clinic_phone_setting(actor: StaffMember) -> str:
    """The clinic's phone number as the desk reads it ("" when not set)."""
    settings = ClinicSettings.select(ClinicSettings.phone).first()
    return format_phone(settings.phone) if settings and settings.phone else ""


@writer("staff.admin")
def set_clinic_phone(actor: StaffMember, phone: str) -> str:
    """The number printed on visit slips (10 digits with the area code; blank for none)."""
    digits = parse_phone("phone", phone, label="Clinic phone")
    settings = ClinicSettings.select().first()
    old = settings.phone
    settings.phone = digits
    settings.version += 1
    settings.save()
    audit(actor, "settings.phone", detail=f"clinic phone: {old or '-'} -> {digits or '-'}")
    return format_phone(digits)


def has_staff() -> bool:
    with db.connection_context():
        return StaffMember.select().exists()


def load_clinic() -> ClinicSettings:
    """The clinic's settings; also sets the clock to the clinic's time zone."""
    with db.connection_context():
        settings = ClinicSettings.select().first()
        if settings is None:
            with write_transaction():
                settings = ClinicSettings.create(name="My Clinic")
    clock.set_zone(settings.time_zone)
    return settings
