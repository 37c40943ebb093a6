"""Demo appeals (filled in below)."""


def demo_appeals(actor, made, out=None):
    return []
