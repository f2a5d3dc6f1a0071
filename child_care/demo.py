"""Demo registry of Bengbu in 2020 (domain.md §5): exactly 100 township supervisors and 1,288
village/community child directors with appointments, all trained; round(32,589 × scale) left-behind
children in rural villages, round(1,743 × scale) left-behind women, max(1, round(64 × scale)) children
in difficulty under key assistance; every child entered, reviewed and submitted (entry rate 100%).

The mass is bulk-created with its audit rows in bulk (as volunteers' social workers are); the demo
child director's village is built through the services (parents, categories, visits due and overdue,
a proposal waiting), so the phone pages and the inbox have something real to show.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import audit
from core.choices import AreaKind, AreaLevel
from core.models import Area
from core.personal import make_id_number

from . import services
from .choices import Category, DifficultyKind, Hukou, ParentSituation, PersonKind, ReportStage, RiskTier, StaffPost
from .models import Appointment, CategoryRecord, Person

LEFT_BEHIND_CHILDREN = 32_589
LEFT_BEHIND_WOMEN = 1_743
KEY_ASSISTANCE = 64
SURVEY_DAY = datetime.date(2020, 3, 1)
_FAMILY = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋")
_GIVEN = list("子涵浩然欣怡梓轩雨桐一诺宇航佳怡俊杰诗琪思远晨曦可馨")


def _name(rng):
    return rng.choice(_FAMILY) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _apportion(total, parts):
    out = [total // parts] * parts
    for i in range(total - sum(out)):
        out[i] += 1
    return out


def _appointments(stdout=None):
    """One supervisor per township, one director per community/village; demo accounts take theirs."""
    recorded = timezone.make_aware(datetime.datetime(2020, 1, 2))
    rows = [Appointment(post=StaffPost.SUPERVISOR if a.level == AreaLevel.TOWNSHIP else StaffPost.DIRECTOR,
                        area=a, name=f"{a.name}{'督导员' if a.level == AreaLevel.TOWNSHIP else '儿童主任'}",
                        starts_on=datetime.date(2019, 6, 1), trained_on=datetime.date(2020, 6, 15))
            for a in Area.objects.filter(level__in=[AreaLevel.TOWNSHIP, AreaLevel.COMMUNITY]).order_by("code")]
    created = Appointment.objects.bulk_create(rows, batch_size=2000)
    User = get_user_model()
    for username in ("child_supervisor", "child_director"):
        user = User.objects.filter(username=username).first()
        grant = user.grants.first() if user else None
        if grant:
            Appointment.objects.filter(area=grant.area).update(user=user, name=user.get_full_name() or username)
    audit.record_many([audit.build(actor=None, action="child_care.appointment.create", target=a,
                                   changes={"post": [None, a.post]}) for a in created])
    Appointment.objects.filter(pk__in=[a.pk for a in created]).update(created_at=recorded)
    return len(created)


def _training_and_outreach():
    """The source's "training of all child-care staff completed" and "政策宣讲进村(居)": one city training on
    the appointments' training day, every appointment attended; one outreach in every village/community."""
    from .models import Attendance, Outreach, Training

    city = Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    if city is None:
        return 0, 0
    training = Training.objects.create(held_on=datetime.date(2020, 6, 15), topic="儿童主任、儿童督导员业务培训",
                                       level="city", organiser="市民政局", area=city)
    Attendance.objects.bulk_create([Attendance(training=training, appointment_id=pk, attended=True)
                                    for pk in Appointment.objects.values_list("pk", flat=True)], batch_size=2000)
    topics = ["监护人主体责任", "儿童自我保护", "村（居）委会关爱保护职责", "儿童主任工作职责"]
    rows = [Outreach(area=a, held_on=datetime.date(2020, 5, 1) + datetime.timedelta(days=i % 180),
                     topic=topics[i % len(topics)], children=20 + i % 30, guardians=15 + i % 20, women=3 + i % 5,
                     cadres=5) for i, a in enumerate(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code"))]
    Outreach.objects.bulk_create(rows, batch_size=2000)
    audit.record_many([audit.build(actor=None, action="child_care.training.create", target=training, changes={})])
    return training.attendances.count(), len(rows)


def _bulk_people(rng, villages, n, *, kind, category, born_years, difficulty=""):
    """``n`` people across ``villages`` with an open category since the 2020 survey, entered and submitted."""
    recorded = timezone.make_aware(datetime.datetime.combine(SURVEY_DAY, datetime.time(9)))
    people, used = [], {}
    for village, count in zip(villages, _apportion(n, len(villages)), strict=True):
        for _ in range(count):
            while True:
                born = datetime.date(rng.randint(*born_years), rng.randint(1, 12), rng.randint(1, 28))
                seq = used.get((village.code[:6], born), 0) + 1
                if seq < 499:
                    used[(village.code[:6], born)] = seq
                    break
            # the 17th digit is even for women (GB 11643)
            number = make_id_number(village.code[:6], born, seq * 2 + (0 if kind == PersonKind.WOMAN else rng.randint(0, 1)))
            people.append(Person(kind=kind, name=_name(rng), id_number=number, birth_date=born,
                                 sex="male" if int(number[16]) % 2 else "female", hukou=Hukou.RURAL, area=village,
                                 risk_tier=rng.choices(list(RiskTier), weights=(10, 30, 60))[0],
                                 report_stage=ReportStage.SUBMITTED, entered_at=recorded, reviewed_at=recorded,
                                 submitted_at=recorded, created_at=recorded))
    people = Person.objects.bulk_create(people, batch_size=2000)
    records = CategoryRecord.objects.bulk_create(
        [CategoryRecord(person=p, category=category, difficulty_kind=difficulty, area=p.area, starts_on=SURVEY_DAY,
                        start_reason="2020年摸底排查", created_at=recorded) for p in people], batch_size=2000)
    audit.record_many([audit.build(actor=None, action="child_care.person.create", target=p) for p in people]
                      + [audit.build(actor=None, action="child_care.category.start", target=r,
                                     changes={"category": [None, category]}) for r in records])
    return people


def _showcase(rng, village):
    """The demo child director's own village, through the services: parents away, visits, a proposal."""
    User = get_user_model()
    director = User.objects.filter(username="child_director").first()
    today = timezone.localdate()
    for i in range(6):
        born = datetime.date(2010 + i, 1 + i, 10 + i)
        kid = services.register_person(actor=None, name=_name(rng), area=village, hukou=Hukou.RURAL,
                                       id_number=make_id_number(village.code[:6], born, 900 + i), director=director,
                                       risk_tier=[RiskTier.HIGH, RiskTier.MEDIUM, RiskTier.LOW][i % 3])
        for relation, situation, year in (("father", ParentSituation.AWAY, 1980), ("mother", ParentSituation.AWAY, 1982)):
            parent = services.register_person(actor=None, kind=PersonKind.GUARDIAN, name=_name(rng), area=village,
                                              id_number=make_id_number(village.code[:6],
                                                                       datetime.date(year, 1 + i, 5), 950 + i))
            services.link_relative(actor=None, child=kid, relative=parent, relation=relation, situation=situation,
                                   work_place="江苏省苏州市")
        services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND, starts_on=SURVEY_DAY,
                                reason="2020年摸底排查")
        services.schedule_visit(actor=None, person=kid, visitor=director,
                                due_on=today + datetime.timedelta(days=[-10, -3, 2, 5, 20, 40][i]))
        Person.objects.filter(pk=kid.pk).update(report_stage=ReportStage.SUBMITTED)
    return 6


def _rescue_station(village):
    """怀远县救助管理站 (the demo village's county) with one staff account, ``rescue_station``, which has
    handed one child of the demo director's village over: the case waits for the director's receipt."""
    from core import services as core_services
    from core.choices import Role
    from core.demo import DEMO_PASSWORD
    from core.recorded import create_recorded

    from .models import RescueStation

    county = Area.objects.get(code=village.code[:6] + "000000")
    station = RescueStation.objects.filter(name=f"{county.name}救助管理站").first() or create_recorded(
        RescueStation, {"name": f"{county.name}救助管理站", "area": county, "address": f"{county.name}城关镇"},
        actor=None, action="child_care.rescuestation.create")
    staffer = core_services.add_staff(actor=None, username="rescue_station", role=Role.RESCUE_STAFF,
                                      area_code=county.code, password=DEMO_PASSWORD, full_name="郑伟")
    kid = Person.objects.alive().filter(area=village, kind=PersonKind.CHILD).order_by("pk").first()
    if kid is not None and not kid.rescues.exists():
        services.hand_over_rescue(actor=staffer, id_number=str(kid.id_number.reveal_unchecked()),
                                  rescue_station=station, found_on=timezone.localdate() - datetime.timedelta(days=3),
                                  found_place="蚌埠火车站候车室", circumstances="独自流浪两天，经民警送站")
    return station


def load(*, scale: float, stdout=None) -> None:
    rng = random.Random(2020)
    appointed = _appointments(stdout)
    trained, outreach = _training_and_outreach()
    villages = list(Area.objects.filter(level=AreaLevel.COMMUNITY, kind=AreaKind.RURAL).order_by("code"))
    director = get_user_model().objects.filter(username="child_director").first()
    home = director.grants.first().area if director and director.grants.exists() else villages[0]
    shown = _showcase(rng, home)
    station = _rescue_station(home)
    children = max(round(LEFT_BEHIND_CHILDREN * scale) - shown, 0)
    _bulk_people(rng, villages, children, kind=PersonKind.CHILD, category=Category.LEFT_BEHIND,
                 born_years=(2005, 2019))
    _bulk_people(rng, villages, round(LEFT_BEHIND_WOMEN * scale), kind=PersonKind.WOMAN,
                 category=Category.LEFT_BEHIND_WOMAN, born_years=(1970, 1995))
    key = max(1, round(KEY_ASSISTANCE * scale))
    helped = _bulk_people(rng, villages[:key], key, kind=PersonKind.CHILD, category=Category.DIFFICULTY,
                          born_years=(2006, 2015), difficulty=DifficultyKind.FAMILY)
    CategoryRecord.objects.bulk_create([CategoryRecord(person=p, category=Category.KEY_ASSISTANCE, area=p.area,
                                                       starts_on=SURVEY_DAY, start_reason="救助站重点帮扶")
                                        for p in helped])
    if stdout:
        stdout.write(f"child care: {appointed} appointments, {children + shown} left-behind children, "
                     f"{round(LEFT_BEHIND_WOMEN * scale)} women, {key} under key assistance; {station} (rescue_station); "
                     f"{trained} trained at the city's training, outreach in {outreach} villages/communities")
