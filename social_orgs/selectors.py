"""Reads shared by pages, API and tasks (and by other apps: volunteer teams link to the registry here)."""

from django.utils import timezone

from . import rules
from .choices import ListingStatus, ListType, OrgStatus
from .models import CreditListing, Organisation


def organisation_by_uscc(code: str) -> Organisation | None:
    """The registered organisation of a code (volunteer teams store the code they were given)."""
    return Organisation.objects.filter(uscc=(code or "").strip().upper()).first() if code else None


def report_rows(org, today=None):
    """Each report year since registration with its deadlines and whether it was on time."""
    today = today or timezone.localdate()
    if not org.founded_on:
        return []
    reports = {r.year: r for r in org.annual_reports.all()}
    rows = []
    for year in range(today.year - 1, org.founded_on.year - 1, -1):
        sponsor, deadline = rules.report_deadlines(org.org_type, year)
        report = reports.get(year)
        late = (report is None and today > deadline) or (report is not None and report.submitted_on
                                                          and report.submitted_on > deadline)
        rows.append({"year": year, "sponsor_deadline": sponsor, "deadline": deadline, "report": report,
                     "late": bool(late)})
    return rows[:6]


def public_listings(list_type: str):
    """What the public lists show: current entries with their grounds and dates (no personal data)."""
    return (CreditListing.objects.filter(list_type=list_type, status=ListingStatus.LISTED)
            .select_related("organisation").order_by("-listed_on", "organisation__name"))


def public_counts() -> dict:
    return {
        "registered": Organisation.objects.filter(status__in=[OrgStatus.ACTIVE, OrgStatus.CHANGING]).count(),
        "abnormal": public_listings(ListType.ABNORMAL).count(),
        "serious": public_listings(ListType.SERIOUS).count(),
    }


def directory_years() -> list[int]:
    from .models import DirectoryEntry

    return list(DirectoryEntry.objects.order_by("-year").values_list("year", flat=True).distinct())


def public_grades(on, grade: int | None = None) -> list:
    """Registered organisations with a valid grade (1A–5A) on ``on``: each one's latest evaluation (a new
    evaluation replaces the grade before it), optionally only those now at ``grade``; best first.
    A revoked or deregistered organisation's grade is not shown."""
    from .choices import OrgStatus
    from .models import Evaluation

    rows = (Evaluation.objects.filter(evaluated_on__lte=on, valid_until__gte=on,
                                      organisation__status=OrgStatus.ACTIVE)
            .select_related("organisation").order_by("organisation_id", "-evaluated_on", "-pk"))
    latest = {}
    for row in rows:
        latest.setdefault(row.organisation_id, row)
    chosen = [e for e in latest.values() if not grade or e.grade == grade]
    return sorted(chosen, key=lambda e: (-e.grade, e.organisation.name))


def public_directory(year: int) -> list:
    """Included organisations of ``year`` with their best grade valid when the directory was built."""
    from django.db.models import Max, OuterRef, Subquery

    from .models import DirectoryEntry, Evaluation

    best = (Evaluation.objects.filter(organisation=OuterRef("organisation"), evaluated_on__lte=OuterRef("built_on"),
                                      valid_until__gte=OuterRef("built_on"))
            .order_by().values("organisation").annotate(g=Max("grade")).values("g"))
    return list(DirectoryEntry.objects.filter(year=year, included=True).select_related("organisation")
                .annotate(grade=Subquery(best)).order_by("-grade", "organisation__name"))


def public_plans():
    from .models import InspectionPlan

    return InspectionPlan.objects.select_related("area").order_by("-year", "area__code")
