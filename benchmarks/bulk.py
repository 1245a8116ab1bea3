"""Filling a benchmark clinic quickly: many rows per INSERT."""

from __future__ import annotations

BATCH = 500  # rows per INSERT; well under SQLite's limit on bound variables


def bulk(model, fields: list, rows: list[tuple]) -> None:
    for start in range(0, len(rows), BATCH):
        model.insert_many(rows[start : start + BATCH], fields=fields).execute()
