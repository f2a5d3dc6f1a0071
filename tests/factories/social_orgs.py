"""Factories of the social-organisations app: organisations taken through the real lifecycle."""

import datetime
import itertools

from social_orgs import services
from social_orgs.choices import OrgKind, OrgType, RegistrationLevel
from social_orgs.uscc import make_uscc

_n = itertools.count(1)


def uscc_for(org_type=OrgType.GROUP, area6="340302", number=None):
    return make_uscc(org_type, area6, f"MJ{number if number is not None else next(_n):06d}")


def organisation(area, *, org_type=OrgType.GROUP, name=None, founded_on=datetime.date(2018, 3, 1), kind=None,
                 status="active", **kwargs):
    """A district-registered (or city-registered) organisation, active unless ``status`` says how far."""
    level = RegistrationLevel.CITY if area.level == "city" else RegistrationLevel.COUNTY
    kind = kind or (OrgKind.COMMUNITY if area.level == "community" else OrgKind.ORDINARY)
    org = services.approve_name(actor=None, name=name or f"蚌埠市测试协会{next(_n)}", org_type=org_type, area=area,
                                registration_level=level, legal_rep_name="张三", sponsor_unit="市科技局", kind=kind,
                                on=founded_on - datetime.timedelta(days=60), **kwargs)
    if status == "name_approved":
        return org
    if org_type == OrgType.GROUP:
        org = services.start_preparation(actor=None, org=org, on=founded_on - datetime.timedelta(days=30))
        if status == "preparing":
            return org
    return services.establish(actor=None, org=org, uscc=uscc_for(org_type, area.code[:6]), founded_on=founded_on,
                              party_commitment=True, party_members=3)
