"""Reminders for the day the confirmation calls show (issue 12 item 5): the texting
service's file (t on the calls list) and the letters or postcards from a template (L),
each saved through the one export dialog."""

from __future__ import annotations

from ...services.comms.reminders import (
    TEMPLATE,
    ReminderBatch,
    save_reminder_letters,
    save_reminder_texts,
)
from ...services.comms.templates import letter_templates
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog

PAPERS = [("Letters (one a page)", "letter"), ("Postcards (6 x 4 in)", "postcard")]


def _said(screen, batch: ReminderBatch | None) -> None:
    if isinstance(batch, ReminderBatch):
        screen.say(batch.message, "ok" if batch.count else "warning")


async def save_texts(screen, days_ahead: int, day) -> None:
    """The day's reminder texts as CSV for a texting service."""

    def save(actor, path, overwrite):
        return save_reminder_texts(actor, days_ahead, path, overwrite)

    batch = await screen.app.push_screen_wait(
        ExportDialog(
            f"Reminder texts for {day:%a %m/%d/%Y} (CSV)", f"reminder-texts-{day:%Y-%m-%d}.csv",
            save,
        )
    )  # fmt: skip
    _said(screen, batch)


async def print_letters(screen, days_ahead: int, day) -> None:
    """The day's reminders from a template, as letters or postcards in one PDF."""
    templates = await screen.ask_service(letter_templates, group="templates")
    if not templates:
        return
    options = [(t.name, str(t.id)) for t in templates]
    first = next((str(t.id) for t in templates if t.name == TEMPLATE), options[0][1])
    chosen = await screen.app.push_screen_wait(
        FormDialog(
            f"Reminders for {day:%a %m/%d/%Y}: letters or postcards",
            [
                FieldSpec("template", "Template", first, options=options),
                FieldSpec("paper", "Paper", "letter", options=PAPERS),
            ],  # fmt: skip
            lambda actor, values: values,
            hint="Enter: next / go on to the file name · Esc cancel",
        )
    )
    if not chosen:
        return
    template_id, paper = int(chosen["template"]), chosen["paper"]

    def save(actor, path, overwrite):
        return save_reminder_letters(actor, days_ahead, path, template_id, paper, overwrite)

    batch = await screen.app.push_screen_wait(
        ExportDialog(
            f"Reminder {paper}s for {day:%a %m/%d/%Y} (PDF)",
            f"reminder-{paper}s-{day:%Y-%m-%d}.pdf",
            save,
        )
    )  # fmt: skip
    _said(screen, batch)
