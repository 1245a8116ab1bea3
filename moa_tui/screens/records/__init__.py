"""The patient's record beyond the registration (issue 12): disclosures of records,
referrals and payers' authorizations, and the chart for the desk (item 8): the clinical
record, notes and documents."""
