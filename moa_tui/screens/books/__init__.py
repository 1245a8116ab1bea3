"""The Books area (issue 13): a hub of the books' screens."""
