"""The register of assessments of communities (考核评比/检查, issue 13 "社区减负增效"): inspections,
rankings and assessments of communities are recorded once and count in the government's unified
assessment (统一考核); a department's own one (各职能部门一般不再单独组织考核评比) cites an approval —
an admitted request, as for tasks pushed to communities — or the community refuses it in one step,
the reason on record. The same department, kind, period and community are recorded once."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.models import Area

from . import querysets

ASSESSED_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.COMMUNITY)

__all__ = ["AssessmentKind", "AssessmentState", "CommunityAssessment"]


class AssessmentKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (检查)")
    RANKING = "ranking", _("Ranking (评比)")
    ASSESSMENT = "assessment", _("Assessment (考核)")


class AssessmentState(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    UNAPPROVED = "unapproved", _("Not approved")
    REFUSED = "refused", _("Refused by the community")


class CommunityAssessment(models.Model):
    """An inspection, ranking or assessment of a community, or of a street's or district's communities."""

    area = models.ForeignKey(Area, verbose_name=_("communities assessed"), on_delete=models.PROTECT,
                             related_name="community_assessments",
                             help_text=_("A community, or a street or district: all its communities."))
    department = models.CharField(_("department"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=AssessmentKind.choices)
    title = models.CharField(_("subject"), max_length=150)
    period = models.CharField(_("period assessed"), max_length=20, help_text=_("For example 2026 or 2026-Q2."))
    held_on = models.DateField(_("held on"), default=timezone.localdate)
    unified = models.BooleanField(_("part of the unified assessment"), default=False,
                                  help_text=_("The government's unified assessment of communities (统一考核)."))
    admission = models.ForeignKey("grids.AdmissionRequest", verbose_name=_("approval"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="assessments")
    state = models.CharField(_("state"), max_length=10, choices=AssessmentState.choices,
                             default=AssessmentState.RECORDED)
    decided_on = models.DateField(_("refused on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment of communities")
        verbose_name_plural = _("assessments of communities")
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["department", "kind", "period", "area"], name="grids_assessment_recorded_once",
            violation_error_message=_("This department's assessment of this kind and period is already recorded "
                                      "for these communities."))]
        indexes = [models.Index(fields=["area", "held_on"], name="grids_assessment_area_held")]

    def __str__(self):
        return f"{self.department} · {self.title} ({self.period})"

    def clean(self):
        if self.area_id and self.area.level not in ASSESSED_LEVELS:
            raise ValidationError({"area": _("Choose a community, a street or a district.")})

    @property
    def approved(self) -> bool:
        """Counts in the unified assessment, or cites an admitted request."""
        from .choices import AdmissionState

        return bool(self.unified or (self.admission_id and self.admission.state == AdmissionState.ADMITTED))
