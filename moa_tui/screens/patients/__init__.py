"""Patients screens: search, the chart and registration form, coverage."""
