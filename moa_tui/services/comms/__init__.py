"""Phone messages with triage and routing, staff inboxes and tasks (issue 12 items 1, 2, 10)."""
