"""The one question asked before a visit that needs the payer's authorization is booked
with none good for it (missing, expired, not started, used up): the slot list, the
follow-up at check-out, the waitlist's open slots and the offer of a freed slot all ask
it, and book only if the desk says to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ...services.scheduling.authorization_check import authorization_warning
from ...widgets.dialogs import ConfirmDialog


async def authorization_ok(
    screen,
    patient_id: int,
    patient: str,
    type_id: int,
    starts_at: dt.datetime,
    tell: Callable[[str], None] | None = None,
) -> bool:
    """True when the visit may be booked: no authorization problem, or the desk said
    "book anyway". *screen* is a ServiceCaller screen; *tell* shows why nothing was
    booked (the screen's message line by default)."""
    warning = await screen.ask_service(
        authorization_warning, patient_id, type_id, starts_at, group="auth"
    )
    if warning is None:  # refused: the refusal is shown
        return False
    if warning:
        question = f"{warning} Book {patient} {starts_at:%a %m/%d/%Y %H:%M}?"
        if not await screen.app.push_screen_wait(ConfirmDialog(question, yes="book anyway")):
            (tell or (lambda text: screen.say(text, "warning")))("Not booked: " + warning)
            return False
    return True
