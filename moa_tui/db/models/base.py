"""The model every table derives from, bound to the one database; utcnow for event instants."""

from __future__ import annotations

import datetime as dt

from peewee import Model

from ..database import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
