"""Demo of grid management in Bengbu, 2020: a profile and a published board for each of the 2,461
grids core's demo made, 2,744 approved posts over the 143 urban communities of the four districts
(in proportion to their grids), 66 全科社工 pilot communities (46.2%) and 3 smart-community pilots,
community workers at ``scale`` (people-records; at least the demo accounts' two), routing rules,
patrol plans and visits, incidents in every state, and the community desk's year: window requests
(on the spot, with the back office, completed, told), admission requests, departments' tasks accepted
and refused, certificates of each allowed type — all through the services."""

import datetime
import random

from django.utils import timezone

from core import services as core_services
from core.choices import AreaKind, AreaLevel, Role
from core.models import Area, StaffProfile
from core.personal import make_id_number

from . import services
from .choices import Answer, AssignmentRole, NotifyChannel, PilotKind, PostType, Priority, Source, UnitKind
from .models import CertificateType, ChecklistItem, IncidentCategory, ServiceItem, WorkItem

YEAR = 2020
POSTS = 2_744
GENERALIST_PILOTS = 66
SMART_PILOTS = 3
_FAMILY = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉文斌宇浩凯健俊帆雪琳晨欣悦")


def _apportion(total, weights):
    s = sum(weights) or 1
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(*, scale: float, stdout=None) -> None:
    rng = random.Random(2020)
    on = datetime.date(YEAR, 12, 31)
    communities = list(Area.objects.valid_on(on).filter(level=AreaLevel.COMMUNITY, kind=AreaKind.URBAN)
                       .order_by("code"))
    grids = list(Area.objects.valid_on(on).filter(level=AreaLevel.GRID).select_related("parent").order_by("code"))
    # Profiles and boards (the bulk path).
    rows = []
    for g in grids:
        residents = rng.randint(1000, 1700)
        rows.append({"area": g, "households": round(residents / 2.8), "residents": residents,
                     "buildings": rng.randint(8, 40), "stationed_units": rng.randint(0, 12),
                     "party_organisations": rng.randint(0, 4), "party_members": rng.randint(10, 90),
                     "former_grids": "党建网格、综治网格、城管网格合并", "extent": f"{g.parent.name}{g.name}辖区",
                     "contact_name": rng.choice(_FAMILY) + rng.choice(_GIVEN), "published": True,
                     "service_phone": f"0552-{3000000 + g.pk % 1000000:07d}", "complaints_phone": "0552-12345"})
    services.bulk_create_profiles(actor=None, rows=rows)
    # Posts: 2,744 over the communities in proportion to their grids.
    grids_of = {c.pk: 0 for c in communities}
    for g in grids:
        grids_of[g.parent_id] = grids_of.get(g.parent_id, 0) + 1
    for community, approved in zip(communities, _apportion(POSTS, [grids_of[c.pk] for c in communities]),
                                   strict=True):
        services.set_post_quota(actor=None, area=community, year=YEAR, approved=approved,
                                decided_by="蚌埠市社区工作者员额核定（2020）", vacant_since=datetime.date(YEAR, 1, 1))
    for community in rng.sample(communities, GENERALIST_PILOTS):
        services.add_pilot(actor=None, area=community, year=YEAR, kind=PilotKind.GENERALIST)
    for community in rng.sample(communities, SMART_PILOTS):
        services.add_pilot(actor=None, area=community, year=YEAR, kind=PilotKind.SMART, service_model="")
    workers = _workers(rng, communities, grids, scale)
    _incidents(rng, grids, workers)
    desk = _desk(rng, communities, workers)
    if stdout:
        stdout.write(f"grids: {len(rows)} profiles, {POSTS} posts in {len(communities)} communities, "
                     f"{GENERALIST_PILOTS} + {SMART_PILOTS} pilots, {len(workers)} workers, {desk}")


def _workers(rng, communities, grids, scale):
    """Workers at scale (people-records), the demo accounts' community and grid workers among them."""
    by_community = {}
    for g in grids:
        by_community.setdefault(g.parent_id, []).append(g)
    hired = datetime.date(YEAR, 1, 6)
    workers = []
    for username in ("community_worker", "grid_worker"):
        profile = StaffProfile.objects.filter(user__username=username).select_related("area").first()
        if profile is None:
            continue
        community = profile.area if profile.area.level == AreaLevel.COMMUNITY else profile.area.parent
        workers.append(services.hire_worker(actor=None, staff=profile, area=community, post_type=PostType.OTHER,
                                            grade=3, monthly_pay=3800, hired_on=hired, is_generalist=True))
    n = max(round(POSTS * 0.9 * scale) - len(workers), 0)
    for i, community in enumerate(rng.choices(communities, k=n)):
        username = f"gw{YEAR}{i + 1:05d}"
        name = rng.choice(_FAMILY) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        born = datetime.date(rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28))
        user = core_services.add_staff(actor=None, username=username, role=Role.GRID_WORKER,
                                       area_code=community.code, full_name=name,
                                       id_number=make_id_number(community.code[:6], born, rng.randint(1, 999)))
        post = rng.choices([PostType.HEAD, PostType.DEPUTY, PostType.OTHER], weights=[1, 2, 7])[0]
        grade, pay = {PostType.HEAD: (9, 4600), PostType.DEPUTY: (6, 4100), PostType.OTHER: (3, 3700)}[post]
        try:
            workers.append(services.hire_worker(actor=None, staff=user.profile, area=community, post_type=post,
                                                grade=grade, monthly_pay=pay, hired_on=hired,
                                                is_generalist=rng.random() < 0.4))
        except Exception:  # a community's posts all filled at a large scale: the person stays staff only
            continue
    for w in workers:
        grid = by_community[w.area_id][0] if w.staff.user.username == "grid_worker" else rng.choice(
            by_community[w.area_id])
        services.assign_to_grid(actor=None, worker=w, grid=grid, role=AssignmentRole.PRIMARY, starts_on=hired)
    return workers


def _incidents(rng, grids, workers):
    """Routing rules in 龙子湖区, a patrol plan and visits in the demo grid, incidents in every state."""
    district = Area.objects.get(code="340302000000")
    env = services.save_handling_unit(actor=None, area=district, name="龙子湖区城市管理局", kind=UnitKind.DEPARTMENT)
    services.save_routing_rule(actor=None, category=IncidentCategory.objects.get(code="environment"),
                               area=district, unit=env)
    facilities = services.save_handling_unit(actor=None, area=district, name="龙子湖区住房和城乡建设局",
                                             kind=UnitKind.DEPARTMENT)
    services.save_routing_rule(actor=None, category=IncidentCategory.objects.get(code="facilities"),
                               area=district, unit=facilities)
    grid_worker = next((w for w in workers if w.staff.user.username == "grid_worker"), None)
    demo_grid = grid_worker.assignments.first().area if grid_worker else grids[0]
    actor = grid_worker.staff.user if grid_worker else None
    plan = services.create_patrol_plan(actor=None, area=demo_grid, title="六巡查四服务", starts_on=datetime.date(YEAR, 1, 1),
                                       items=list(ChecklistItem.objects.filter(active=True)))
    codes = list(plan.items.values_list("code", flat=True))
    cats = list(IncidentCategory.objects.filter(parent__isnull=False))
    day = datetime.date(YEAR, 3, 2)
    for week in range(20):
        start = _at(day + datetime.timedelta(days=7 * week), 9)
        answers = dict.fromkeys(codes, Answer.OK)
        findings = []
        if week % 4 == 0:
            answers["environment"] = Answer.ISSUE
            findings = [{"category": IncidentCategory.objects.get(code="garbage"), "description": "楼道堆放杂物",
                         "place": f"{rng.randint(1, 30)}栋"}]
        services.record_visit(actor=actor, plan=plan, started_at=start, ended_at=start + datetime.timedelta(hours=2),
                              answers=answers, objects_visited="重点户、出租房", findings=findings)
    # Incidents in every state, over the year, in grids across the four districts.
    sample = rng.sample(grids, min(60, len(grids)))
    for i, grid in enumerate(sample):
        filed = _at(datetime.date(YEAR, 1, 6) + datetime.timedelta(days=5 * i), 10)
        incident = services.file_incident(actor=None, area=grid, source=rng.choice(list(Source)),
                                          category=rng.choice(cats), description="居民反映问题，请核实处置",
                                          priority=Priority.URGENT if i % 10 == 0 else Priority.NORMAL,
                                          filed_at=filed)
        fate = i % 8
        step = datetime.timedelta(days=1)
        if fate == 0:
            continue  # routed, waiting
        if fate == 6:
            services.mark_unable(actor=None, incident=incident, reason="产权不明，无法处置", at=filed + step)
            continue
        services.start_incident(actor=None, incident=incident, at=filed + step)
        if fate == 1:
            continue
        late = datetime.timedelta(days=20 if fate == 5 else 2)
        services.resolve_incident(actor=None, incident=incident, note="已处置", at=filed + late)
        if fate == 2:
            continue
        services.verify_incident(actor=None, incident=incident, note="网格员现场核实", at=filed + late + step)
        if fate == 3:
            continue
        services.close_incident(actor=None, incident=incident, satisfaction=rng.randint(3, 5),
                                at=filed + late + 2 * step)
        if fate == 7:
            services.reopen_incident(actor=None, incident=incident, reason="居民投诉问题反复", at=filed + 10 * step)
    first, second = sample[0], sample[0]
    a = services.file_incident(actor=None, area=first, source=Source.HOTLINE, category=cats[0],
                               description="12345转办：噪声扰民", filed_at=_at(datetime.date(YEAR, 11, 2)))
    b = services.file_incident(actor=None, area=second, source=Source.RESIDENT, category=cats[0],
                               description="同一问题重复反映", filed_at=_at(datetime.date(YEAR, 11, 3)))
    services.mark_duplicate(actor=None, incident=b, of=a, at=_at(datetime.date(YEAR, 11, 3), 15))


_RESIDENTS = ["李秀英", "王建国", "张桂兰", "刘志强", "陈玉梅", "杨光明", "赵淑珍", "周国庆"]


def _desk(rng, communities, workers):
    """The community desk of a year, mostly in the demo community worker's community (so the demo account
    sees it) and a few others: window requests in each state, admission requests decided and pending,
    tasks accepted and refused, certificates of each allowed type. A few dozen rows, not a city's year."""
    own = next((w.area for w in workers if w.staff.user.username == "community_worker"), communities[0])
    places = [own] + rng.sample([c for c in communities if c.pk != own.pk], min(5, len(communities) - 1))
    items = list(ServiceItem.objects.filter(active=True).order_by("code"))
    on_spot = [i for i in items if i.same_day]
    back = [i for i in items if not i.same_day]
    requests = 0
    for n in range(36):
        community = own if n % 3 else places[n % len(places)]
        received = _at(datetime.date(YEAR, 2, 3) + datetime.timedelta(days=9 * n), 9 + n % 6)
        who = _RESIDENTS[n % len(_RESIDENTS)]
        if n % 2 == 0:
            item = on_spot[n % len(on_spot)]
            services.receive_window_request(actor=None, area=community, item=item, resident_name=who,
                                            request=f"{item.name}", on_the_spot=True, result="已当场办结并告知",
                                            received_at=received)
        else:
            item = back[n % len(back)]
            req = services.receive_window_request(actor=None, area=community, item=item, resident_name=who,
                                                  request=f"申请{item.name}", on_the_spot=False,
                                                  back_office=item.owner_department, received_at=received)
            fate = n % 7
            if fate != 1:  # one in seven still with the back office
                done = received + datetime.timedelta(hours=5) if fate == 3 else received + datetime.timedelta(days=4)
                services.complete_window_request(actor=None, window_request=req, result="后台已办结", at=done)
                if fate != 5:  # and a few of those not yet told
                    services.notify_resident(actor=None, window_request=req, at=done + datetime.timedelta(hours=2),
                                             channel=rng.choice([NotifyChannel.PHONE, NotifyChannel.SMS]))
        requests += 1
    # Admission requests of 龙子湖区's departments: one admitted, one rejected, one pending.
    district = own.parent.parent
    admissions = []
    for k, (dept, title, admit) in enumerate([("区城市管理局", "门前三包巡查", True),
                                              ("区市场监管局", "食品摊贩摸排", False),
                                              ("区应急管理局", "防汛物资清点", None)]):
        applied = datetime.date(YEAR, 3 + 3 * k, 2)
        req = services.apply_for_admission(actor=None, area=district, department=dept, title=title,
                                           legal_basis="区政府专项工作方案", applied_on=applied,
                                           starts_on=applied + datetime.timedelta(days=60))
        if admit is not None:
            req = services.decide_admission(actor=None, admission=req, admit=admit,
                                            note="经审核同意准入" if admit else "不属社区职责，不予准入",
                                            on=applied + datetime.timedelta(days=10))
        admissions.append(req)
    # Tasks: listed ones accepted, an admitted one accepted, unlisted ones refused, one awaiting.
    work = list(WorkItem.objects.filter(active=True).order_by("code"))
    tasks = [("区统计局", "人口抽样调查", work[0], None, "accept"),
             ("区民政局", "困难群众走访排查", work[1 % len(work)], None, "accept"),
             ("区城市管理局", "门前三包巡查", None, admissions[0], "accept"),
             ("区市场监管局", "食品摊贩摸排", None, admissions[1], "refuse"),
             ("区文旅局", "文明创建材料报送", None, None, "refuse"),
             ("区商务局", "商户经营数据填报", None, None, "refuse"),
             ("区住建局", "物业小区满意度调查", None, None, None)]
    for k, (dept, title, item, admission, fate) in enumerate(tasks):
        received = datetime.date(YEAR, 4, 1) + datetime.timedelta(days=30 * k)
        task = services.push_task(actor=None, area=own, department=dept, title=title, item=item,
                                  admission=admission, received_on=received)
        if fate == "accept":
            services.accept_task(actor=None, task=task, on=received + datetime.timedelta(days=1))
        elif fate == "refuse":
            services.refuse_task(actor=None, task=task, on=received + datetime.timedelta(days=1))
    # Certificates: each allowed type, over the year.
    kinds = list(CertificateType.objects.filter(allowed=True).order_by("code"))
    purposes = ["子女入学", "办理居住证", "申请助学金", "办理不动产登记"]
    certificates = 0
    for n in range(20):
        kind = kinds[n % len(kinds)]
        services.issue_certificate(actor=None, area=own if n % 4 else places[n % len(places)], cert_type=kind,
                                   resident_name=_RESIDENTS[n % len(_RESIDENTS)], purpose=purposes[n % len(purposes)],
                                   issued_on=datetime.date(YEAR, 1, 15) + datetime.timedelta(days=17 * n))
        certificates += 1
    return (f"{requests} window requests, {len(admissions)} admission requests, {len(tasks)} tasks, "
            f"{certificates} certificates")


# --- the register of assessments of communities (grids/assessments.py): a few rows after the rest -------------
_load_before_assessments = load


def load(*, scale: float, stdout=None) -> None:  # noqa: F811  (the loader above, then the assessments)
    _load_before_assessments(scale=scale, stdout=stdout)
    made = _assessments()
    if stdout:
        stdout.write(f"grids: {made} assessments of communities")


def _assessments() -> int:
    """The demo community worker's community in the year: the unified assessment of its street, a ranking
    citing an admitted request, a department's own ranking refused and an own inspection not yet refused."""
    from .assessment_services import record_assessment, refuse_assessment
    from .choices import AdmissionState
    from .models import AdmissionRequest, CommunityWorker

    worker = CommunityWorker.objects.filter(staff__user__username="community_worker").select_related("area").first()
    own = worker.area if worker else Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code").first()
    if own is None:
        return 0
    admitted = next((r for r in AdmissionRequest.objects.filter(state=AdmissionState.ADMITTED).select_related("area")
                     if own.code.startswith(r.area.prefix)), None)
    rows = [(own.parent if own.parent and own.parent.level == AreaLevel.TOWNSHIP else own, "区委社区工作领导小组",
             "assessment", "社区工作年度统一考核", True, None),
            (own, admitted.department if admitted else "区卫生健康委", "ranking", "健康社区评比", admitted is None,
             admitted),
            (own, "区文化和旅游局", "ranking", "文明社区单独评比", False, None),
            (own, "区应急管理局", "inspection", "安全生产专项检查", False, None)]
    made = []
    for k, (area, dept, kind, title, unified, admission) in enumerate(rows):
        made.append(record_assessment(actor=None, area=area, department=dept, kind=kind, title=title,
                                      period=str(YEAR), held_on=datetime.date(YEAR, 5 + 2 * k, 10),
                                      unified=unified, admission=admission))
    refuse_assessment(actor=None, assessment=made[2], on=datetime.date(YEAR, 9, 11))
    return len(made)
