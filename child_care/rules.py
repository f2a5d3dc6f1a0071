"""Status rules: what the registry's facts say a person's categories should be on a day.

Rules only *propose* (services.evaluate_rules turns their findings into ``Proposal`` rows); a child
director confirms and a supervisor approves. Ages are full years on a day (core.personal.age_on's
rule: the birthday itself counts), so a child born on 29 February turns 16 on 1 March in a common year.
"""

import datetime

from django.utils.translation import gettext as _

from .choices import Hukou, ParentSituation, Relation

LEFT_BEHIND_AGE = 16  # 民发〔2016〕42号: 不满十六周岁
DIFFICULTY_AGE = 18  # 国发〔2016〕36号: minors


def birthday(born: datetime.date, years: int) -> datetime.date:
    """The day someone born on ``born`` turns ``years`` (29 February → 1 March in a common year)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return datetime.date(born.year + years, 3, 1)


def age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parents(person):
    return [r for r in person.relatives.all() if r.relation in (Relation.FATHER, Relation.MOTHER)]


def parents_leave_child_behind(person) -> bool:
    """Both parents away, or one away and the other unable to care (or deceased)."""
    situations = [r.situation for r in parents(person)]
    away = situations.count(ParentSituation.AWAY)
    if away == 0:
        return False
    others = [s for s in situations if s != ParentSituation.AWAY]
    if len(situations) < 2:  # the other parent is not in the registry: not established
        return False
    return all(s in (ParentSituation.UNABLE, ParentSituation.DECEASED) for s in others)


def left_behind_refusals(person, on: datetime.date) -> list[str]:
    """Why ``person`` is not a left-behind child on ``on`` (empty: the 2016 definition holds)."""
    reasons = []
    if age(person.birth_date, on) >= LEFT_BEHIND_AGE:
        reasons.append(_("is 16 or older on %(day)s") % {"day": on})
    if person.hukou != Hukou.RURAL:
        reasons.append(_("has no rural household registration"))
    if not parents_leave_child_behind(person):
        reasons.append(_("neither are both parents away nor is one away and the other unable to care"))
    return reasons
