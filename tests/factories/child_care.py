"""Factories of the child-care registry: made through the services, as real entries are."""

import datetime

from child_care import services
from child_care.choices import Category, Hukou, ParentSituation, PersonKind, Relation
from tests.factories import id_number


def child(area, *, born=datetime.date(2012, 3, 10), name="王小明", hukou=Hukou.RURAL, actor=None, **kw):
    return services.register_person(actor=actor, kind=PersonKind.CHILD, name=name, area=area, hukou=hukou,
                                    id_number=id_number(area.code[:6], born), **kw)


def adult(area, *, kind=PersonKind.GUARDIAN, born=datetime.date(1985, 6, 1), name="王建国", actor=None, **kw):
    return services.register_person(actor=actor, kind=kind, name=name, area=area, id_number=id_number(area.code[:6], born),
                                    **kw)


def with_parents(kid, *, father=ParentSituation.AWAY, mother=ParentSituation.AWAY, actor=None):
    dad = adult(kid.area, name="王父", actor=actor)
    mum = adult(kid.area, name="李母", born=datetime.date(1987, 2, 2), actor=actor)
    services.link_relative(actor=actor, child=kid, relative=dad, relation=Relation.FATHER, situation=father)
    services.link_relative(actor=actor, child=kid, relative=mum, relation=Relation.MOTHER, situation=mother)
    return dad, mum


def left_behind_child(area, *, starts_on=datetime.date(2020, 1, 1), actor=None, **kw):
    kid = child(area, actor=actor, **kw)
    with_parents(kid, actor=actor)
    record = services.start_category(actor=actor, person=kid, category=Category.LEFT_BEHIND, starts_on=starts_on,
                                     reason="摸底排查")
    return kid, record


ROSTER_HEADER = ["姓名", "身份证号", "出生日期", "性别", "学校", "当前状态", "是否农村留守儿童", "户籍地区划代码"]


def roster_file(rows, *, name="学籍名册.csv"):
    """The education bureau's roster as a CSV with its Chinese headers: rows are dicts keyed by header."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    for row in rows:
        writer.writerow([row.get(h, "") for h in ROSTER_HEADER])
    data = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    data.name = name
    return data


def named_child(area, name, born, *, male=True, seq=None, **kw):
    """A child whose sex is set by the ID's sequence (odd: male)."""
    from tests.factories import _seq

    seq = seq if seq is not None else next(_seq) * 2 + (1 if male else 0)
    return services.register_person(actor=kw.pop("actor", None), kind=PersonKind.CHILD, name=name, area=area,
                                    hukou=kw.pop("hukou", Hukou.RURAL), id_number=id_number(area.code[:6], born, seq),
                                    **kw)
