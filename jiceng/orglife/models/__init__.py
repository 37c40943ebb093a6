from jiceng.orglife.models.meetings import Audience, Meeting, MeetingKind, MeetingStatus, Period

__all__ = ["Audience", "Meeting", "MeetingKind", "MeetingStatus", "Period"]
