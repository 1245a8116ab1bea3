"""Security screens: sign-in and password change, staff accounts, the audit trail."""
