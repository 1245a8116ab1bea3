"""Supplies: stock items, receiving and using stock, the movement history."""
