"""X12 electronic claims (837P out) and remittances (835 in), issue 11 items 4, 5, 7, 9."""
