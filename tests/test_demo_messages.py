"""The demo's inboxes (issue 12): a routine call, an urgent call taken, an overdue task and
a refill request, made through the services when the demo is built."""

from __future__ import annotations

from moa_tui.db.database import db, open_database
from moa_tui.db.models import InboxMessage, RefillRequest
from moa_tui.services import clock
from moa_tui.services.comms.messages import inbox_counts, inbox_rows, urgent_untaken
from moa_tui.services.demo import DemoSize, build_demo
from moa_tui.services.security.staff import find_staff, load_clinic


def test_the_demo_has_a_morning_of_messages(tmp_path):
    clock.set_zone("America/New_York")
    clock.freeze("2026-11-18T11:00")
    open_database(tmp_path / "demo.db")
    load_clinic()
    try:
        build_demo(DemoSize(patients=200, days_each_side=3, claims=60))
        desk = find_staff("desk")
        with db.connection_context():
            kinds = sorted(m.kind for m in InboxMessage.select())
            urgent = InboxMessage.get(InboxMessage.urgent)
            refill = RefillRequest.get()
        assert kinds == ["call", "call", "refill", "task"]
        assert urgent.status == "in_progress" and urgent.taken_by.username == "nurse"
        assert urgent_untaken(desk) == []  # nobody's screen nags in the demo
        assert inbox_counts(desk).overdue == 1
        assert any(r.overdue and r.kind == "task" for r in inbox_rows(desk, "mine"))
        assert refill.status == "sent" and refill.prescriber_id is not None
        every = inbox_rows(desk, "all")
        assert {r.kind for r in every} == {"call", "task", "refill"}
    finally:
        db.close()
        clock.freeze(None)
