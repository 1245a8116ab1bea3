"""Security: sign-in and passwords, roles and permissions, staff accounts, the audit trail and its
verification.
"""
