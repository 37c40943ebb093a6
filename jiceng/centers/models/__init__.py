from jiceng.centers.models.places import Center, CenterLevel, Room

__all__ = ["Center", "CenterLevel", "Room"]
