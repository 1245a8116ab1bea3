"""What any screen of the desk app can open over itself about a patient (a task, a
letter, referrals, mail, refills, disclosures, the clinical record): MoaApp's methods,
each importing its screen when first used. Screens call them through ``self.app`` instead
of importing another area's screens (the screen-areas contract)."""

from __future__ import annotations


class PatientOpeners:
    """Mixin for the desk App: each method pushes its screen over the current one."""

    def new_task(self, about: str = "", **links) -> None:
        """A task about a patient, a claim or a message (patient_id=, claim_id=,
        message_id=), asked for over the current screen."""
        from .screens.comms.task_form import new_task

        new_task(self.screen, about, **links)

    def new_letter(self, patient_id: int, name: str = "", referral_id: int | None = None) -> None:
        """A letter about a patient from a template (issue 12 item 3), over this screen;
        with *referral_id*, that referral's letter, prefilled."""
        from .screens.comms.letters import LetterScreen

        self.push_screen(LetterScreen(patient_id, name, referral_id))

    def referrals(self, patient_id: int | None = None, name: str = "") -> None:
        """A patient's referrals and authorizations, or (no patient) the office's open
        referrals (issue 12 item 6), over this screen."""
        from .screens.records import open_referrals as lists

        if patient_id is None:
            self.push_screen(lists.OpenReferralsScreen())
        else:
            self.push_screen(lists.PatientReferralsScreen(patient_id, name))

    def patient_mail(self, patient_id: int, name: str = "") -> None:
        """The mail in and out about a patient (issue 12 item 4), over this screen."""
        from .screens.comms.mail import PatientMailScreen

        self.push_screen(PatientMailScreen(patient_id, name))

    def patient_refills(self, patient_id: int, name: str = "") -> None:
        """A patient's refill requests and where each stands (issue 12 item 7)."""
        from .screens.comms.refills import PatientRefillsScreen

        self.push_screen(PatientRefillsScreen(patient_id, name))

    def patient_disclosures(self, patient_id: int, name: str = "") -> None:
        """A patient's disclosure log and its accounting (issue 12 item 9)."""
        from .screens.records.disclosures import DisclosuresScreen

        self.push_screen(DisclosuresScreen(patient_id, name))

    def patient_records(self, patient_id: int, name: str = "") -> None:
        """A patient's allergies, medications, problems, vitals, notes and documents
        (issue 12 item 8), over this screen."""
        from .screens.records.records import RecordsScreen

        self.push_screen(RecordsScreen(patient_id, name))
