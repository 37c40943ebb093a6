"""Endpoints: development (filled in by its own module)."""

from ninja import Router

router = Router()
