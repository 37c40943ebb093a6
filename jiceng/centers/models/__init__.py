from jiceng.centers.models.places import (
    Center,
    CenterLevel,
    CenterPhoto,
    OpeningException,
    OpeningHours,
    Room,
    RoomKind,
)
from jiceng.centers.models.reservations import HOLDING_STATUSES, Purpose, ReservationStatus, RoomReservation
from jiceng.centers.models.rota import CenterNotice, RotaShift
from jiceng.centers.models.services import CenterService, Channel

__all__ = [
    "HOLDING_STATUSES",
    "Center",
    "CenterLevel",
    "CenterNotice",
    "CenterPhoto",
    "CenterService",
    "Channel",
    "OpeningException",
    "OpeningHours",
    "Purpose",
    "ReservationStatus",
    "Room",
    "RoomKind",
    "RoomReservation",
    "RotaShift",
]
