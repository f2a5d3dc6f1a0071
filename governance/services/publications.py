"""两公开: resolutions and results posted and countersigned by the supervision committee."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.recorded import create_recorded
from core.services import require_in_scope

from ..choices import (
    Capacity,
    PublicationChannel,
    PublicationKind,
    Stage,
    StepKind,
    StepStatus,
    Track,
)
from ..models import (
    BodyMember,
    Project,
    Publication,
    Task,
)
from ._base import (
    _change,
    _load_matter,
    _perm,
    _previous_done,
    _refuse_order,
    _require_seat,
    _require_stage,
    _step,
)


# --- 两公开: publications -------------------------------------------------------------------------------
def _publication_due(matter, kind):
    base = timezone.localdate()
    if kind == PublicationKind.RESOLUTION and matter.track == Track.FOUR_DELIBERATIONS:
        resolved = matter.steps.get(kind=StepKind.ASSEMBLY_RESOLVES).completed_at
        base = timezone.localdate(resolved) if resolved else base
    elif kind == PublicationKind.RESOLUTION:
        base = timezone.localdate(matter.stage_changed_at)
    elif kind == PublicationKind.RESULT:
        last = Task.objects.filter(project__matter=matter).order_by("-done_at").values_list("done_at", flat=True)
        base = timezone.localdate(last[0]) if last and last[0] else base
    return base + datetime.timedelta(days=matter.category.publication_days)


@transaction.atomic
def post_publication(*, actor, matter, kind, content, photo_taken_at, channel=PublicationChannel.BULLETIN_BOARD,
                     photo=None) -> Publication:
    """Post a resolution or a result with proof of posting; it counts once the supervision committee
    countersigns it."""
    matter = _load_matter(actor, matter)
    if kind == PublicationKind.RESOLUTION:
        _require_stage(matter, [Stage.DECIDED], _("Publish the resolution"))
        step_kind = StepKind.RESOLUTION_PUBLISHED
    else:
        _require_stage(matter, [Stage.IMPLEMENTING], _("Publish the result"))
        project = Project.objects.filter(matter=matter).first()
        if project is None or project.progress() < 100:
            raise TransitionRefused(_("The result can be published once every task is done."))
        step_kind = StepKind.RESULT_PUBLISHED
    if matter.track == Track.FOUR_DELIBERATIONS:
        step = _step(matter, step_kind)
        if step.done:
            raise TransitionRefused(_("“%(step)s” has already passed.") % {"step": step.get_kind_display()})
        if not _previous_done(matter, step_kind):
            _refuse_order(step_kind)
    if matter.publications.filter(kind=kind, countersigned_at__isnull=True).exists():
        raise TransitionRefused(_("A publication of this kind is waiting for the supervision committee's "
                                  "countersignature."))
    if not (content or "").strip():
        raise ValidationError({"content": _("Give the text that was posted.")})
    if photo_taken_at is None or photo_taken_at > timezone.now():
        raise ValidationError({"photo_taken_at": _("Give when the photo of the posting was taken (not in the "
                                                   "future).")})
    now = timezone.now()
    publication = Publication(area=matter.area, matter=matter, kind=kind, content=content.strip(), channel=channel,
                              due_on=_publication_due(matter, kind), posted_at=now, photo_taken_at=photo_taken_at)
    if photo is not None:
        publication.photo = photo
    return create_recorded(publication, actor=actor, action="governance.publication.post")


@transaction.atomic
def countersign_publication(*, actor, publication) -> Publication:
    publication = Publication.objects.select_for_update().select_related("area", "matter").get(pk=publication.pk)
    require_in_scope(actor, _perm(Publication, "change"), publication.area.code)
    member = _require_seat(actor, publication.area, Capacity.SUPERVISION_COMMITTEE)
    if actor is None:  # a transfer of paper records: the committee's chair signed on paper
        member = BodyMember.objects.filter(area=publication.area, capacity=Capacity.SUPERVISION_COMMITTEE).first()
    if publication.countersigned_at:
        raise TransitionRefused(_("This publication is already countersigned."))
    # The photo is checked once, when it is posted; the countersignature leaves it as it is.
    publication = _change(actor, publication, "publication.countersign", exclude=["photo"],
                          countersigned_by=member, countersigned_at=timezone.now())
    matter = publication.matter
    if matter.track == Track.FOUR_DELIBERATIONS:
        kind = StepKind.RESOLUTION_PUBLISHED if publication.kind == PublicationKind.RESOLUTION \
            else StepKind.RESULT_PUBLISHED
        _change(actor, _step(matter, kind), "step.pass", status=StepStatus.PASSED,
                completed_at=publication.countersigned_at)
    return publication
