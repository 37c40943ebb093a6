from .accounts import ApiToken, Department, Grant, LoginFailure, Role, User
from .audit import AuditEvent
from .calendar import CalendarDay, CalendarYear
from .jobs import Job, JobState
from .orgs import Org, Post
from .system import WorkerHeartbeat
from .territory import Area

__all__ = [
    "ApiToken",
    "Area",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "Department",
    "Grant",
    "Job",
    "JobState",
    "LoginFailure",
    "Org",
    "Post",
    "Role",
    "User",
    "WorkerHeartbeat",
]
