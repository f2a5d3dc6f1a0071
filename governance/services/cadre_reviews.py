"""Cadre reviews (述职评议, 一述两评三议事): reports, ratings, verdicts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, update_recorded
from core.services import require_in_scope

from ..choices import (
    Capacity,
)
from ._base import _perm


# --- cadre reviews (述职评议) ----------------------------------------------------------------------------
@transaction.atomic
def submit_cadre_report(*, actor, member, year, report):
    """A committee member's yearly report (述职)."""
    from ..models import CadreReview

    require_in_scope(actor, _perm(CadreReview, "add"), member.area.code)
    if member.capacity != Capacity.TWO_COMMITTEES:
        raise ValidationError({"member": _("Reviews are of members of the two committees.")})
    return create_recorded(CadreReview(area=member.area, member=member, year=year, report=report), actor=actor,
                           action="governance.review.report")


@transaction.atomic
def record_cadre_ratings(*, actor, review, rater_group, competent=0, basically=0, incompetent=0):
    """The ratings of one rater group (评议), counted on the spot."""
    from ..models import CadreRatingCount, CadreReview

    review = CadreReview.objects.select_for_update().get(pk=review.pk)
    require_in_scope(actor, _perm(CadreReview, "change"), review.area.code)
    if review.concluded_at:
        raise TransitionRefused(_("The review is concluded; its ratings can no longer change."))
    if review.ratings.filter(rater_group=rater_group).exists():
        raise TransitionRefused(_("%(group)s has already rated.") % {"group": rater_group})
    rating = CadreRatingCount(review=review, rater_group=rater_group, competent=competent, basically=basically,
                              incompetent=incompetent)
    rating.full_clean()
    rating.save()
    audit.record(actor=actor, action="governance.review.rate", target=review,
                 changes={rater_group: [None, [competent, basically, incompetent]]})
    return rating


@transaction.atomic
def conclude_cadre_review(*, actor, review):
    """不称职 when more than half of all ratings say so; 称职 when more than half say so; else 基本称职."""
    from ..choices import CadreRating

    def open_only(review):
        if review.concluded_at:
            raise TransitionRefused(_("The review is already concluded."))

    def verdict(review, before):
        counts = [(r.competent, r.basically, r.incompetent) for r in review.ratings.all()]
        if not counts:
            raise TransitionRefused(_("No rater group has rated yet."))
        competent, basically, incompetent = (sum(c[i] for c in counts) for i in range(3))
        total = competent + basically + incompetent
        review.verdict = (CadreRating.INCOMPETENT if incompetent * 2 > total else
                          CadreRating.COMPETENT if competent * 2 > total else CadreRating.BASICALLY)
        review.concluded_at = timezone.now()

    return update_recorded(review, {}, allowed=(), actor=actor,
                           action="governance.review.conclude", check=open_only, adjust=verdict)
