"""Endpoints: the roll."""

from ninja import Router

router = Router()
