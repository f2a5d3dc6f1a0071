"""The organisation register (社会组织登记库) imported through core's staged import.

The columns carry the national social-organisation system's Chinese headers (the template's), with
the other names its exports use as aliases. Each row goes through
``services.import_registered`` in its own savepoint: the actor's scope (an authority or a
community outside their areas is refused on that row), the USCC checked for the type (legal
legacy codes pass once on the allow-list), ``full_clean``, the area rule, and one audit event
per organisation created or updated. A code already in the registry with the same facts is
"unchanged", so importing the same file twice changes nothing; a registration item that differs
is refused on its row (a change of registration is decided on the organisation's page).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AreaLevel
from core.exceptions import NoPermission, OutOfScope
from core.imports import Column, Importer, register
from core.models import Area

from . import services
from .choices import OrgKind, OrgType, RegistrationLevel
from .uscc import validate_uscc

TYPE_WORDS = {
    "社会团体": OrgType.GROUP, "社团": OrgType.GROUP, "group": OrgType.GROUP,
    "社会服务机构": OrgType.SERVICE, "民办非企业单位": OrgType.SERVICE, "民非": OrgType.SERVICE,
    "service": OrgType.SERVICE,
    "基金会": OrgType.FOUNDATION, "foundation": OrgType.FOUNDATION,
}
STATUS_WORDS = {"正常", "存续", "成立", "登记", "已登记", "active"}
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$|^(\d{4})(\d{2})(\d{2})$")
_AUTHORITY_SUFFIXES = ("民政局", "民政厅", "民政部门", "民政")


def parse_type(text: str) -> str:
    word = text.strip()
    if word in TYPE_WORDS:
        return TYPE_WORDS[word]
    for key, value in TYPE_WORDS.items():  # "社会团体（行业协会）" and the like
        if word.startswith(key):
            return value
    raise ValueError(_("not a type of social organisation (社会团体, 社会服务机构/民办非企业单位, 基金会)"))


def parse_date(text: str) -> datetime.date:
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(_("not a date (use YYYY-MM-DD)"))
    parts = [g for g in match.groups() if g is not None]
    try:
        return datetime.date(*(int(g) for g in parts))
    except ValueError:
        raise ValueError(_("not a date (use YYYY-MM-DD)")) from None


def parse_uscc(text: str) -> str:
    """The code's own checks (length, characters, both check characters; allow-list); the type's
    check follows in the service, which knows the row's type."""
    try:
        return validate_uscc(text)
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from None


def parse_status(text: str) -> str:
    if text.strip() not in STATUS_WORDS:
        raise ValueError(_("only organisations in good standing are imported; a deregistration or revocation "
                           "is recorded on the organisation's page"))
    return text.strip()


def authority_area(text: str) -> Area:
    """The registration authority (e.g. 龙子湖区民政局, or its division code) as the city or county it serves."""
    word = text.strip()
    levels = [AreaLevel.CITY, AreaLevel.COUNTY]
    if word.isdigit():
        area = Area.objects.filter(code=word, level__in=levels).first()
    else:
        for suffix in _AUTHORITY_SUFFIXES:
            if word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        area = Area.objects.filter(name=word, level__in=levels).first()
    if area is None:
        raise ValueError(_("no registration authority of this name (write it as 龙子湖区民政局, or give its "
                           "division code)"))
    return area


def community_area(text: str) -> Area:
    area = Area.objects.filter(code=text.strip(), level=AreaLevel.COMMUNITY).first()
    if area is None:
        raise ValueError(_("not the division code of a community"))
    return area


@register
class OrganisationImporter(Importer):
    """Organisations of the register, taken into the registry as registered (one per code)."""

    key = "social_orgs"
    label = gettext_lazy("Social organisations (register)")
    permission = "social_orgs.add_organisation"
    columns = [
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码"), required=True, parser=parse_uscc,
               example="51340302MJ00000186"),
        Column("name", "名称", ("社会组织名称", "组织名称", "单位名称"), required=True, example="蚌埠市示例协会"),
        Column("org_type", "类型", ("社会组织类型", "组织类型"), required=True, parser=parse_type, example="社会团体"),
        Column("authority", "登记管理机关", ("登记机关",), required=True, parser=authority_area,
               example="龙子湖区民政局"),
        Column("sponsor_unit", "业务主管单位", ("主管单位",)),
        Column("legal_rep_name", "法定代表人", ("法定代表人姓名", "负责人"), required=True, example="张三"),
        Column("founded_on", "成立日期", ("成立登记日期", "登记日期"), required=True, parser=parse_date,
               example="2018-03-01"),
        Column("address", "住所", ("地址", "办公地址")),
        Column("purpose", "宗旨", ()),
        Column("business_scope", "业务范围", ()),
        Column("community", "服务社区区划代码", ("社区区划代码",), parser=community_area),
        Column("status", "登记状态", ("状态",), parser=parse_status),
    ]

    def commit_row(self, line: int, values: dict) -> str:
        authority, community = values["authority"], values.get("community")
        level = RegistrationLevel.CITY if authority.level == AreaLevel.CITY else RegistrationLevel.COUNTY
        if community is not None and not community.code.startswith(authority.prefix):
            raise ValidationError({"community": _("The community is not in the registration authority's area.")})
        source = _("imported from the register (%(file)s, line %(line)s)") % {
            "file": getattr(self.job, "filename", "") or "file", "line": line}
        try:
            _org, outcome = services.import_registered(
                actor=self.actor, uscc=values["uscc"], name=values["name"], org_type=values["org_type"],
                area=community or authority, registration_level=level, legal_rep_name=values["legal_rep_name"],
                founded_on=values["founded_on"], sponsor_unit=values.get("sponsor_unit") or "",
                kind=OrgKind.COMMUNITY if community is not None else OrgKind.ORDINARY,
                address=values.get("address") or "", purpose=values.get("purpose") or "",
                business_scope=values.get("business_scope") or "", source=source)
        except (OutOfScope, NoPermission):
            column = "community" if community is not None else "authority"
            raise ValidationError({column: _("outside your areas: you cannot register organisations there")}) from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # the registry's field names as the file's columns
                renamed = {("authority" if k in ("area", "registration_level") else k): v
                           for k, v in exc.message_dict.items()}
                raise ValidationError(renamed) from None
            raise
        return outcome
