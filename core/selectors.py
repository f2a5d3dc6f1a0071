"""Reads shared by pages, API and tasks."""

from django.db.models import Count, Q

from .choices import AreaKind, AreaLevel
from .models import Area, AreaPopulation
from .scope import scope_for


def top_areas(user):
    """The highest areas the user can see: the roots of their own area tree."""
    scope = scope_for(user)
    qs = Area.objects.restrict(user, "view")
    if scope.unrestricted or scope.prefixes_for("core.view_area") is None:
        return list(qs.filter(level=AreaLevel.CITY))
    codes = [code for grants in scope.roles.values() for _p, _l, code in grants]
    areas = list(qs.filter(code__in=codes))
    # Drop areas that lie inside another of the user's areas.
    return [a for a in areas if not any(o.pk != a.pk and a.code.startswith(o.prefix) for o in areas)]


def visible_ancestors(user, area):
    """Breadcrumbs: the area's ancestors that the user may open."""
    scope = scope_for(user)
    return [a for a in area.ancestors() if scope.covers("core.view_area", a.code)]


def children_with_counts(user, area):
    return (
        Area.objects.restrict(user, "view")
        .filter(parent=area)
        .annotate(n_children=Count("children"))
        .order_by("code")
    )


def area_summary(area) -> dict:
    """Counts of what lies below an area, in one query."""
    below = Area.objects.filter(code__startswith=area.prefix).exclude(pk=area.pk)
    counts = below.aggregate(
        townships=Count("id", filter=Q(level=AreaLevel.TOWNSHIP)),
        urban_communities=Count("id", filter=Q(level=AreaLevel.COMMUNITY, kind=AreaKind.URBAN)),
        rural_communities=Count("id", filter=Q(level=AreaLevel.COMMUNITY, kind=AreaKind.RURAL)),
        grids=Count("id", filter=Q(level=AreaLevel.GRID)),
    )
    latest = AreaPopulation.objects.filter(area__code__startswith=area.prefix).order_by("-year").values_list(
        "year", flat=True
    ).first()
    if latest:
        from django.db.models import Sum

        totals = AreaPopulation.objects.filter(area__code__startswith=area.prefix, year=latest).aggregate(
            resident=Sum("resident"), registered=Sum("registered")
        )
        counts.update(population_year=latest, **totals)
    return counts


def revealable_models() -> dict:
    """Models of other apps whose personal data may be revealed from a page: {model_name: Model}.

    Apps list "app_label.Model" names in ``portal_revealable`` on their AppConfig.
    """
    from django.apps import apps

    out = {}
    for config in apps.get_app_configs():
        for label in getattr(config, "portal_revealable", ()):
            model = apps.get_model(label)
            out[model._meta.model_name] = model
    return out
