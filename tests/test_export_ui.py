"""The export dialog at 80x24: the folder it saves to, refusing the database, asking
before replacing a file, and the manager's export folder setting."""

from __future__ import annotations

import hashlib
import stat

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.export import ExportDialog, ReplaceDialog

from .ui_helpers import settle, static_text

SIZE = (80, 24)


@pytest.fixture
def documents(tmp_path, monkeypatch):
    folder = tmp_path / "Documents"
    folder.mkdir()
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(folder))
    return folder


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _open_day_sheet_dialog(pilot):
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportDialog)


async def test_typing_the_database_path_in_the_day_sheet_dialog_is_refused(demo_db, documents):
    before = _digest(demo_db)
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_day_sheet_dialog(pilot)
        assert static_text(app, "#export-folder") == f"Saves to {documents}"
        await pilot.press("end", "ctrl+u", *str(demo_db), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)  # still open, the name marked
        assert "belongs to the clinic's database" in static_text(app, "#error-path")
    assert _digest(demo_db) == before
    assert demo_db.read_bytes().startswith(b"SQLite format 3\x00")


async def test_a_bare_name_saves_in_the_folder_and_an_existing_file_needs_a_yes(demo_db, documents):
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await _open_day_sheet_dialog(pilot)
        await pilot.press("end", "ctrl+u", *"today.pdf", "enter")
        await settle(pilot)
        saved = documents / "today.pdf"
        assert saved.read_bytes().startswith(b"%PDF")
        assert f"Saved {saved}" in static_text(app, "#message")

        saved.write_bytes(b"keep")
        saved.chmod(0o644)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press("end", "ctrl+u", *"today.pdf", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplaceDialog)
        assert static_text(app, "#replace-question") == "today.pdf exists. Replace it? y/n"
        await pilot.press("enter")  # Enter does not say yes
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert saved.read_bytes() == b"keep"
        assert "Not replaced" in static_text(app, "#error-path")

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplaceDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog | ReplaceDialog)
        assert saved.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600


async def test_the_manager_sets_the_export_folder_and_the_dialog_shows_it(
    demo_db, documents, tmp_path
):
    shared = tmp_path / "shared"
    shared.mkdir()
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*str(shared), "enter")
        await settle(pilot)
        assert f"Exports go to {shared}." in static_text(app, "#message")
        assert ClinicSettings.select().first().export_dir == str(shared)

        await pilot.press("f7")  # the audit report's CSV goes there too
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert static_text(app, "#export-folder") == f"Saves to {shared}"
        await pilot.press("enter")
        await settle(pilot)
        assert (shared / "audit-report.csv").read_text().startswith("id,time,staff")
