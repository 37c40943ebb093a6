from jiceng.appeals.models.appeals import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealPhoto,
    AppealType,
    CategoryCorrection,
    Channel,
    Extension,
    ExtensionStatus,
    Order,
    OrderRole,
    OrderStatus,
    PhotoStage,
    Routed,
    Satisfied,
    Solved,
    Status,
)
from jiceng.appeals.models.catalogue import Category, CategoryDeadline, DeadlineUnit, UnitKind, Urgency
from jiceng.appeals.models.publishing import HotSpotStatus, HotSpotTask, Open311Key, RankingKind, RankingSnapshot

__all__ = [
    "FINISHED_STATUSES", "OPEN_STATUSES", "Appeal", "AppealEvent", "AppealPhoto", "AppealType", "Category",
    "CategoryCorrection", "CategoryDeadline", "Channel", "DeadlineUnit", "Extension", "ExtensionStatus",
    "HotSpotStatus", "HotSpotTask", "Open311Key", "Order", "OrderRole", "OrderStatus", "PhotoStage",
    "RankingKind", "RankingSnapshot", "Routed", "Satisfied", "Solved", "Status", "UnitKind", "Urgency",
]

# stats part (issue 6): the monthly rollups of the three rates
from jiceng.appeals.models.rollups import AppealRollup, RollupPeriod

__all__ += ["AppealRollup", "RollupPeriod"]
