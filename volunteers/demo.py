"""Demo volunteers of Bengbu in 2020, at the source's ratios and at any scale.

round(860,000 × scale) real-name volunteers across the communities in proportion to their
resident population (3,400,000 × scale, so 25.3%), round(438,600 × scale) of them with approved
hours (51%), round(11,758 × scale) social-work professionals (3.07‰ of 3,830,000 × scale
registered), round(1,520 × scale) people trained, one session per district/county.

Everything goes through the bulk import path that real exports of the national system use
(CSV → staging → set-wise merge), then the bulk approval that builds each team's hash chain.
Birth years are 1956–2004 (volunteers) and 1966–1998 (social workers): everyone must be 14 or
older at registration (14–18 with a guardian's consent); people born before 1983, when most of
Bengbu's county codes were assigned, carry those codes too (see ``core.personal.region_known``).

The first street of 龙子湖区 gets a team at work, through the pages' services: its manager
(``team_manager``) and recorder (``team_recorder``), members, an activity with a shift that has
not started (open for sign-up), hours recorded by the recorder (some approved by the manager,
some awaiting them), an hours import by the recorder still awaiting the manager's approval, and a
volunteer's own account (``volunteer``) with hours, a correction asked and a certificate.
"""

import csv
import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from core import audit
from core.choices import AreaLevel
from core.models import Area, AreaPopulation
from core.personal import make_id_number

from . import imports, services
from .choices import MemberRole, SocialWorkLevel, TrainingTopic
from .models import SocialWorker, Team, TrainingAttendance, Volunteer

VOLUNTEERS = 860_000
WITH_HOURS = 438_600
SOCIAL_WORKERS = 11_758
TRAINED = 1_520
YEAR = 2020

_FAMILY = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆雪琳晨欣悦子涵")
_SKILLS = ["助老", "助残", "医疗救护", "心理疏导", "法律咨询", "环境保护", "文明交通", "社区治理", "应急救援", "文化宣传"]


def _apportion(total: int, weights: list[float]) -> list[int]:
    s = sum(weights) or 1
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _name(rng) -> str:
    return rng.choice(_FAMILY) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _csv(header, rows) -> io.BytesIO:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buf.getvalue().encode())


def volunteer_rows(communities: list[tuple[str, int]], total: int, seed: int = 2020):
    """(name, id, phone, community code, registered, skills, guardian, consent) rows, IDs unique."""
    rng = random.Random(seed)
    counts = _apportion(total, [pop for _code, pop in communities])
    used: dict[tuple[str, datetime.date], int] = {}
    for (code, _pop), n in zip(communities, counts, strict=True):
        region = code[:6]
        for _ in range(n):
            while True:
                born = datetime.date(rng.randint(1956, 2004), rng.randint(1, 12), rng.randint(1, 28))
                seq = used.get((region, born), 0)
                if seq < 999:
                    used[(region, born)] = seq + 1
                    break
            registered = datetime.date(max(2017, born.year + 15), rng.randint(1, 12), rng.randint(1, 28))
            if registered.year > YEAR:
                registered = datetime.date(YEAR, 12, 31)
            minor = (registered.year - born.year) < 19
            yield (_name(rng), make_id_number(region, born, seq + 1), f"1{rng.choice('3589')}{rng.randint(0, 10**9 - 1):09d}",
                   code, registered.isoformat(), rng.choice(_SKILLS),
                   _name(rng) if minor else "", registered.isoformat() if minor else "")


def load(*, scale: float, stdout=None) -> None:
    rng = random.Random(2020)
    populations = dict(AreaPopulation.objects.filter(year=YEAR, area__level=AreaLevel.COMMUNITY)
                       .values_list("area__code", "resident"))
    communities = sorted(populations.items())
    if not communities:
        return
    rows = volunteer_rows(communities, round(VOLUNTEERS * scale))
    header = ["姓名", "证件号码", "手机号码", "区划代码", "注册时间", "服务技能", "监护人", "监护人同意日期"]
    report = imports.import_volunteers(actor=None, source=_csv(header, rows), filename="demo-volunteers.csv")
    if report.errors:
        raise RuntimeError("; ".join(str(e) for e in report.errors[:5]))

    teams = _teams(rng)
    hours_records = _hours(rng, teams, round(WITH_HOURS * scale))
    trained = _trainings(rng, round(TRAINED * scale))
    workers = _social_workers(rng, round(SOCIAL_WORKERS * scale), communities)
    at_work = _team_at_work(rng, teams)
    if stdout:
        stdout.write(f"volunteers: {report.created} registered, {len(teams)} teams, {hours_records} approved hour "
                     f"records, {trained} trained, {workers} social-work professionals (scale {scale}); {at_work}")


def _teams(rng) -> dict[str, Team]:
    """One volunteer service team per street/township; the demo volunteer officer manages those of
    the district they work in."""
    officer = get_user_model().objects.filter(username="volunteer_officer").first()
    teams = {}
    for street in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("code"):
        team = services.create_team(actor=None, name=f"{street.name}志愿服务队", area=street, join_mode="open")
        if officer is not None and street.code.startswith("340302"):
            services.add_team_staff(actor=None, team=team, user=officer, role=MemberRole.MANAGER)
        teams[street.code[:9]] = team
    return teams


def _hours(rng, teams: dict[str, Team], with_hours: int) -> int:
    """Hour records for ``with_hours`` volunteers through the hours import, then approved in bulk."""
    ids = list(Volunteer.objects.values_list("pk", flat=True).order_by("pk"))
    chosen = set(rng.sample(ids, min(with_hours, len(ids))))
    per_team: dict[str, list] = {}
    vols = Volunteer.objects.filter(pk__in=chosen).select_related("area").only("id_number", "area__code")
    for vol in vols.iterator(chunk_size=2000):
        number = vol.id_number.reveal_unchecked()  # the demo writes the file a national export would be
        heavy = rng.random() < 0.03
        for k in range(rng.randint(8, 60) if heavy else rng.randint(1, 3)):
            day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            hours = rng.choice((2, 3, 4, 6, 8)) if heavy else rng.choice((1.5, 2, 2.5, 3, 4))
            per_team.setdefault(vol.area.code[:9], []).append(
                (number, day.isoformat(), hours, rng.choice(_SKILLS) + "志愿服务", f"D{vol.pk}-{k}"))
    total = 0
    for street, rows in per_team.items():
        team = teams[street]
        imports.import_service_hours(actor=None, team=team, filename="demo-hours.csv",
                                     source=_csv(["证件号码", "服务日期", "服务时长", "服务内容", "记录编号"], rows))
        total += services.approve_pending(actor=None, team=team)
    return total


def _trainings(rng, trained: int) -> int:
    counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))
    quotas = _apportion(trained, [1] * len(counties))
    count = 0
    for county, quota in zip(counties, quotas, strict=True):
        session = services.create_training(
            actor=None, title=f"{county.name}志愿服务培训（助老志愿服务与系统使用）", topic=TrainingTopic.ELDERLY_CARE,
            area=county, held_on=datetime.date(YEAR, 9, 15), organiser=f"{county.name}民政局", with_civilisation_office=True)
        pool = list(Volunteer.objects.filter(area__code__startswith=county.code[:6]).values_list("pk", flat=True)[:quota * 3])
        picked = rng.sample(pool, min(quota, len(pool)))
        TrainingAttendance.objects.bulk_create([TrainingAttendance(session=session, volunteer_id=pk) for pk in picked])
        count += len(picked)
    return count


@transaction.atomic
def _social_workers(rng, n: int, communities) -> int:
    """Bulk-created (with their audit rows in bulk): no public export of this register exists."""
    areas = Area.objects.in_bulk([c for c, _p in communities], field_name="code")
    placed = _apportion(n, [p for _c, p in communities])
    workers, used, k = [], {}, 0
    for (code, _pop), count in zip(communities, placed, strict=True):
        for _ in range(count):
            k += 1
            while True:
                born = datetime.date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
                seq = used.get((code[:6], born), 0)
                if seq < 999:
                    used[(code[:6], born)] = seq + 1
                    break
            level = rng.choices(list(SocialWorkLevel), weights=(60, 38, 2))[0]
            workers.append(SocialWorker(
                name=_name(rng), id_number=make_id_number(code[:6], born, seq + 1), level=level,
                certificate_no=f"SW{2008 + k % 13}{k:07d}", certified_year=2008 + k % 13,
                employer=rng.choice(["社区居委会", "社会工作服务中心", "街道办事处", "养老服务中心"]), area=areas[code]))
    created = SocialWorker.objects.bulk_create(workers, batch_size=2000)
    audit.record_many([audit.build(actor=None, action="volunteers.socialworker.register", target=w,
                                   changes={"level": [None, w.level]}) for w in created])
    return len(created)


def _team_at_work(rng, teams: dict[str, Team]) -> str:
    """The demo street's team with its staff, members, a shift, hours approved and pending, an hours
    import awaiting approval, and one volunteer's own account (see the module's docstring)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core import services as core_services
    from core.choices import Role
    from core.demo import DEMO_PASSWORD

    from .choices import ImportKind, RecordStatus
    from .models import ServiceHourRecord
    from .tasks import run_import

    street = Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith="340302").order_by("code").first()
    if street is None or street.code[:9] not in teams:
        return "no team at work"
    team = teams[street.code[:9]]
    staff = {}
    for username, role, full_name in (("team_manager", MemberRole.MANAGER, "何志刚"),
                                      ("team_recorder", MemberRole.RECORDER, "罗晓燕")):
        user = core_services.add_staff(actor=None, username=username, role=Role.TOWNSHIP_OFFICER,
                                       area_code=street.code, password=DEMO_PASSWORD, full_name=full_name)
        services.appoint_team_staff(actor=None, team=team, user=user, role=role)
        staff[role] = user
    manager, recorder = staff[MemberRole.MANAGER], staff[MemberRole.RECORDER]

    # Members: the street's volunteers who already have approved hours at this team come first, so
    # the ratio of volunteers with hours stays the source's.
    local = Volunteer.objects.filter(area__code__startswith=street.code[:9], status="active").order_by(
        "-approved_hours", "pk")
    members = list(local[:12])
    if not members:
        return "no volunteers in the demo street"
    for vol in members:
        services.join_team(actor=None, team=team, volunteer=vol)
    own = members[0]

    today = timezone.localdate()
    activity = services.create_activity(actor=None, team=team, title="社区助老陪伴与理发服务", service_field="助老",
                                        description="为辖区独居老人上门陪伴、义务理发")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    shift = services.create_shift(actor=None, activity=activity, place=f"{street.name}党群服务中心", starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=3), quota=8)
    for vol in members[2:5]:
        services.sign_up(actor=None, shift=shift, volunteer=vol)

    # Hours the recorder entered for last week's service: the older ones approved by the manager.
    recorded = []
    for k, vol in enumerate(members[1:7]):
        recorded.append(services.record_hours(
            actor=recorder, volunteer=vol, team=team, hours=rng.choice(("2", "2.5", "3")), activity=activity,
            service_date=today - datetime.timedelta(days=7 + k), description="上门陪伴独居老人"))
    for record in recorded[:3]:
        services.approve_record(actor=manager, record=record)

    # An import of the paper sign-in sheets by the recorder, awaiting the manager's one-step approval.
    rows = [(vol.id_number.reveal_unchecked(), (today - datetime.timedelta(days=14 + k)).isoformat(), "3",
             "社区环境整治志愿服务", f"PAPER-{today.year}-{k + 1:03d}") for k, vol in enumerate(members[:6])]
    upload = SimpleUploadedFile("纸质签到表-服务时长.csv",
                                _csv(["证件号码", "服务日期", "服务时长", "服务内容", "记录编号"], rows).getvalue(),
                                content_type="text/csv")
    job = services.start_import(actor=recorder, kind=ImportKind.SERVICE_HOURS, upload=upload, team=team)
    run_import(job.pk)

    # The volunteer's own account: hours, a correction asked of the team, a certificate.
    user, _password = services.create_volunteer_account(actor=None, volunteer=own, username="volunteer")
    user.set_password(DEMO_PASSWORD)  # the demo's shared password instead of the one shown once
    user.save(update_fields=["password"])
    own.refresh_from_db()
    mine = ServiceHourRecord.objects.filter(volunteer=own, team=team, status=RecordStatus.APPROVED).order_by("pk")
    if mine.exists():
        record = mine.first()
        services.request_correction(actor=user, record=record, requested_hours=record.hours + 1,
                                    reason="当天实际服务到中午，少记了一小时")
        services.issue_certificate(actor=user, volunteer=own, team=team)
    pending = ServiceHourRecord.objects.filter(team=team, status=RecordStatus.SUBMITTED).count()
    return (f"{team.name}: team_manager, team_recorder, {len(members)} members, {pending} hour records awaiting "
            f"approval; volunteer ({own.name}) has an own account")
