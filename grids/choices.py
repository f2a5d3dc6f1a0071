"""Choices of grid management and community work (domain.md §2, reference/grids.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GridType(models.TextChoices):
    BASIC = "basic", _("Basic grid")
    SCHOOL = "school", _("Dedicated grid: school")
    HOSPITAL = "hospital", _("Dedicated grid: hospital")
    PARK = "park", _("Dedicated grid: park")
    INDUSTRIAL = "industrial", _("Dedicated grid: industrial park")


class PostType(models.TextChoices):
    """三岗: the three posts of the 三岗十八级 ladder."""

    HEAD = "head", _("Head post (正职)")
    DEPUTY = "deputy", _("Deputy post (副职)")
    OTHER = "other", _("Other post")


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", _("In post")
    LEFT = "left", _("Left")


class AssignmentRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    BACKUP = "backup", _("Backup")


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class PilotKind(models.TextChoices):
    GENERALIST = "generalist", _("Generalist social work pilot (全科社工)")
    SMART = "smart", _("Provincial smart-community pilot")


class Source(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    RESIDENT = "resident", _("Resident")
    HOTLINE = "hotline", _("12345 hotline")
    DEPARTMENT = "department", _("Department")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class State(models.TextChoices):
    FILED = "filed", _("Filed")
    ROUTED = "routed", _("Routed")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Handled")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Duplicate")
    UNABLE = "unable", _("Unable to handle")


# Ended: counted as closed (on time or overdue); reopening a closed incident starts it again.
ENDED_STATES = [State.CLOSED, State.DUPLICATE, State.UNABLE]
OPEN_STATES = [State.FILED, State.ROUTED, State.IN_PROGRESS, State.RESOLVED, State.VERIFIED]


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    STREET = "street", _("Street/township office")
    COMMUNITY = "community", _("Community")


class Answer(models.TextChoices):
    OK = "ok", _("In order")
    ISSUE = "issue", _("Problem found")
    NA = "na", _("Not applicable")


class OnTime(models.TextChoices):
    """Counters of the Pingshan system: closed on time, pending on time, closed overdue (and pending overdue)."""

    CLOSED_ON_TIME = "closed_on_time", _("Closed on time")
    PENDING_ON_TIME = "pending_on_time", _("Pending, on time")
    CLOSED_OVERDUE = "closed_overdue", _("Closed overdue")
    PENDING_OVERDUE = "pending_overdue", _("Pending, overdue")


# --- one window (一窗受理), burden reduction, certificates ---------------------------------------------
class WindowState(models.TextChoices):
    BACK_OFFICE = "back_office", _("With the back office")
    DONE = "done", _("Done, resident not yet told")
    CLOSED = "closed", _("Closed, resident told")


class NotifyChannel(models.TextChoices):
    AT_DESK = "at_desk", _("At the desk")
    PHONE = "phone", _("By phone")
    SMS = "sms", _("By text message")
    VISIT = "visit", _("By a home visit")


class WorkList(models.TextChoices):
    """社区工作事项清单: the two lists a department's task must cite."""

    STATUTORY = "statutory", _("Statutory duties (依法履职)")
    ASSIST = "assist", _("Assisting the government (协助政府)")


class AdmissionState(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")


class TaskState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
