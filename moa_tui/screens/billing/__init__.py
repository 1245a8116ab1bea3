"""Billing screens: the claims list and a claim's detail."""
