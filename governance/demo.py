"""Demo consultation data: matters at every stage in a dozen communities and villages, run through
the real services as the system; a 2020 dispute register (bulk path, as a transfer from paper
ledgers would use) with more than 1,000 disputes effectively resolved at scale 1.

The demo community worker sits on the two committees of their community, and an extra account
``gov_supervisor`` on its supervision committee, so the procedure can be walked by hand. That
community also has the year's cadre reviews (一述两评三议事: one concluded, one still being rated)
and disputes registered, resolved and reopened through the pages' services, so their pages and
audit trails show a real history.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import services as core_services
from core.choices import AreaKind, AreaLevel, Role
from core.demo import DEMO_PASSWORD
from core.models import Area

from . import services
from .choices import (
    BodyKind,
    Capacity,
    Channel,
    DisputeOutcome,
    DisputeType,
    MemberRole,
    ParticipantCategory,
    PublicationKind,
    StepKind,
)
from .models import BodyMember, Category, QuorumRule

YEAR = 2020
EFFECTIVE_2020 = 1_100  # "over a thousand a year" at scale 1
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
TITLES = [
    ("环境卫生", "小区垃圾分类投放点设置"), ("物业管理", "物业费标准调整"), ("公共设施", "老旧小区加装电梯"),
    ("邻里关系", "楼道堆物清理"), ("公共设施", "增设非机动车充电桩"), ("环境卫生", "背街小巷环境整治"),
    ("公益事业建设", "村内道路硬化"), ("集体资产处置", "村集体闲置厂房出租"), ("村规民约", "修订村规民约"),
    ("公益事业建设", "文化广场建设"),
]
# The stage each demo matter is walked to, in order: every stage appears at scale 0.01.
PLAN = ["raised", "accepted", "deliberating", "decided", "implementing", "evaluating", "closed", "closed",
        "declined", "raised"]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _meeting(matter, body, present, votes_for, step=None, eligible=None, rng=None):
    m = services.schedule_meeting(actor=None, matter=matter, body_kind=body, scheduled_at=timezone.now(),
                                  location="党群服务中心议事厅", agenda=matter.title, step_kind=step, eligible=eligible)
    categories = [c for c, _l in ParticipantCategory.choices]
    for i in range(present):
        services.record_attendance(actor=None, meeting=m, name=f"{_name(rng)}{i}", household=f"户{i}",
                                   category=categories[i % len(categories)] if body == BodyKind.CONSULTATION_COUNCIL
                                   else ParticipantCategory.RESIDENT)
    services.save_minutes(actor=None, meeting=m, consensus="同意按方案实施", speakers=[
        {"name": _name(rng), "category": "resident", "opinion": "支持，尽快实施"},
        {"name": _name(rng), "category": "property_company", "opinion": "配合施工，注意安全"}])
    services.sign_minutes(actor=None, meeting=m, signed_by="主持人、记录人")
    b = services.open_ballot(actor=None, meeting=m, motion=f"关于“{matter.title}”的方案")
    services.tally_ballot(actor=None, ballot=b, votes_for=votes_for, votes_against=present - votes_for)
    return services.close_ballot(actor=None, ballot=b)


def _publish(matter, kind, content):
    p = services.post_publication(actor=None, matter=matter, kind=kind, content=content,
                                  photo_taken_at=timezone.now())
    return services.countersign_publication(actor=None, publication=p)


def _walk(matter, target, rng):
    order = ["raised", "accepted", "deliberating", "decided", "implementing", "evaluating", "closed"]
    if target == "declined":
        services.decline_matter(actor=None, matter=matter, reason="属于业主委员会自治事项，已告知反映人")
        return
    goal = order.index(target)
    if goal >= 1:
        services.accept_matter(actor=None, matter=matter, note="列入本月议事议程")
    major = matter.is_major
    representatives = BodyKind.VILLAGER_REPRESENTATIVES if matter.area.kind == AreaKind.RURAL \
        else BodyKind.RESIDENT_REPRESENTATIVES
    if goal >= 2:
        if major:
            _meeting(matter, BodyKind.PARTY_ORG, 5, 5, StepKind.PARTY_PROPOSAL, rng=rng)
        else:
            services.schedule_meeting(actor=None, matter=matter, body_kind=BodyKind.CONSULTATION_COUNCIL,
                                      scheduled_at=timezone.now(), location="议事厅", agenda=matter.title, eligible=12)
    if goal >= 3:
        matter.refresh_from_db()
        if major:
            _meeting(matter, BodyKind.TWO_COMMITTEES, 6, 6, StepKind.COMMITTEES_DISCUSS, rng=rng)
            _meeting(matter, BodyKind.PARTY_MEMBERS_ASSEMBLY, 30, 27, StepKind.PARTY_MEMBERS_REVIEW, rng=rng)
            _meeting(matter, representatives, 28, 24, StepKind.ASSEMBLY_RESOLVES, rng=rng)
        else:
            meeting = matter.meetings.get()
            services.record_attendance(actor=None, meeting=meeting, name="物业公司代表",
                                       category=ParticipantCategory.PROPERTY_COMPANY)
            for i in range(8):
                services.record_attendance(actor=None, meeting=meeting, name=f"{_name(rng)}{i}",
                                           category=ParticipantCategory.RESIDENT)
            b = services.open_ballot(actor=None, meeting=meeting, motion=f"关于“{matter.title}”的方案")
            services.tally_ballot(actor=None, ballot=b, votes_for=8, votes_against=1)
            services.close_ballot(actor=None, ballot=b)
    if goal >= 4:
        matter.refresh_from_db()
        if major:
            _publish(matter, PublicationKind.RESOLUTION, f"经村（居）民代表会议决议：{matter.title}。")
        project = services.start_implementation(actor=None, matter=matter, title=matter.title, lead_body="社区居委会",
                                                 partners=[{"name": "物业服务公司", "category": "property_company"},
                                                           {"name": "志愿服务队", "category": "social_org"}])
        for i, (title, weight) in enumerate([("方案细化与公示", 1), ("组织施工", 3), ("验收", 1)]):
            services.add_task(actor=None, project=project, title=title, assignee="物业服务公司", weight=weight,
                              due_on=timezone.localdate() + datetime.timedelta(days=10 * (i + 1)))
    if goal >= 5:
        for task in matter.project.tasks.all():
            services.complete_task(actor=None, task=task, evidence="现场照片、验收单")
        matter.refresh_from_db()
        if major:
            _publish(matter, PublicationKind.RESULT, f"{matter.title}已完成并通过验收。")
        services.open_evaluation(actor=None, matter=matter, closes_at=timezone.now() + datetime.timedelta(days=7),
                                 min_responses=5)
    if goal >= 6:
        rnd = matter.evaluation_rounds.get(closed_at__isnull=True)
        for _i in range(8):
            services.record_evaluation(actor=None, round=rnd, respondent=_name(rng) + str(_i),
                                       score=rng.choice([4, 5, 5]))
        services.close_evaluation(actor=None, round=rnd)


def _seat_demo_people(area, stdout):
    User = get_user_model()
    worker = User.objects.filter(username="community_worker").first()
    if worker is not None:
        services.add_body_member(actor=None, area=area, capacity=Capacity.TWO_COMMITTEES, name="陈静", user=worker,
                                 role=MemberRole.DIRECTOR, term_start=datetime.date(2018, 1, 1))
    supervisor = core_services.add_staff(actor=None, username="gov_supervisor", role=Role.COMMUNITY_WORKER,
                                         area_code=area.code, password=DEMO_PASSWORD, full_name="监委会主任")
    services.add_body_member(actor=None, area=area, capacity=Capacity.SUPERVISION_COMMITTEE, name="监委会主任",
                             user=supervisor, role=MemberRole.CHAIR, term_start=datetime.date(2018, 1, 1))
    if stdout:
        stdout.write(f"governance: community_worker sits on the two committees of {area.name}; "
                     f"gov_supervisor ({DEMO_PASSWORD}) on its supervision committee")


def _cadre_reviews(area, rng) -> int:
    """The year's 述职评议 of the two committees' members: the first concluded after three rater
    groups, the others with their reports in and one group's ratings, awaiting the rest."""
    members = list(BodyMember.objects.filter(area=area, capacity=Capacity.TWO_COMMITTEES).order_by("pk"))
    groups = [("党员代表", 30), ("居民代表", 40), ("街道党工委", 5)]
    for i, member in enumerate(members):
        review = services.submit_cadre_report(
            actor=None, member=member, year=YEAR,
            report=f"{member.name}{YEAR}年度述职：牵头办理百姓点事事项，推进老旧小区改造，按期完成“四议两公开”。")
        for group, size in groups if i == 0 else groups[:1]:
            incompetent = rng.randint(0, 1)
            basically = rng.randint(1, max(1, size // 5))
            services.record_cadre_ratings(actor=None, review=review, rater_group=group, incompetent=incompetent,
                                          basically=basically, competent=size - basically - incompetent)
        if i == 0:
            services.conclude_cadre_review(actor=None, review=review)
    return len(members)


def _dispute_history(area, rng) -> int:
    """Disputes of the demo community entered as its worker would: one resolved, one resolved and
    then reopened (the parties came back), one reopened and resolved again."""
    today = timezone.localdate()
    stories = [("resolved", "楼上漏水致楼下墙面受损", "上户维修并赔偿墙面修复费用"),
               ("reopened", "宠物犬夜间吠叫扰民", "养犬户承诺夜间看管"),
               ("resolved_again", "共用楼道堆放杂物", "双方共同清理并约定不再堆放")]
    for i, (story, what, agreement) in enumerate(stories):
        dispute = services.register_dispute(
            actor=None, area=area, parties=f"{_name(rng)}、{_name(rng)}", dispute_type=DisputeType.values[i % len(
                DisputeType.values)], channel=Channel.values[i % len(Channel.values)], mediator="陈静",
            received_on=today - datetime.timedelta(days=20 - i))
        dispute = services.resolve_dispute(actor=None, dispute=dispute, resolved_on=today - datetime.timedelta(
            days=10 - i), agreement=f"{what}：{agreement}", follow_up="电话回访")
        if story != "resolved":
            dispute = services.reopen_dispute(actor=None, dispute=dispute, reason="当事人再次反映，问题反复")
        if story == "resolved_again":
            services.resolve_dispute(actor=None, dispute=dispute, agreement=f"{what}：{agreement}（二次调解）",
                                     follow_up="上门回访无反复")
    return len(stories)


def load(*, scale: float, stdout=None) -> None:
    rng = random.Random(340300)
    # Demo meetings are held the day they are announced; the statutory lead times stay in the data
    # of real deployments, so restore them afterwards.
    saved = {r.pk: r.notice_days for r in QuorumRule.objects.all()}
    QuorumRule.objects.update(notice_days=0)
    try:
        _load(scale, rng, stdout)
    finally:
        for pk, days in saved.items():
            QuorumRule.objects.filter(pk=pk).update(notice_days=days)


def _load(scale, rng, stdout):
    urban = list(Area.objects.filter(level=AreaLevel.COMMUNITY, kind=AreaKind.URBAN).order_by("code")[:8])
    rural = list(Area.objects.filter(level=AreaLevel.COMMUNITY, kind=AreaKind.RURAL).order_by("code")[:4])
    communities = urban + rural
    if not communities:
        return
    categories = {c.name: c for c in Category.objects.all()}
    for area in communities:
        services.save_community_setting(actor=None, area=area, adults=rng.randint(1500, 4000),
                                        households=rng.randint(600, 1500), representatives=40, party_members=45,
                                        committee_members=7, secretary_is_director=rng.random() < 0.5)
        services.add_body_member(actor=None, area=area, capacity=Capacity.TWO_COMMITTEES, name=_name(rng),
                                 role=MemberRole.SECRETARY, term_start=datetime.date(2018, 1, 1))
        services.add_body_member(actor=None, area=area, capacity=Capacity.SUPERVISION_COMMITTEE, name=_name(rng),
                                 role=MemberRole.CHAIR, term_start=datetime.date(2018, 1, 1))
    _seat_demo_people(communities[0], stdout)
    reviews = _cadre_reviews(communities[0], rng)
    history = _dispute_history(communities[0], rng)
    matters = max(len(PLAN), round(60 * scale))
    for i in range(matters):
        area = communities[i % len(communities)]
        cat_name, title = TITLES[i % len(TITLES)]
        if area.kind == AreaKind.URBAN and cat_name in ("村规民约", "集体资产处置"):
            cat_name, title = "公益事业建设", "社区养老服务站建设"
        # Every later step is recorded "now" by the services, so matters are raised in the last days
        # (a 2020 date would make every answer late); the 2020 figures are the disputes'.
        raised = timezone.now() - datetime.timedelta(days=1 + i % 5, hours=i % 7)
        matter = services.raise_matter(actor=None, area=area, title=title, category=categories[cat_name],
                                       description=f"居民反映：{title}。", location=f"{rng.randint(1, 30)}号楼",
                                       raised_by_name=_name(rng), channel=rng.choice(Channel.values),
                                       raised_at=raised)
        for _j in range(rng.randint(0, 6)):
            if matter.stage == "raised":
                services.support_matter(actor=None, matter=matter, name=_name(rng) + str(_j))
        _walk(matter, PLAN[i % len(PLAN)], rng)
    disputes = _disputes(scale, rng)
    if stdout:
        stdout.write(f"governance: {matters} matters, {disputes} disputes in the 2020 register, {history} "
                     f"resolved/reopened on pages, {reviews} cadre reviews")


def _disputes(scale, rng) -> int:
    areas = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code"))
    effective = max(5, round(EFFECTIVE_2020 * scale))
    rows = []
    for i in range(effective + max(2, effective // 10) * 2):
        received = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
        values = {"parties": f"{_name(rng)}、{_name(rng)}", "dispute_type": rng.choice(DisputeType.values),
                  "channel": rng.choice(Channel.values), "mediator": _name(rng), "received_on": received}
        if i < effective:  # resolved and not reopened
            values.update(outcome=DisputeOutcome.RESOLVED, agreement="双方达成调解协议",
                          resolved_on=received + datetime.timedelta(days=rng.randint(1, 20)), follow_up="回访无反复")
        elif i % 2:  # resolved, then reopened within 90 days: not "effectively" resolved
            resolved = received + datetime.timedelta(days=5)
            values.update(outcome=DisputeOutcome.RESOLVED, resolved_on=resolved,
                          reopened_on=resolved + datetime.timedelta(days=30))
        else:
            values.update(outcome=rng.choice([DisputeOutcome.PENDING, DisputeOutcome.REFERRED]))
        rows.append((areas[i % len(areas)], values))
    return services.import_disputes(actor=None, area_rows=rows)
