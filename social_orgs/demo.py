"""Demo social organisations of Bengbu in 2020, through the real services, landing on the source's
figures: 5 zombies revoked, 14 on the serious list, 23 on the abnormal list at the end of 2020,
45 in the 3A+ purchase directory, 55 industry associations fee-inspected, 5 on-site random
inspections, 5 venture grants of 300,000 yuan, 400,000 yuan of welfare-lottery funds, and on
average ≥10 community social organisations per urban and ≥5 per rural community.

Organisations are counted whole (they are not people records): ``scale`` leaves them alone.
The nightly timers run on the dates they would have run in 2020, so the lists carry the
reasons and dates real runs would have given them.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from core.choices import AreaKind, AreaLevel
from core.models import Area
from core.personal import make_id_number

from . import services
from .choices import (
    CommunityField,
    CommunityOrgMode,
    InspectionKind,
    InspectionMethod,
    OrgKind,
    OrgType,
    RegistrationLevel,
    SupportKind,
)
from .models import CommunityOrg
from .uscc import make_uscc

YEAR = 2020
D = datetime.date
ASSOCIATIONS = 60      # industry associations and chambers (55 fee-inspected)
OTHERS = 160
ZOMBIES = 5
DIRECTORY = 45
LATE_REPORTS = 16      # + 3 unreachable + 2 warnings + 2 without a party organisation = 23 abnormal
VENTURE = [80_000, 70_000, 60_000, 50_000, 40_000]  # 300,000 yuan
LOTTERY = [("社会组织孵化基地运营", 150_000), ("社会组织能力建设培训", 100_000), ("社区社会组织公益服务项目", 150_000)]
LOTTERY_YUAN = 400_000  # a year, allocated as LOTTERY says
LOTTERY_YEARS = (2019, YEAR)
INCUBATION_COUNTIES = 3  # the city's centre and the incubation centres of the first counties

_INDUSTRY = ["建筑业", "物流", "餐饮", "电子商务", "家具", "光伏", "玻璃", "食品", "纺织", "汽车销售", "房地产",
             "农机", "医药", "旅游", "广告", "印刷", "珠宝", "茶叶", "渔业", "物业管理", "软件", "装饰", "保险",
             "石材", "酒业", "再生资源", "家政", "美容美发", "摄影", "烘焙"]
_TOPICS = ["书法", "摄影", "老年体育", "慈善", "青年志愿者", "心理咨询", "法律援助", "养老服务", "儿童关爱", "环保",
           "文学艺术", "科普", "残疾人服务", "社会工作", "禁毒", "调解", "民俗文化", "棋类", "舞蹈", "戏曲"]
_FORMS = {OrgType.GROUP: "协会", OrgType.SERVICE: "服务中心", OrgType.FOUNDATION: "基金会"}
_FAMILY = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩")
_COMMUNITY_NAMES = {CommunityField.MEDIATION: "调解队", CommunityField.PREVENTION: "平安巡逻队",
                    CommunityField.ELDERLY: "健康养老互助会", CommunityField.CHARITY: "公益慈善服务队",
                    CommunityField.DISASTER: "防灾减灾志愿队", CommunityField.CULTURE: "文体队",
                    CommunityField.NEIGHBOURS: "邻里互助会", CommunityField.INTEGRATION: "居民融入服务队"}


def _person(rng, seq):
    name = rng.choice(_FAMILY) + "".join(rng.choice(_GIVEN) for _ in range(2))
    born = D(rng.randint(1955, 1985), rng.randint(1, 12), rng.randint(1, 28))
    return name, make_id_number("340302", born, seq)


def _register(rng, seq, *, name, org_type, area, founded_on, industry=False, kind=OrgKind.ORDINARY, parent=None):
    level = RegistrationLevel.CITY if area.level == AreaLevel.CITY else RegistrationLevel.COUNTY
    rep, id_number = _person(rng, seq)
    org = services.approve_name(actor=None, name=name, org_type=org_type, area=area, registration_level=level,
                                legal_rep_name=rep, sponsor_unit="" if org_type == OrgType.FOUNDATION else "市民政局",
                                kind=kind, is_industry_association=industry, parent=parent,
                                on=founded_on - datetime.timedelta(days=45), purpose="服务会员，服务社会")
    if org_type == OrgType.GROUP:
        services.start_preparation(actor=None, org=org, on=founded_on - datetime.timedelta(days=30))
    org = services.establish(actor=None, org=org, uscc=make_uscc(org_type, area.code[:6], f"MJ{seq:06d}"),
                             founded_on=founded_on, party_commitment=True, party_members=rng.randint(0, 12),
                             legal_rep_id_number=id_number)
    return services.forward_party_documents(actor=None, org=org, on=founded_on + datetime.timedelta(days=3))


def _file(org, year, rng):
    foundation = org.org_type == OrgType.FOUNDATION
    filed = D(year + 1, 3, rng.randint(10, 25)) if foundation else D(year + 1, rng.choice((4, 5)), rng.randint(5, 25))
    return services.file_annual_report(actor=None, org=org, year=year, submitted_on=filed, audit_report=foundation,
                                       sponsor_submitted_on=None if foundation else D(year + 1, 3, rng.randint(1, 28)),
                                       charter_party_clause=True)


def load(*, scale: float, stdout=None) -> None:
    city = Area.objects.filter(level=AreaLevel.CITY).first()
    if city is None:
        return
    rng = random.Random(YEAR)
    registrar = get_user_model().objects.filter(username="org_registrar").first()
    counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))
    seq = 0

    associations, others = [], []
    for i in range(ASSOCIATIONS):
        seq += 1
        form = "商会" if i % 4 == 0 else "协会"
        associations.append(_register(rng, seq, name=f"蚌埠市{_INDUSTRY[i % len(_INDUSTRY)]}{'行业' if i >= 30 else ''}{form}",
                                      org_type=OrgType.GROUP, area=city, industry=True,
                                      founded_on=D(rng.randint(2008, 2017), rng.randint(1, 12), rng.randint(1, 28))))
    places = [city, *counties]
    for i in range(OTHERS):
        seq += 1
        org_type = OrgType.SERVICE if i % 3 == 1 else (OrgType.FOUNDATION if i % 20 == 7 else OrgType.GROUP)
        area = places[i % len(places)]
        topic = _TOPICS[(i // len(places)) % len(_TOPICS)]
        kind = OrgKind.HUB if i < len(places) else (OrgKind.SOCIAL_WORK if topic == "社会工作" else OrgKind.ORDINARY)
        name = f"{area.name}{topic}{'联合会' if kind == OrgKind.HUB else _FORMS[org_type]}"
        others.append(_register(rng, seq, name=name, org_type=org_type, area=area, kind=kind,
                                founded_on=D(rng.randint(2010, 2017), rng.randint(1, 12), rng.randint(1, 28))))
    zombies = []
    for i in range(ZOMBIES):
        seq += 1
        zombies.append(_register(rng, seq, name=f"蚌埠市{_TOPICS[i]}促进会", org_type=OrgType.GROUP, area=city,
                                 founded_on=D(2019, 1, 8 + i)))

    everyone = associations + others
    shuffled = rng.sample(everyone, len(everyone))
    late, rest = shuffled[:LATE_REPORTS], shuffled[LATE_REPORTS:]
    escalated, large_fines, repeated, court = rest[:2], rest[2:5], rest[5:7], rest[7:9]
    unreachable, warned, no_party = rest[9:12], rest[12:14], rest[14:16]
    # graded 3A+ before being listed: excluded from the 2020 directory with the reason
    listed_graded = [o for o in late if o.founded_on <= D(2017, 12, 1)][:5]
    clean = rest[16:]
    eligible = [o for o in clean if o.founded_on <= D(2017, 12, 1)]  # two full years by the evaluation
    directory = eligible[:DIRECTORY]

    for org in everyone:  # three party members or more: a party organisation, except where the list says not
        if org.party_members >= 3 and org not in no_party:
            services.update_organisation(actor=None, org=org, has_party_org=True)
    for org in everyone:  # 2018 reports in time (the first activity of every organisation but the zombies)
        _file(org, 2018, rng)
    for org in everyone:
        if org not in late:
            _file(org, 2019, rng)

    for org in escalated:  # two years on the abnormal list by April 2020
        services.list_organisation(actor=None, org=org, reason="unreachable", on=D(2018, 4, 10),
                                   reason_text="两次挂号信被退回，无法取得联系", basis_ref="挂号信 2018-01/2018-03")
    for org in repeated:
        services.record_penalty(actor=None, org=org, kind="warning", decided_on=D(2018, 9, 3),
                                reference=f"蚌民罚〔2018〕{org.pk}号")
    for n, org in enumerate(directory + listed_graded):
        services.record_evaluation(actor=None, org=org, grade=rng.choice((3, 3, 4, 4, 5)), score=rng.randint(700, 980),
                                   evaluated_on=D(2019, 12, 2 + n % 20))
    for org in eligible[DIRECTORY:DIRECTORY + 20]:
        services.record_evaluation(actor=None, org=org, grade=rng.choice((1, 2)), score=rng.randint(500, 690),
                                   evaluated_on=D(2019, 12, 20))

    # 2020, in the order the year went: timers, the registrar's decisions, penalties, lists.
    services.run_timers(D(YEAR, 3, 2))  # proposes the zombies
    for org in zombies:
        services.revoke(actor=registrar, org=org, ground="zombie", on=D(YEAR, 3, 16),
                        reason="取得登记证书后一年未开展活动，经核查属实")
    services.run_timers(D(YEAR, 4, 13))  # escalates the 2018 listings
    for org in large_fines:
        services.record_penalty(actor=None, org=org, kind="fine", amount=Decimal(60_000), decided_on=D(YEAR, 5, 12),
                                reference=f"蚌民罚〔2020〕{org.pk}号")
    for org in repeated:
        services.record_penalty(actor=None, org=org, kind="fine", amount=Decimal(3_000), decided_on=D(YEAR, 5, 20),
                                reference=f"蚌民罚〔2020〕{org.pk}号")
    for org in court:
        services.list_organisation(actor=None, org=org, reason="court_defaulter", on=D(YEAR, 5, 25),
                                   reason_text="被人民法院列为失信被执行人", on_behalf_of="蚌埠市中级人民法院")
    services.run_timers(D(YEAR, 6, 1))  # lists the late 2019 reports
    services.rebuild_directory(actor=None, year=YEAR, on=D(YEAR, 7, 1))
    for org in unreachable:
        services.list_organisation(actor=None, org=org, reason="unreachable", on=D(YEAR, 8, 17),
                                   reason_text="两次挂号信被退回，无法取得联系", basis_ref="挂号信 2020-06/2020-08")
    for org in warned:
        services.record_penalty(actor=None, org=org, kind="warning", decided_on=D(YEAR, 9, 21),
                                reference=f"蚌民罚〔2020〕{org.pk}号")
    for org in no_party:
        services.list_organisation(actor=None, org=org, reason="no_party_org", on=D(YEAR, 10, 12),
                                   reason_text="符合条件未按要求建立党组织")
    _inspections(rng, associations, [o for o in directory if o.area.level == AreaLevel.CITY][:5] or directory[:5])
    _support(rng, city, directory)
    centres = _incubation(rng, [city, *counties[:INCUBATION_COUNTIES]], others)
    communities = _community_orgs(rng)
    if stdout:
        stdout.write(f"social_orgs: {len(everyone) + ZOMBIES} organisations, {ZOMBIES} revoked, "
                     f"{communities} community social organisations, {centres} incubation centres")


def _inspections(rng, associations, inspected):
    names = ["张明", "李华", "王芳", "赵强", "孙丽", "周伟", "吴静", "郑涛"]
    for org in rng.sample(associations, 55):
        services.record_inspection(actor=None, org=org, kind=InspectionKind.FEE, method=InspectionMethod.WRITTEN,
                                   inspected_on=D(YEAR, rng.randint(6, 9), rng.randint(1, 28)),
                                   inspectors=rng.sample(names, 2), findings="涉企收费自查自纠，未发现违规收费")
    for org in inspected:
        services.record_inspection(actor=None, org=org, kind=InspectionKind.RANDOM, method=InspectionMethod.ON_SITE,
                                   inspected_on=D(YEAR, 10, rng.randint(10, 30)), inspectors=rng.sample(names, 2),
                                   findings="年度报告、信息公开、内部治理、财务管理、业务活动均符合要求")


def _support(rng, city, directory):
    rnd = services.open_venture_round(actor=None, area=city, year=YEAR, title="“智汇珠城 牵手公益”公益创投大赛",
                                      budget=Decimal(sum(VENTURE)), max_grant=Decimal(max(VENTURE)))
    for amount, org in zip(VENTURE, rng.sample(directory, len(VENTURE)), strict=True):
        services.record_grant(actor=None, kind=SupportKind.VENTURE, area=org.area, org=org, year=YEAR, venture_round=rnd,
                              title=f"“智汇珠城 牵手公益”公益创投：{org.name}社区服务项目", amount=Decimal(amount),
                              granted_on=D(YEAR, 6, 30))
    # The city's welfare-lottery funds (福彩公益金), 400,000 yuan a year, each year allocated in full
    # through the fund (what each allocation pays for shows on the fund's page and in the API).
    for year in LOTTERY_YEARS:
        fund = services.create_lottery_fund(actor=None, area=city, year=year, amount=Decimal(LOTTERY_YUAN),
                                            source_ref=f"蚌民〔{year}〕福彩公益金使用计划",
                                            note="福彩公益金用于扶持社会组织发展")
        for title, amount in LOTTERY:
            services.allocate_lottery_fund(actor=None, fund=fund, title=title, amount=Decimal(amount),
                                           granted_on=D(year, 4, 1))


def _incubation(rng, areas, others) -> int:
    """The city's social-organisation service centre and incubation centres in the first counties
    (孵化基地), each run by its area's hub organisation: organisations being prepared and registered
    ones incubated for a year with space and services, about half of 2019's intake graduated."""
    made = 0
    for area in areas:
        in_area = [o for o in others if o.area_id == area.pk]
        hub = next((o for o in in_area if o.kind == OrgKind.HUB), None)
        city = area.level == AreaLevel.CITY
        centre = services.create_centre(
            actor=None, name=f"{area.name}社会组织{'服务中心' if city else '孵化基地'}", area=area, operator=hub,
            address=f"{area.name}政务服务中心{rng.randint(2, 6)}楼", space_sqm=1200 if city else 400,
            opened_on=D(2017 if city else 2018, 6, 1), services="办公场地、登记指导、能力培训、财务代账、项目对接")
        made += 1
        registered = [o for o in in_area if o.kind != OrgKind.HUB][:2]
        entrants = [{"organisation": org} for org in registered] + [
            {"applicant_name": f"{area.name}{_TOPICS[(n * 7 + made) % len(_TOPICS)]}服务队（筹）"} for n in range(3)]
        for n, who in enumerate(entrants):
            started = D(2019 if n % 2 == 0 else YEAR, rng.randint(1, 6), rng.randint(1, 28))
            inc = services.admit_to_centre(actor=None, centre=centre, started_on=started,
                                           term_until=started.replace(year=started.year + 1),
                                           space_sqm=rng.choice((20, 30, 40)), services_given="工位、培训、财务代账",
                                           **who)
            if started.year == 2019:
                services.end_incubation(actor=None, incubation=inc, graduated=n != 2,
                                        ended_on=started.replace(year=started.year + 1),
                                        note="完成孵化，已登记并独立开展活动" if n != 2 else "负责人变动，提前退出")
    return made


def _community_orgs(rng) -> int:
    """Community social organisations in the eight focus fields: on average a little above 10 per
    urban and 5 per rural community (the targets are averages, not quotas)."""
    rows = []
    fields = list(CommunityField)
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code")
    for n, community in enumerate(communities):
        urban = community.kind == AreaKind.URBAN
        count = (10 + (n % 3 == 0)) if urban else (5 + (n % 4 == 0))
        for k in range(count):
            field = fields[(n + k) % len(fields)]
            mode = CommunityOrgMode.FILED if k % 3 == 0 else CommunityOrgMode.GUIDED
            rows.append(CommunityOrg(name=f"{community.name}{_COMMUNITY_NAMES[field]}{k + 1}", area=community,
                                     field=field, mode=mode, filed_on=D(rng.randint(2017, YEAR), rng.randint(1, 12), 1)))
    return services.bulk_file_community_orgs(rows)
