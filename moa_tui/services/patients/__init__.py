"""Patients: search, charts, registration and coverage, merging duplicates, restricted records
(privacy).
"""
