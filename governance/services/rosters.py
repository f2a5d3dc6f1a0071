"""Rosters: seats on the two committees and the supervision committee, community settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, update_recorded
from core.services import require_in_scope

from ..choices import (
    Capacity,
)
from ..models import (
    BodyMember,
    CommunitySetting,
)
from ._base import _perm


# --- supervision committee --------------------------------------------------------------------------------------
@transaction.atomic
def add_body_member(*, actor, area, capacity, name, term_start, role="member", user=None, term_end=None,
                    relative_of=None) -> BodyMember:
    """Seat someone on the two committees or the supervision committee.

    A member of the villagers'/residents' committee, or a close relative of one, cannot sit on the
    supervision committee (《村民委员会组织法》§32).
    """
    require_in_scope(actor, _perm(BodyMember, "add"), area.code)
    if capacity == Capacity.SUPERVISION_COMMITTEE:
        committee = BodyMember.objects.filter(area=area, capacity=Capacity.TWO_COMMITTEES).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=term_start))
        if committee.filter(Q(name=name) | Q(user=user) if user else Q(name=name)).exists():
            raise TransitionRefused(_("A member of the committee cannot sit on the supervision committee."))
        if relative_of is not None and committee.filter(pk=relative_of.pk).exists():
            raise TransitionRefused(_("A close relative of a committee member cannot sit on the supervision "
                                      "committee."))
    member = BodyMember(area=area, capacity=capacity, name=name, role=role, user=user, term_start=term_start,
                        term_end=term_end, relative_of=relative_of)
    return create_recorded(member, actor=actor, action="governance.member.add")


@transaction.atomic
def save_community_setting(*, actor, area, **values) -> CommunitySetting:
    require_in_scope(actor, _perm(CommunitySetting, "change"), area.code)
    setting = CommunitySetting.objects.filter(area=area).first()
    if setting is None:
        return create_recorded(CommunitySetting(area=area), values, actor=actor, action="governance.setting.save")
    return update_recorded(setting, values, allowed=tuple(values), actor=actor, action="governance.setting.save")


SETTING_FIELDS = ["adults", "households", "representatives", "party_members", "committee_members",
                  "secretary_is_director"]


@transaction.atomic
def create_community_setting(*, actor, area, **values) -> CommunitySetting:
    """The roster sizes of a community that has none yet (the API's create; pages use the upsert)."""
    require_in_scope(actor, _perm(CommunitySetting, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("Settings belong to a community or village.")})
    if CommunitySetting.objects.filter(area=area).exists():
        raise ValidationError({"area": _("This community already has its settings; change them instead.")})
    setting = CommunitySetting(area=area, **{k: v for k, v in values.items() if k in SETTING_FIELDS})
    return create_recorded(setting, actor=actor, action="governance.setting.create")


@transaction.atomic
def update_community_setting(*, actor, setting, **values) -> CommunitySetting:
    return update_recorded(setting, {k: v for k, v in values.items() if k in SETTING_FIELDS},
                           allowed=SETTING_FIELDS, actor=actor, action="governance.setting.save")
