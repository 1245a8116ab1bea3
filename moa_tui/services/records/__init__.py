"""The patient's record for the desk (issue 12): the chart (item 8): allergies,
medications, problems, vitals, visit notes and documents filed to a patient; referrals and
payers' authorizations (item 6)."""
