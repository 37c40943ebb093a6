"""Errors services raise that are not field validation: the API maps ``Conflict`` to 409."""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The request is valid but collides with an existing record (the same ID number twice …)."""
