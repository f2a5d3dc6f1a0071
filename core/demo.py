"""Demo territory: Bengbu (蚌埠市, 340300) in 2020, at the source document's figures.

100 streets/townships (one supervisor 督导员 each), 1,288 communities and villages (one child
director each), of which 143 urban communities in the four districts with 2,461 grids.
Population at ``scale``: resident 3,400,000 and registered 3,830,000 at scale 1.
Loaded through the same import services a real territory file goes through.
"""

import csv
import io
import random

from . import services
from .choices import AreaKind, AreaLevel, Role

CITY = ("340300000000", "蚌埠市")
YEAR = 2020
RESIDENT_TOTAL = 3_400_000
REGISTERED_TOTAL = 3_830_000

# code, name, streets, towns, resident, registered (scale 1)
COUNTIES = [
    ("340302", "龙子湖区", 5, 2, 330_000, 300_000),
    ("340303", "蚌山区", 5, 1, 390_000, 360_000),
    ("340304", "禹会区", 5, 3, 330_000, 320_000),
    ("340311", "淮上区", 3, 5, 260_000, 300_000),
    ("340321", "怀远县", 0, 28, 970_000, 1_230_000),
    ("340322", "五河县", 0, 22, 560_000, 680_000),
    ("340323", "固镇县", 0, 21, 560_000, 640_000),
]
URBAN_COMMUNITIES = 143
VILLAGES = 1_145
GRIDS = 2_461

_SYLLABLES = list("东西南北中新华兴和平安康宁泰丰瑞祥福乐涂山淮河珠城龙湖蚌山禹会荆涂长青朝阳胜利解放光明红旗建设")


def _name(rng, used, suffix, length=2):
    while True:
        name = "".join(rng.sample(_SYLLABLES, length)) + suffix
        if name not in used:
            used.add(name)
            return name


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def territory_rows(seed: int = 2020):
    """Rows (code, name, level, kind, parent_code), city first."""
    rng = random.Random(seed)
    used: set[str] = set()
    rows = [(CITY[0], CITY[1], AreaLevel.CITY, "", "")]
    streets, towns = [], []
    for code6, name, n_streets, n_towns, *_rest in COUNTIES:
        county = code6 + "000000"
        rows.append((county, name, AreaLevel.COUNTY, "", CITY[0]))
        for i in range(n_streets):
            code = f"{code6}{i + 1:03d}000"
            streets.append(code)
            rows.append((code, _name(rng, used, "街道"), AreaLevel.TOWNSHIP, "", county))
        for i in range(n_towns):
            number = 101 + i if i < 15 else 201 + (i - 15)  # 100-199 towns (镇), 200-399 townships (乡)
            code = f"{code6}{number:03d}000"
            towns.append(code)
            rows.append((code, _name(rng, used, "镇" if number < 200 else "乡"), AreaLevel.TOWNSHIP, "", county))
    communities = []
    for street, n in zip(streets, _split(URBAN_COMMUNITIES, len(streets)), strict=False):
        for j in range(n):
            code = f"{street[:9]}{j + 1:03d}"
            communities.append(code)
            rows.append((code, _name(rng, used, "社区"), AreaLevel.COMMUNITY, AreaKind.URBAN, street))
    for town, n in zip(towns, _split(VILLAGES, len(towns)), strict=False):
        for j in range(n):
            code = f"{town[:9]}{200 + j + 1:03d}"
            rows.append((code, _name(rng, used, "村"), AreaLevel.COMMUNITY, AreaKind.RURAL, town))
    for community, n in zip(communities, _split(GRIDS, len(communities)), strict=False):
        for k in range(n):
            rows.append((f"{community}{k + 1:03d}", f"第{k + 1}网格", AreaLevel.GRID,
                         AreaKind.URBAN, community))
    return rows


def population_rows(community_codes: list[str], scale: float, seed: int = 2020):
    """(code, year, resident, registered) per community/village; sums are the city's figures × scale."""
    rng = random.Random(seed)
    by_county: dict[str, list[str]] = {}
    for code in community_codes:
        by_county.setdefault(code[:6], []).append(code)
    resident_city = round(RESIDENT_TOTAL * scale)
    registered_city = round(REGISTERED_TOTAL * scale)
    residents = _apportion(resident_city, [c[4] for c in COUNTIES])
    registereds = _apportion(registered_city, [c[5] for c in COUNTIES])
    rows = []
    for (code6, *_rest), resident, registered in zip(COUNTIES, residents, registereds, strict=False):
        codes = sorted(by_county.get(code6, []))
        weights = [rng.uniform(0.6, 1.4) for _ in codes]
        for code, r, g in zip(codes, _apportion(resident, weights), _apportion(registered, weights), strict=False):
            rows.append((code, YEAR, r, g))
    return rows


def _csv(header, rows) -> io.BytesIO:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buf.getvalue().encode())


DEMO_PASSWORD = "Demo-2020-bengbu"


def demo_people(rows):
    """One account per role, at plausible areas of the demo territory."""
    street = next(c for c, _n, lvl, _k, _p in rows if lvl == AreaLevel.TOWNSHIP and c.startswith("340302"))
    community = next(c for c, _n, lvl, _k, p in rows if lvl == AreaLevel.COMMUNITY and p == street)
    grid = next(c for c, _n, lvl, _k, p in rows if lvl == AreaLevel.GRID and p == community)
    county_town = next(c for c, _n, lvl, _k, _p in rows if lvl == AreaLevel.TOWNSHIP and c.startswith("340321"))
    village = next(c for c, _n, lvl, _k, p in rows if lvl == AreaLevel.COMMUNITY and p == county_town)
    return [
        ("city_admin", Role.CITY_ADMIN, CITY[0], "王建国"),
        ("longzihu", Role.COUNTY_OFFICER, "340302000000", "李明"),
        ("bengshan", Role.COUNTY_OFFICER, "340303000000", "张华"),
        ("street_officer", Role.TOWNSHIP_OFFICER, street, "刘洋"),
        ("community_worker", Role.COMMUNITY_WORKER, community, "陈静"),
        ("grid_worker", Role.GRID_WORKER, grid, "杨帆"),
        ("org_registrar", Role.ORG_REGISTRAR, CITY[0], "赵磊"),
        ("volunteer_officer", Role.VOLUNTEER_OFFICER, "340302000000", "黄丽"),
        ("child_supervisor", Role.CHILD_SUPERVISOR, county_town, "周敏"),
        ("child_director", Role.CHILD_DIRECTOR, village, "吴芳"),
        ("auditor", Role.AUDITOR, CITY[0], "孙强"),
    ]


# A fixed TOTP key for the demo accounts that need a second factor, so `make run` can print the
# current code (manage.py demo_totp). Never used outside the demo.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def load(*, scale: float, stdout=None) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .middleware import requires_second_factor

    rows = territory_rows()
    report = services.import_areas(actor=None, source=_csv(["code", "name", "level", "kind", "parent_code"], rows),
                                   filename="demo-territory.csv")
    if not report.ok:
        raise RuntimeError("; ".join(str(e) for e in report.errors[:5]))
    communities = [r[0] for r in rows if r[2] == AreaLevel.COMMUNITY]
    pop = services.import_population(
        actor=None, source=_csv(["code", "year", "resident", "registered"], population_rows(communities, scale)),
        filename="demo-population.csv",
    )
    if not pop.ok:
        raise RuntimeError("; ".join(str(e) for e in pop.errors[:5]))
    User = get_user_model()
    for username, role, area_code, full_name in demo_people(rows):
        user = services.add_staff(actor=None, username=username, role=role, area_code=area_code,
                                  password=DEMO_PASSWORD, full_name=full_name)
        if requires_second_factor(User.objects.get(pk=user.pk)):
            TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY,
                                                                                "confirmed": True})
    if stdout:
        stdout.write(f"territory: {report.created} areas; population: {pop.created} rows (scale {scale})")
