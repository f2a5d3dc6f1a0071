"""Choices of the volunteers app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled at their request")


class JoinMode(models.TextChoices):
    OPEN = "open", _("Open to anyone")
    APPROVAL = "approval", _("Manager approval")
    INVITATION = "invitation", _("Invitation only")


class MemberRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    RECORDER = "recorder", _("Recorder")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class RecordStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RecordSource(models.TextChoices):
    SHIFT = "shift", _("Shift check-out")
    MANUAL = "manual", _("Entered by the team")
    IMPORT = "import", _("Imported")
    CORRECTION = "correction", _("Correction")
    REVERSAL = "reversal", _("Reversal")


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the team's answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class TrainingTopic(models.TextChoices):
    ELDERLY_CARE = "elderly_care", _("Elderly-care volunteering")
    SYSTEM_USE = "system_use", _("Use of the volunteer information system")
    FIRST_AID = "first_aid", _("First aid")
    OTHER = "other", _("Other")


class SocialWorkLevel(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant social worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SENIOR = "senior", _("Senior social worker")


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")


class ImportKind(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Volunteers")
    SERVICE_HOURS = "service_hours", _("Service hours")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
