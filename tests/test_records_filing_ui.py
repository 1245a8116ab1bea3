"""Filing a document that cannot be filed, by keyboard alone at 80x24 (issue 12 items 8,
10): a folder, something that is not an ordinary file, an unreadable, an empty and a too
large file are each named beside the File field of the filing dialog, which says the
limit; nothing is written. The manager sets the limit from the Staff area (m)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from moa_tui.cli import make_app
from moa_tui.db.models import ClinicSettings, DocumentBlob, PatientDocument
from moa_tui.db.models.clinic import DOCUMENT_MAX_MB
from moa_tui.screens.records.records import RecordsScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.form import FormDialog

from .ui_helpers import settle, static_text

SIZE = (80, 24)
CHART = ["f4", *"app", "enter"]  # the patients area, "app", the first match: a chart
MB = 1024 * 1024


def _folder(d: Path) -> str:
    (d / "scans").mkdir()
    return "scans"


def _fifo(d: Path) -> str:
    os.mkfifo(d / "pipe.pdf")
    return "pipe.pdf"


def _empty(d: Path) -> str:
    (d / "empty.pdf").write_bytes(b"")
    return "empty.pdf"


def _too_large(d: Path) -> str:
    (d / "big.pdf").write_bytes(b"%PDF-1.4" + b"x" * (2 * MB))  # over the 2 MB set below
    return "big.pdf"


def _unreadable(d: Path, monkeypatch) -> str:
    locked = d / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4 x")
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads any file: the open itself fails as it would for anyone else
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if os.fspath(path).endswith("locked.pdf"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    return "locked.pdf"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_folder, "is a folder; give the file in it."),
        (_fifo, "is not an ordinary file."),
        (_unreadable, "cannot be read: Permission denied."),
        (_empty, "empty.pdf is empty: nothing to file."),
        (_too_large, "big.pdf is 2.0 MB; a chart takes 2 MB at most."),
    ],
    ids=["folder", "not-a-file", "unreadable", "empty", "too-large"],
)
async def test_a_file_that_cannot_be_filed_is_named_beside_the_field(
    demo_db, tmp_path, monkeypatch, make, says
):
    ClinicSettings.update(export_dir=str(tmp_path), document_max_mb=2).execute()
    typed = make(tmp_path, monkeypatch) if make is _unreadable else make(tmp_path)
    before = (PatientDocument.select().count(), DocumentBlob.select().count())
    app = make_app(demo_db, actor=find_staff("desk"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in (*CHART, "a", "f"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert static_text(app, ".hint").startswith("Up to 2 MB.")
        await pilot.press(*typed, "enter", "enter", "enter", *"Referral", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # still open, the file named beside it
        shown = static_text(app, "#error-path")
        assert says in shown, shown
        assert app.screen.query_one("#error-path").region.width <= 80
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
    assert (PatientDocument.select().count(), DocumentBlob.select().count()) == before


async def test_the_manager_sets_the_document_limit_from_the_staff_area(demo_db):
    assert ClinicSettings.get().document_max_mb == DOCUMENT_MAX_MB
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#megabytes").value == str(DOCUMENT_MAX_MB)
        await pilot.press("ctrl+u", *"500", "enter")
        await settle(pilot)
        assert "1 to 100" in static_text(app, "#error-megabytes")
        assert ClinicSettings.get().document_max_mb == DOCUMENT_MAX_MB
        await pilot.press("ctrl+u", *"25", "enter")
        await settle(pilot)
        assert "A chart now takes 25 MB at most." in static_text(app, "#message")
    assert ClinicSettings.get().document_max_mb == 25
