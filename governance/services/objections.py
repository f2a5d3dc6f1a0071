"""The supervision committee's objections to a matter and the committees' responses."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.recorded import create_recorded
from core.services import require_in_scope

from ..choices import (
    ENDED_STAGES,
    Capacity,
)
from ..models import (
    Objection,
)
from ._base import (
    OBJECTION_RESPONSE_DAYS,
    _change,
    _load_matter,
    _perm,
    _refuse_stage,
    _require_seat,
)


@transaction.atomic
def object_to_matter(*, actor, matter, text) -> Objection:
    matter = _load_matter(actor, matter)
    member = _require_seat(actor, matter.area, Capacity.SUPERVISION_COMMITTEE)
    if matter.stage in ENDED_STAGES:
        _refuse_stage(matter, _("Object"))
    if not (text or "").strip():
        raise ValidationError({"text": _("State the objection.")})
    objection = Objection(area=matter.area, matter=matter, member=member, text=text.strip(),
                          response_due=timezone.localdate() + datetime.timedelta(days=OBJECTION_RESPONSE_DAYS))
    return create_recorded(objection, actor=actor, action="governance.objection.raise")


@transaction.atomic
def respond_to_objection(*, actor, objection, response) -> Objection:
    objection = Objection.objects.select_for_update().select_related("area").get(pk=objection.pk)
    require_in_scope(actor, _perm(Objection, "change"), objection.area.code)
    _require_seat(actor, objection.area, Capacity.TWO_COMMITTEES)
    if objection.responded_at:
        raise TransitionRefused(_("The objection has already been answered."))
    if not (response or "").strip():
        raise ValidationError({"response": _("Give the response.")})
    return _change(actor, objection, "objection.respond", response=response.strip(), responded_at=timezone.now())
