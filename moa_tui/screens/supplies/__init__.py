"""Supplies screens: the stock list and an item's movement history."""
