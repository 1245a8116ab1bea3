"""Setting a recall (issue 12 item 5): the patient is due back for an annual physical, a
6-month follow-up or something else, by a date, with a provider or any. Asked at
check-out (r) and from the chart (d); a due date in the past is refused beside the field.
And from the chart (T), whether reminder texts may name the patient in full."""

from __future__ import annotations

from ...services.comms.recalls import KIND_LABELS, RecallRow, add_recall
from ...services.comms.reminders import reminder_consent, set_reminder_consent
from ...services.scheduling.schedule import list_providers
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog


def recall_dialog(
    patient_id: int,
    name: str,
    providers: list,
    *,
    visit_id: int | None = None,
    provider_id: int | None = None,
    kind: str = "annual",
) -> FormDialog:
    """The recall's form; it closes with the RecallRow the service made."""

    def submit(actor, values):
        return add_recall(actor, patient_id, values, visit_id=visit_id)

    options = [("Any provider", "")] + [(p.short_name, str(p.id)) for p in providers]
    return FormDialog(
        f"Recall: {name} due back",
        [
            FieldSpec("kind", "For", kind, options=[(v, k) for k, v in KIND_LABELS.items()]),
            FieldSpec(
                "due",
                "Due",
                placeholder="blank: 1 year / 6 months · t+3m · 12/01/2027",
                max_length=20,
            ),  # fmt: skip
            FieldSpec("provider", "Provider", str(provider_id or ""), options=options),
            FieldSpec("note", "Note", placeholder="e.g. fasting labs first", max_length=200),
        ],
        submit,
        hint="Blank due date: a year on (annual) or 6 months (follow-up) · Enter: next / "
        "save · Esc cancel",
    )


async def set_recall(screen, patient_id: int, name: str, **kwargs) -> RecallRow | None:
    """Ask for a recall over *screen* (awaited by its worker) and say when it is set."""
    providers = await screen.ask_service(list_providers, group="providers")
    if providers is None:
        return None
    row = await screen.app.push_screen_wait(recall_dialog(patient_id, name, providers, **kwargs))
    if isinstance(row, RecallRow):
        screen.say(f"Recall set: {row.kind.lower()}, due {row.due_on:%m/%d/%Y}.", "ok")
    return row


async def ask_reminder_consent(screen, patient_id: int, name: str) -> None:
    """Full name or initials in the patient's reminder texts, the choice in force marked."""
    full = await screen.ask_service(reminder_consent, patient_id, group="consent")
    if full is None:
        return
    rows = [
        ("initials", ("Initials only" + ("" if full else " (now)"),)),
        ("full", ("Full name: the patient agreed" + (" (now)" if full else ""),)),
    ]
    choice = await screen.app.push_screen_wait(
        PickDialog(f"Reminder texts to {name} say", [("Name in the text", 40)], rows)
    )
    if choice is None:
        return
    saved = await screen.ask_service(
        set_reminder_consent, patient_id, choice == "full", group="write"
    )
    if saved is not None:
        screen.say(
            "Reminder texts will say the full name." if saved
            else "Reminder texts will say initials only.", "ok",
        )  # fmt: skip
