"""Staged imports of grid management on core's import (``core.imports``): the community-worker roster
(社区工作者花名册) and an incident file (事件台账, a 12345 hotline or department export).

Each row goes through grids' own services (``hire_worker``, ``assign_to_grid``, ``file_incident``) in
its own savepoint: scope, ``full_clean`` and one audit event per record, exactly as on the pages. A row
whose community or grid lies outside the importer's areas is refused with that reason (never written,
never a 404 for the whole file); a refusal of the service is reported under the column it concerns.
The templates' headers are the Chinese ones below (the file format, not translated); the aliases are
the headers other exports use for the same column.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import services as core_services
from core.choices import AreaLevel, Role
from core.exceptions import NoPermission, OutOfScope, TransitionRefused
from core.imports import Column, Importer, register
from core.models import Area, StaffProfile
from core.personal import PersonalKind, blind_index, validate_id_number, validate_phone
from core.scope import scope_for

from . import services
from .choices import AssignmentRole, PostType, Priority, Source, WorkerStatus
from .models import CommunityWorker, GridAssignment, Incident, IncidentCategory

# --- parsers: each turns a cell's text into a value or raises with a reason a clerk understands -------
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?(?:(?:\s+|T|\s*日\s*)(\d{1,2})[:：时]"
                   r"(\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?分?)?\s*$")


def _parts(text: str):
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(_("not a date (use YYYY-MM-DD)"))
    return [int(g) if g else 0 for g in match.groups()]


def parse_date(text: str) -> datetime.date:
    """2020-03-02, 2020/3/2, 2020年3月2日, or a spreadsheet date cell (2020-03-02 00:00:00)."""
    y, m, d, *_rest = _parts(text)
    try:
        return datetime.date(y, m, d)
    except ValueError:
        raise ValueError(_("%(text)s is not a day of the calendar") % {"text": text.strip()})


def parse_datetime(text: str) -> datetime.datetime:
    """A date with an optional time (2020-03-02 09:30), in the portal's time zone; not in the future."""
    y, m, d, hh, mm, ss = _parts(text)
    try:
        value = timezone.make_aware(datetime.datetime(y, m, d, hh, mm, ss))
    except ValueError:
        raise ValueError(_("%(text)s is not a day and time of the calendar") % {"text": text.strip()})
    if value > timezone.now() + datetime.timedelta(minutes=5):
        raise ValueError(_("a time that has not come yet"))
    return value


def parse_id_number(text: str) -> str:
    return validate_id_number(text, today=timezone.localdate())


def parse_phone(text: str) -> str:
    return validate_phone(text)


def parse_code(text: str) -> str:
    code = text.strip().replace(" ", "")
    if not code.isdigit() or len(code) not in (12, 15):
        raise ValueError(_("an area code has 12 digits (a community) or 15 digits (a grid)"))
    return code


def parse_grade(text: str) -> int:
    value = text.strip().removesuffix("级").removeprefix("第")
    if not value.isdigit() or not 1 <= int(value) <= 18:
        raise ValueError(_("a grade from 1 to 18 (三岗十八级)"))
    return int(value)


def parse_money(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "").replace("，", "").removesuffix("元"))
    except InvalidOperation:
        raise ValueError(_("not an amount of yuan"))
    if not value.is_finite() or value <= 0 or value >= Decimal("10000000"):
        raise ValueError(_("an amount of yuan a month, more than 0"))
    return value.quantize(Decimal("0.01"))


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if value in {"否", "n", "no", "false", "0", "×"}:
        return False
    raise ValueError(_("write 是 or 否"))


def _words(mapping: dict[str, str], what):
    """A parser of a fixed set of words (the Chinese a file uses, or the portal's codes)."""
    allowed = "、".join(w for w in mapping if not w.isascii())

    def parse(text: str) -> str:
        value = mapping.get(text.strip()) or mapping.get(text.strip().lower())
        if value is None:
            raise ValueError(_("%(what)s is one of: %(words)s") % {"what": what, "words": allowed})
        return value

    return parse


POST_WORDS = {"正职": PostType.HEAD, "社区正职": PostType.HEAD, "书记/主任": PostType.HEAD,
              "副职": PostType.DEPUTY, "社区副职": PostType.DEPUTY,
              "其他": PostType.OTHER, "其他岗位": PostType.OTHER, "其他社区工作者": PostType.OTHER,
              "一般": PostType.OTHER, **{p.value: p.value for p in PostType}}
SOURCE_WORDS = {"网格巡查": Source.PATROL, "巡查": Source.PATROL, "巡查发现": Source.PATROL,
                "居民反映": Source.RESIDENT, "居民": Source.RESIDENT, "群众反映": Source.RESIDENT,
                "12345热线": Source.HOTLINE, "12345": Source.HOTLINE, "热线": Source.HOTLINE,
                "部门交办": Source.DEPARTMENT, "部门": Source.DEPARTMENT, **{s.value: s.value for s in Source}}
PRIORITY_WORDS = {"一般": Priority.NORMAL, "普通": Priority.NORMAL, "紧急": Priority.URGENT, "急": Priority.URGENT,
                  **{p.value: p.value for p in Priority}}


def parse_category(text: str) -> IncidentCategory:
    """A sub-category by its name (垃圾堆放), its main and sub name (市容环境/垃圾堆放) or its code."""
    value = text.strip().replace("／", "/").replace("-", "/").replace("—", "/")
    main, _sep, sub = value.rpartition("/")
    found = IncidentCategory.objects.filter(code=value).select_related("parent").first()
    if found is None:
        candidates = IncidentCategory.objects.filter(name=sub.strip()).select_related("parent")
        if main.strip():
            candidates = candidates.filter(parent__name=main.strip())
        found = candidates.first()
    if found is None:
        raise ValueError(_("no incident category is called “%(text)s”") % {"text": value})
    if found.parent_id is None:
        subs = "、".join(found.children.values_list("name", flat=True))
        raise ValueError(_("“%(main)s” is a main category: name one of its sub-categories (%(subs)s)")
                         % {"main": found.name, "subs": subs})
    return found


# --- the rows' commit -----------------------------------------------------------------------------
class _GridImporter(Importer):
    """Refusals the services raise as exceptions other than ValidationError become the row's reason."""

    scope_field = ""
    # The services' field names that are a column of the file under another name.
    field_columns: dict[str, str] = {}

    def commit_row(self, line, values):
        try:
            return self.write(values)
        except OutOfScope:
            raise ValidationError({self.scope_field: _("outside your areas")})
        except NoPermission as exc:
            raise ValidationError({self.scope_field: str(exc)})
        except TransitionRefused as exc:
            raise ValidationError(str(exc.reason))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            remapped = {}
            for field, messages in exc.message_dict.items():
                remapped.setdefault(self.field_columns.get(field, field), []).extend(messages)
            raise ValidationError(remapped)

    def write(self, values) -> str:
        raise NotImplementedError

    def area_of_row(self, code, level, perm, field):
        """The area of ``code`` at ``level`` valid today, inside the importer's areas for ``perm``."""
        area = Area.objects.valid_on(timezone.localdate()).filter(code=code).first()
        if area is None:
            raise ValidationError({field: _("no area in force has the code %(code)s") % {"code": code}})
        if area.level != level:
            raise ValidationError({field: _("%(code)s is a %(level)s, not a %(wanted)s") % {
                "code": code, "level": AreaLevel(area.level).label, "wanted": AreaLevel(level).label}})
        if self.actor is not None and not scope_for(self.actor).covers(perm, code):
            raise ValidationError({field: _("%(name)s (%(code)s) is outside your areas") % {
                "name": area.name, "code": code}})
        return area


@register
class WorkerRosterImporter(_GridImporter):
    """社区工作者花名册: a person already on record as staff (found by ID number, counted once) or new
    (a staff account with the grid worker's role at their grid, else their community) is hired into a
    vacant approved post of their community and assigned to their grid as primary worker. A worker
    already in post in the same community is unchanged, or has a new grade and pay recorded."""

    key = "grid_workers"
    label = gettext_lazy("Community-worker roster")
    permission = "grids.add_communityworker"
    scope_field = "community"
    field_columns = {"area": "community", "staff": "id_number", "full_name": "name", "user": "id_number"}
    columns = [
        Column("name", "姓名", ("社区工作者姓名", "name"), required=True, example="王芳"),
        Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "证件号码"), required=True,
               parser=parse_id_number),
        Column("phone", "手机号码", ("手机号", "联系电话"), parser=parse_phone),
        Column("community", "社区代码", ("所在社区代码", "所属社区代码", "区划代码"), required=True, parser=parse_code,
               example="340302001001"),
        Column("grid", "网格编码", ("网格代码", "所在网格编码", "责任网格编码"), parser=parse_code,
               example="340302001001001"),
        Column("post_type", "岗位类别", ("岗位", "岗位类型"), required=True,
               parser=_words(POST_WORDS, gettext_lazy("The post")), example="其他"),
        Column("grade", "岗位等级", ("等级", "薪级", "岗位等级（三岗十八级）"), required=True, parser=parse_grade,
               example="3"),
        Column("monthly_pay", "月工资（元）", ("月工资", "月薪", "月薪（元）", "月工资(元)"), required=True,
               parser=parse_money, example="3800"),
        Column("hired_on", "入职日期", ("聘用日期", "入职时间"), required=True, parser=parse_date,
               example="2020-01-06"),
        Column("is_generalist", "是否全科社工", ("全科社工", "全科"), parser=parse_yes_no, example="是"),
        Column("qualification", "社会工作职业资格", ("职业资格", "社工证")),
    ]

    def write(self, values) -> str:
        community = self.area_of_row(values["community"], AreaLevel.COMMUNITY, "grids.add_communityworker", "community")
        grid = None
        if values.get("grid"):
            grid = self.area_of_row(values["grid"], AreaLevel.GRID, "grids.add_gridassignment", "grid")
            if grid.parent_id != community.pk:
                raise ValidationError({"grid": _("%(grid)s is not a grid of %(community)s, the worker's community.")
                                       % {"grid": f"{grid.name} ({grid.code})", "community": community.name}})
        index = blind_index(PersonalKind.ID_NUMBER, values["id_number"])
        staff = StaffProfile.objects.filter(id_number_index=index).select_related("user").first()
        worker = (CommunityWorker.objects.filter(staff=staff).select_related("area")
                  .order_by("-hired_on", "-pk").first()) if staff else None
        if worker is not None:
            return self._known(worker, community, grid, values)
        if staff is None:
            user = core_services.add_staff(
                actor=self.actor, username=f"sg{index[:14]}", role=Role.GRID_WORKER,
                area_code=(grid or community).code, full_name=values["name"], id_number=values["id_number"],
                phone=values.get("phone") or "")
            staff = user.profile
        worker = services.hire_worker(
            actor=self.actor, staff=staff, area=community, post_type=values["post_type"], grade=values["grade"],
            monthly_pay=values["monthly_pay"], hired_on=values["hired_on"],
            is_generalist=bool(values.get("is_generalist")), qualification=values.get("qualification") or "",
            selection=_("Entered from the roster"))
        if grid is not None:
            services.assign_to_grid(actor=self.actor, worker=worker, grid=grid, role=AssignmentRole.PRIMARY,
                                    starts_on=values["hired_on"])
        return "created"

    def _known(self, worker, community, grid, values) -> str:
        """A person counted once: the roster names a worker already in post."""
        if worker.area_id != community.pk or worker.status != WorkerStatus.ACTIVE:
            raise ValidationError({"id_number": _(
                "This person is already on record as a community worker elsewhere or as having left: a person "
                "is counted once; change their file instead.")})
        outcome = "unchanged"
        if (worker.grade, worker.monthly_pay) != (values["grade"], values["monthly_pay"]):
            since = max(timezone.localdate(), worker.grade_since)
            services.set_grade(actor=self.actor, worker=worker, grade=values["grade"],
                               monthly_pay=values["monthly_pay"], since=since, reason=_("Roster import"))
            outcome = "updated"
        if grid is not None and not GridAssignment.objects.filter(worker=worker, area=grid, ends_on__isnull=True
                                                                  ).exists():
            services.assign_to_grid(actor=self.actor, worker=worker, grid=grid, role=AssignmentRole.PRIMARY,
                                    starts_on=max(timezone.localdate(), values["hired_on"]))
            outcome = "updated"
        return outcome


@register
class IncidentImporter(_GridImporter):
    """事件台账: incidents from another system (a 12345 hotline export, a department's file), each
    filed in its grid and routed by the rules at once (an incident no rule routes goes to its
    community, with a finding). The source system's number files an incident once however often the
    file is imported."""

    key = "grid_incidents"
    label = gettext_lazy("Incidents")
    permission = "grids.add_incident"
    scope_field = "grid"
    field_columns = {"area": "grid", "reporter": "reporter_name"}
    columns = [
        Column("external_ref", "事件编号", ("工单编号", "工单号", "12345工单号", "编号")),
        Column("grid", "网格编码", ("所属网格编码", "网格代码", "所属网格"), required=True, parser=parse_code,
               example="340302001001001"),
        Column("source", "事件来源", ("来源", "问题来源"), required=True,
               parser=_words(SOURCE_WORDS, gettext_lazy("The source")), example="12345热线"),
        Column("category", "事件类别", ("事件小类", "小类", "问题类别", "类别"), required=True, parser=parse_category,
               example="市容环境/垃圾堆放"),
        Column("place", "事发地点", ("地点", "详细地址", "发生地点")),
        Column("description", "事件描述", ("问题描述", "诉求内容", "内容"), required=True, example="楼道堆放杂物"),
        Column("priority", "紧急程度", ("优先级", "缓急"), parser=_words(PRIORITY_WORDS, gettext_lazy("The priority")),
               example="一般"),
        Column("reporter_name", "反映人", ("上报人", "报告人", "来电人")),
        Column("filed_at", "受理时间", ("上报时间", "登记时间", "来电时间"), parser=parse_datetime,
               example="2020-03-02 09:30"),
    ]

    def write(self, values) -> str:
        grid = self.area_of_row(values["grid"], AreaLevel.GRID, "grids.add_incident", "grid")
        ref = (values.get("external_ref") or "").strip()
        if len(ref) > 40:
            raise ValidationError({"external_ref": _("at most 40 characters")})
        if ref:
            known = Incident.objects.filter(external_ref=ref).select_related("area").first()
            if known is not None:
                if known.area_id == grid.pk:
                    return "unchanged"
                raise ValidationError({"external_ref": _("an incident with this number is already on record in "
                                                         "another grid")})
        services.file_incident(
            actor=self.actor, area=grid, source=values["source"], category=values["category"],
            description=values["description"], place=values.get("place") or "",
            priority=values.get("priority") or Priority.NORMAL, reporter_name=values.get("reporter_name") or "",
            filed_at=values.get("filed_at"), external_ref=ref)
        return "created"
