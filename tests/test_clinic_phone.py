"""The clinic's phone number: set by the manager (F8, t), printed on the visit slip."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings
from moa_tui.services import clock
from moa_tui.services.errors import ValidationError
from moa_tui.services.frontdesk.visit_slip import save_visit_slip
from moa_tui.services.scheduling.schedule import day_schedule
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import clinic_phone_setting, find_staff, set_clinic_phone

from .ui_helpers import settle, static_text


def test_the_manager_sets_the_phone_and_bad_numbers_are_refused(demo_db):
    manager = find_staff("manager")
    assert set_clinic_phone(manager, "(315) 555-0142") == "315-555-0142"
    assert ClinicSettings.get().phone == "3155550142"
    assert clinic_phone_setting(manager) == "315-555-0142"
    with pytest.raises(ValidationError, match="10 digits"):
        set_clinic_phone(manager, "555-0142")
    with pytest.raises(PermissionDenied):
        set_clinic_phone(find_staff("desk"), "3155550142")
    assert ClinicSettings.get().phone == "3155550142"


def test_the_visit_slip_gives_the_clinics_phone(demo_db, tmp_path):
    set_clinic_phone(find_staff("manager"), "3155550142")
    desk = find_staff("desk")
    row = next(r for r in day_schedule(desk, clock.today()) if r.status == "checked_out")
    path = save_visit_slip(desk, row, None, str(tmp_path / "slip.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Call us at 315-555-0142" in text


async def test_f8_t_sets_the_phone_by_keys(demo_db):
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        field = app.screen.query_one("#phone")
        field.value = ""
        await pilot.press(*"3155550142", "enter")
        await settle(pilot)
        assert "315-555-0142" in static_text(app, "#message")
    assert ClinicSettings.get().phone == "3155550142"
