"""The chart for the desk (issue 12 item 8): allergies, medications, problems, vitals,
visit notes and documents filed to a patient."""
