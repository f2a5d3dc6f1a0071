"""Reads shared by pages, the API, indicators and checks."""

from django.utils import timezone

from .models import GridProfile


def public_boards(community):
    """Published boards of the community's grids in force today: nothing personal."""
    today = timezone.localdate()
    return (GridProfile.objects.filter(area__parent=community, published=True)
            .filter(area__in=community.children.valid_on(today)).select_related("area").order_by("area__code"))
