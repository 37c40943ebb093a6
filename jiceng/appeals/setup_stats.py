"""Registrations of the stats part of appeals (modules, audit words, demo steps), called from ``apps.py``."""


def ready() -> None:
    pass
