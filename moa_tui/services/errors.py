"""Errors a service raises. Every message is written for the person at the desk."""

from __future__ import annotations


class ServiceError(Exception):
    """A job could not be done; ``str(err)`` says why in plain words."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone else changed the record since it was read (or took the slot)."""


class ValidationError(ServiceError):
    """Bad input. ``errors`` maps a field name to the message to show beside it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    @classmethod
    def one(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})
