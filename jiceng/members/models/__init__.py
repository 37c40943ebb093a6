from .development import Applicant, ApplicantOutcome, ApplicantStep, Stage, StepDocument
from .mobility import FloatingRecord, ServiceReport, Transfer, TransferReason, TransferState, TransferStep
from .roll import (
    ACTIVE_STATUSES,
    Discipline,
    DisciplineKind,
    DuesCategory,
    Education,
    EventKind,
    Member,
    MemberEvent,
    MemberStatus,
    Sex,
)

__all__ = [
    "ACTIVE_STATUSES", "Applicant", "ApplicantOutcome", "ApplicantStep", "Discipline", "DisciplineKind",
    "DuesCategory", "Education", "EventKind", "FloatingRecord", "Member", "MemberEvent", "MemberStatus",
    "ServiceReport", "Sex", "Stage", "StepDocument", "Transfer", "TransferReason", "TransferState",
    "TransferStep",
]
