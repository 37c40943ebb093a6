from .accounts import ApiToken, Department, Grant, LoginFailure, Role, User
from .audit import AuditEvent
from .orgs import Org, Post
from .system import WorkerHeartbeat
from .territory import Area

__all__ = [
    "ApiToken",
    "Area",
    "AuditEvent",
    "Department",
    "Grant",
    "LoginFailure",
    "Org",
    "Post",
    "Role",
    "User",
    "WorkerHeartbeat",
]
