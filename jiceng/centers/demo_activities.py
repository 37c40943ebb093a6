"""Demo: a week of activities at the demo centers (filled once the centers' demo exists)."""


def load_activities_demo(actor, made, out):
    return []
