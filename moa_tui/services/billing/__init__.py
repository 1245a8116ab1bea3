"""Billing: claims, their status and adjustments."""
