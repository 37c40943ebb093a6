"""Registrations of the workflow part of appeals (modules, audit words, demo steps), called from ``apps.py``."""


def ready() -> None:
    pass
