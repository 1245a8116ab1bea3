"""The practice's books (issue 13): chart of accounts, general ledger, manual entries."""
