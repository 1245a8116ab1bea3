"""The app's areas (Textual modes): each one's keys, label, permission, and its screen,
imported when the area is first shown."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from textual.screen import Screen

from .services import clock


def _screen(module: str, name: str) -> Callable[[], Screen]:
    """An area's screen (screens/<module>.py), imported when the area is first shown
    (issue 10: the sign-in paints before any area's screens, services and widgets are
    imported)."""

    def build() -> Screen:
        return getattr(importlib.import_module(build.module), name)()

    build.__qualname__ = name
    build.module = f"moa_tui.screens.{module}"
    return build


# name: (keys, label, screen factory, permission needed to see it). Each F-key has an
# Alt+digit twin for terminals that swallow F-keys; a site's keymap (ui/keymap.py) can
# change both through the binding id "app.area.<name>".
AREAS = {
    "schedule": (
        "f2,alt+2",
        "Schedule",
        _screen("scheduling.schedule", "ScheduleScreen"),
        "schedule.read",
    ),
    "queue": (
        "f3,alt+3",
        "Patient flow",
        _screen("frontdesk.flow_board", "QueueScreen"),
        "schedule.read",
    ),
    "patients": (
        "f4,alt+4",
        "Patients",
        _screen("patients.patients", "PatientsScreen"),
        "patient.read",
    ),
    "claims": ("f5,alt+5", "Claims", _screen("billing.claims", "ClaimsScreen"), "claims.read"),
    "stock": ("f6,alt+6", "Stock", _screen("supplies.stock", "StockScreen"), "stock.read"),
    "audit": ("f7,alt+7", "Audit", _screen("security.audit", "AuditScreen"), "audit.read"),
    "staff": ("f8,alt+8", "Staff", _screen("security.staff", "StaffScreen"), "staff.admin"),
    "inbox": ("f9,alt+9", "Inbox", _screen("comms.inbox", "InboxScreen"), "comms.read"),
    "books": ("f11,alt+minus", "Books", _screen("books.hub", "BooksScreen"), "books.read"),
}


def preload(name: str) -> None:
    """Import the area's screen ahead of its first showing: the app does it in a thread
    while the sign-in is on screen, so the imports (90 ms for the schedule, and the clock's
    arrow) overlap the typing and the password check instead of following them."""
    clock.load()
    importlib.import_module(AREAS[name][2].module)
