"""New task, from the inbox (about a message), a patient's chart or a claim: title, due
date (required, not in the past), whose inbox, notes. Opened through app.new_task."""

from __future__ import annotations

from collections.abc import Callable

from ...services.comms.messages import InboxRow, inbox_choices
from ...services.comms.tasks import create_task
from ...widgets.form import FieldSpec, FormDialog


def new_task(
    screen,
    about: str = "",
    *,
    patient_id: int | None = None,
    claim_id: int | None = None,
    message_id: int | None = None,
    then: Callable[[InboxRow | None], None] | None = None,
) -> None:
    """Ask for the task over *screen* (a ServiceCaller) and save it; *then* gets the row."""

    def submit(actor, values):
        return create_task(
            actor, values, patient_id=patient_id, claim_id=claim_id, message_id=message_id
        )

    async def flow() -> None:
        choices = await screen.ask_service(inbox_choices, group="task-choices")
        if not choices:
            return
        row = await screen.app.push_screen_wait(
            FormDialog(
                f"New task{' about ' + about if about else ''}",
                [
                    FieldSpec("title", "Task", max_length=120),
                    FieldSpec("due", "Due", placeholder="t+2, fri, 12/24 10:00"),
                    FieldSpec("route", "To", options=list(choices)),
                    FieldSpec("text", "Notes", max_length=2000),
                ],
                submit,
            )
        )
        if then is not None:
            then(row)
        elif row is not None and hasattr(screen, "say"):
            screen.say(
                f"Task {row.id} is in {row.inbox}'s inbox, due {row.due:%m/%d/%Y %H:%M}.", "ok"
            )

    # An async worker that awaits its dialog (DESIGN.md: multi-step flows read top to bottom).
    screen.run_worker(flow(), exclusive=True, group="task-flow")
