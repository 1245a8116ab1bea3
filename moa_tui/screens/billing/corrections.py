"""A corrected claim (r) or a void (V) from the claim screen (issue 11 item 6), billing or
above: a confirm, then the note saying why (services/billing/corrections.py). A corrected
claim opens on the charges screen to be fixed and scrubbed; a void is ready for the next
batch."""

from __future__ import annotations

from textual.binding import Binding

from ...services.billing.corrections import correct_claim, void_claim
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, FormDialog
from .charges import ChargesScreen

# Kept off the 80-column footer, shown in help and the command palette.
CORRECTION_BINDINGS = [
    Binding("r", "correct_claim", "Corrected claim", show=False, id="claim.correct"),
    Binding("V", "void_claim", "Void claim", show=False, id="claim.void"),
]
CORRECTION_PERMISSIONS = {"correct_claim": "billing.writeoff", "void_claim": "billing.writeoff"}

QUESTIONS = {
    "7": "Make a corrected claim (frequency 7) replacing claim {id}? The original is closed "
    "and the copy opens to be fixed.",
    "8": "Void claim {id} (frequency 8)? The void goes out in the next batch and the "
    "original becomes void.",
}


def note_dialog(claim_id: int, version: int, frequency: str) -> FormDialog:
    service = correct_claim if frequency == "7" else void_claim

    def submit(actor, values):
        return service(actor, claim_id, version, values["note"])

    word = "Correct" if frequency == "7" else "Void"
    return FormDialog(
        f"{word} claim {claim_id}: why?",
        [FieldSpec("note", "Note", placeholder="e.g. wrong modifier (required)", max_length=400)],
        submit,
    )


class CorrectionActions:
    """The actions behind CORRECTION_BINDINGS, for the claim screen (self.detail)."""

    def action_correct_claim(self) -> None:
        self._ask_replace("7")

    def action_void_claim(self) -> None:
        self._ask_replace("8")

    def _ask_replace(self, frequency: str) -> None:
        if not self.detail:
            return
        r = self.detail.row

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(
                    note_dialog(r.id, r.version, frequency),
                    lambda new_id: self._replaced(frequency, new_id),
                )

        yes = "correct" if frequency == "7" else "void"
        self.app.push_screen(ConfirmDialog(QUESTIONS[frequency].format(id=r.id), yes), confirmed)

    def _replaced(self, frequency: str, new_id: int | None) -> None:
        if not new_id:
            return
        self.reload()
        if frequency == "7":
            self.app.push_screen(ChargesScreen(new_id))
            self.say(f"Corrected claim {new_id} made: fix it, then scrub it.", "ok")
        else:
            self.say(f"Void claim {new_id} made: it goes out in the next batch.", "ok")
