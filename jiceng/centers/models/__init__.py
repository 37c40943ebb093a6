from jiceng.centers.models.activities import (
    Activity,
    Audience,
    Booking,
    BookingStatus,
    BuildingEmployee,
    OneTimeCode,
    Resident,
    ResidentToken,
    Session,
)
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
    "Activity",
    "Audience",
    "Booking",
    "BookingStatus",
    "BuildingEmployee",
    "Center",
    "CenterLevel",
    "CenterNotice",
    "CenterPhoto",
    "CenterService",
    "Channel",
    "OneTimeCode",
    "OpeningException",
    "OpeningHours",
    "Purpose",
    "ReservationStatus",
    "Resident",
    "ResidentToken",
    "Room",
    "RoomKind",
    "RoomReservation",
    "RotaShift",
    "Session",
]
