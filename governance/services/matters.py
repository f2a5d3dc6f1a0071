"""Matters (百姓点事 and 两委提事): raising, answering, the merged first steps, attachments."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, update_recorded
from core.services import require_in_scope

from ..choices import (
    ENDED_STAGES,
    STEP_ORDER,
    Capacity,
    Channel,
    Origin,
    PointsSubject,
    Stage,
    StepKind,
    StepStatus,
    Track,
)
from ..models import (
    CommunitySetting,
    DecisionStep,
    Matter,
    Support,
)
from ._base import (
    _change,
    _load_matter,
    _perm,
    _require_seat,
    _require_stage,
    _set_stage,
    _step,
)
from .points import _award


# --- matters: 百姓点事 and 两委提事 ------------------------------------------------------------------------
def _next_ref(area, year):
    prefix = f"{area.code}-{year}-"
    last = Matter.objects.filter(ref__startswith=prefix).order_by("-ref").values_list("ref", flat=True).first()
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def _track_for(category, amount):
    return Track.FOUR_DELIBERATIONS if category.is_major_for(amount) else Track.CONSULTATION


def _create_steps(matter):
    DecisionStep.objects.bulk_create([DecisionStep(matter=matter, kind=kind, order=i + 1)
                                      for i, kind in enumerate(STEP_ORDER)])


@transaction.atomic
def raise_matter(*, actor, area, title, category, description="", location="", amount=None,
                 raised_by_name="", channel=Channel.IN_PERSON, origin=Origin.RESIDENT, raised_at=None) -> Matter:
    """百姓点事 (a resident raises a matter; a worker may enter it on the resident's behalf, with the
    channel), or 两委提事 (the two committees propose one, which is then on the agenda at once)."""
    require_in_scope(actor, _perm(Matter, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("A matter belongs to a community or village.")})
    if origin == Origin.RESIDENT and not raised_by_name.strip():
        raise ValidationError({"raised_by_name": _("Name the resident who raised the matter.")})
    if origin == Origin.COMMITTEE:
        _require_seat(actor, area, Capacity.TWO_COMMITTEES)
    now = raised_at or timezone.now()
    matter = Matter(
        area=area, ref=_next_ref(area, timezone.localtime(now).year), title=title.strip(), description=description,
        category=category, location=location, amount=amount, origin=origin, channel=channel,
        raised_by_name=raised_by_name.strip(), entered_by=actor if actor is not None and actor.pk else None,
        track=_track_for(category, amount), raised_at=now, stage_changed_at=now,
        response_due=timezone.localdate(now) + datetime.timedelta(days=category.response_days),
    )
    if origin == Origin.COMMITTEE:
        matter.stage, matter.answered_at = Stage.ACCEPTED, now
    create_recorded(matter, actor=actor,
                    action="governance.matter.raise" if origin == Origin.RESIDENT else "governance.matter.propose")
    if matter.track == Track.FOUR_DELIBERATIONS:
        _create_steps(matter)
    return matter


@transaction.atomic
def update_matter(*, actor, matter, title=None, description=None, location=None) -> Matter:
    """Correct the wording of a matter; its stage only moves through the transitions."""
    def open_only(matter):
        if matter.stage in ENDED_STAGES:
            raise TransitionRefused(_("A closed matter is part of the archive and cannot be edited."))

    values = {field: value for field, value in (("title", title), ("description", description),
                                                ("location", location)) if value is not None}
    return update_recorded(matter, values, allowed=("title", "description", "location"), actor=actor,
                           action="governance.matter.update", check=open_only)


@transaction.atomic
def support_matter(*, actor, matter, name) -> Support:
    """A resident supports (附议) a raised matter; each resident once."""
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.RAISED], _("Support"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the resident who supports the matter.")})
    if matter.supports.filter(name=name).exists():
        raise TransitionRefused(_("%(name)s already supports this matter.") % {"name": name})
    support = Support(matter=matter, name=name)
    support.full_clean()
    support.save()
    audit.record(actor=actor, action="governance.matter.support", target=matter,
                 changes={"supports": [None, matter.supports.count()]})
    return support


@transaction.atomic
def withdraw_matter(*, actor, matter, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.RAISED], _("Withdraw"))
    return _set_stage(actor, matter, Stage.WITHDRAWN, "withdraw", reason)


def _answer(actor, matter, stage, action, reason, **values) -> Matter:
    """The two committees' answer to a raised matter: the stage, when and why (and what the answer sets)."""
    matter = _set_stage(actor, matter, stage, action, reason, answered_at=timezone.now(), answer_reason=reason,
                        **values)
    if matter.answered_on_time:
        _award(area=matter.area, subject_kind=PointsSubject.BODY, subject=Capacity.TWO_COMMITTEES.label,
               event="answered_on_time", matter=matter)
    return matter


@transaction.atomic
def accept_matter(*, actor, matter, note="") -> Matter:
    """两委提事: the two committees put a raised matter on the agenda."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Accept"))
    matter = _answer(actor, matter, Stage.ACCEPTED, "accept", note)
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.exists():
        _create_steps(matter)
    return matter


@transaction.atomic
def decline_matter(*, actor, matter, reason) -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Decline"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the matter is declined; the resident will read it.")})
    return _answer(actor, matter, Stage.DECLINED, "decline", reason.strip())


@transaction.atomic
def merge_matter(*, actor, matter, into, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Merge"))
    into = Matter.objects.restrict(actor, "view").filter(pk=getattr(into, "pk", into)).first() if actor else into
    if into is None or into.pk == matter.pk or into.area_id != matter.area_id:
        raise ValidationError({"into": _("Merge into another matter of the same community.")})
    if into.stage in ENDED_STAGES:
        raise TransitionRefused(_("%(ref)s is already closed; merge into an open matter.") % {"ref": into.ref})
    return _answer(actor, matter, Stage.MERGED, "merge", reason or into.ref, merged_into=into)


@transaction.atomic
def refer_matter(*, actor, matter, to, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Refer"))
    if not (to or "").strip():
        raise ValidationError({"to": _("Name the department or body the matter is referred to.")})
    return _answer(actor, matter, Stage.REFERRED, "refer", reason, referred_to=to.strip())


@transaction.atomic
def merge_first_steps(*, actor, matter, reason) -> DecisionStep:
    """Where the secretary is also the director (一肩挑), party proposal and committee discussion may
    be one meeting, with the reason recorded."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    if matter.track != Track.FOUR_DELIBERATIONS:
        raise TransitionRefused(_("Only a major matter has the four deliberations."))
    _require_stage(matter, [Stage.ACCEPTED], _("Merge the first two steps"))
    setting = CommunitySetting.objects.filter(area=matter.area).first()
    if setting is None or not setting.secretary_is_director:
        raise TransitionRefused(_("The first two steps may be merged only where the party secretary is also the "
                                  "committee director."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Record why the two steps are merged.")})
    step = _step(matter, StepKind.PARTY_PROPOSAL)
    if step.status != StepStatus.PENDING:
        raise TransitionRefused(_("The party proposal step is already %(status)s.")
                                % {"status": step.get_status_display()})
    return _change(actor, step, "step.merge", reason, status=StepStatus.MERGED, merged_reason=reason.strip())


@transaction.atomic
def add_attachment(*, actor, matter, title, file):
    from ..models import Attachment

    matter = _load_matter(actor, matter)
    if matter.stage in ENDED_STAGES:
        raise TransitionRefused(_("A closed matter is part of the archive and cannot be edited."))
    attachment = Attachment(matter=matter, title=title, file=file)
    attachment.full_clean()
    attachment.save()
    audit.record(actor=actor, action="governance.matter.attach", target=matter,
                 changes={"attachment": [None, title]})
    return attachment


def record_file_download(*, actor, record, field: str):
    """An attachment or a posting's photo may show residents: every download is audited.

    ``record`` was looked up within the actor's scope by the download view (outside it: 404)."""
    area = record.matter.area if hasattr(record, "matter") else getattr(record, "area", None)
    audit.record(actor=actor, action="governance.file.download", target=record, area=area,
                 changes={field: getattr(record, field).name})
