from jiceng.orglife.models.attendance import (
    Attendance,
    AttendanceState,
    DualLife,
    FileKind,
    LeaveStatus,
    MeetingFile,
    SignMethod,
)
from jiceng.orglife.models.meetings import Audience, Meeting, MeetingKind, MeetingStatus, Period
from jiceng.orglife.models.study import StudyItem, StudyKind, StudyRecord
from jiceng.orglife.models.votes import Ballot, Choice, Vote, VoteRule, VoteStatus

__all__ = ["Attendance", "AttendanceState", "Audience", "Ballot", "Choice", "DualLife", "FileKind", "LeaveStatus",
           "Meeting", "MeetingFile", "MeetingKind", "MeetingStatus", "Period", "SignMethod", "StudyItem", "StudyKind",
           "StudyRecord", "Vote", "VoteRule", "VoteStatus"]
