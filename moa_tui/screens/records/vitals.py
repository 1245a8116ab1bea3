"""Vitals (issue 12 items 8, 10): a form of five fields; a value outside the usual range
is shown beside its field and asked about (y keeps it, as confirmed); an impossible one
is refused beside its field."""

from __future__ import annotations

from ...services.errors import ServiceError
from ...services.records.vitals import OutOfRange, record_vitals
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, Form, FormDialog


class VitalsDialog(FormDialog):
    SCREEN_NAME = "Vitals"

    def __init__(self, patient_id: int, name: str) -> None:
        super().__init__(
            f"Vitals · {name}",
            [
                FieldSpec("bp", "BP", placeholder="120/80", max_length=9),
                FieldSpec("pulse", "Pulse", placeholder="72", max_length=4),
                FieldSpec("temp", "Temp", placeholder="98.6 or 37 C", max_length=10),
                FieldSpec("weight", "Weight", placeholder="150 lb or 68 kg", max_length=10),
                FieldSpec("height", "Height", placeholder="65, 5'5\" or 165 cm", max_length=10),
            ],
            self._record,
        )
        self.patient_id = patient_id
        self.confirmed = False

    def _record(self, actor, values: dict):
        return record_vitals(actor, self.patient_id, values, confirmed_out_of_range=self.confirmed)

    def _failed(self, error: ServiceError) -> None:
        self.confirmed = False
        super()._failed(error)
        if not isinstance(error, OutOfRange):
            return
        typed = self.query_one(Form).values()
        question = " ".join(error.errors.values()) + " Keep these values?"

        def answered(yes: bool | None) -> None:
            if yes and self.query_one(Form).values() == typed:
                self.confirmed = True
                self.action_submit()

        self.app.push_screen(ConfirmDialog(question, yes="keep them, confirmed"), answered)
