"""The patient's record beyond the registration (issue 12): disclosures of records,
referrals and payers' authorizations."""
