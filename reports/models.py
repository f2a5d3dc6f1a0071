"""Stored indicator values and the aggregation runs that computed them.

Indicators themselves are declared in code (``<app>/indicators.py``, see reports.registry); a
value row names its indicator by code so that an app can add indicators without a migration here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Area
from core.querysets import RestrictedQuerySet, perm_name

from .choices import RunStatus, RunTrigger


class ReportRunQuerySet(RestrictedQuerySet):
    """Runs compute every area of the city at once: holding the permission anywhere shows them all."""

    def restrict(self, user, action: str = "view"):
        from core.scope import scope_for

        perm = perm_name(self.model, action)
        return self.all() if scope_for(user).has_perm_somewhere(perm) else self.none()


class ReportRun(models.Model):
    """One aggregation run (汇总计算) of every indicator for every area, for one period."""

    period = models.CharField(_("period"), max_length=7, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(_("started by"), max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    indicators = models.PositiveIntegerField(_("indicators"), default=0)
    areas = models.PositiveIntegerField(_("areas"), default=0)
    values_written = models.PositiveIntegerField(_("values written"), default=0)
    queries = models.PositiveIntegerField(_("grouped queries"), default=0)
    timings = models.JSONField(_("timings (ms)"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("aggregation run")
        verbose_name_plural = _("aggregation runs")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.period} #{self.pk}"

    @property
    def duration_ms(self):
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds() * 1000)
        return None


class IndicatorValue(models.Model):
    """The value of one indicator for one area and period, with what it was computed from."""

    indicator = models.CharField(_("indicator"), max_length=80)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    numerator = models.DecimalField(_("numerator"), max_digits=20, decimal_places=4)
    denominator = models.DecimalField(_("denominator"), max_digits=20, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    note = models.CharField(_("why there is no value"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed"))
    run = models.ForeignKey(ReportRun, verbose_name=_("run"), on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "period"], name="reports_value_one_per_area_period"),
        ]
        indexes = [
            models.Index(fields=["area", "period"], name="reports_value_area_period"),
            models.Index(fields=["period", "indicator"], name="reports_value_period_ind"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.area_id} {self.period}"
