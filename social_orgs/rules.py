"""The timers of the credit lists and the report deadlines, computed from rule values that are
data (``CreditRule``, seeded by migration 0002 with their legal sources; the values below are the
defaults and the fallback). Calendar dates that land on a rest day move to the next working day
(core.workdays); "within N working days" counts working days.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _

from core.workdays import add_working_days

from .choices import REMEDY, ListingStatus, ListType, OrgType
from .dates import add_months

LING60 = "社会组织信用信息管理办法（民政部令第60号，2018）"
RULES = {
    "abnormal_escalation_months": (24, "个月", "列入活动异常名录满2年，转入严重违法失信名单",
                                   f"{LING60} 第十六条（列入活动异常名录满2年）"),
    "abnormal_auto_exit_months": (6, "个月", "无需整改的，列入满6个月自动移出",
                                  f"{LING60} 第十四条（自动移出，6个月）"),
    "exit_working_days": (5, "个工作日", "核实整改后移出的工作日数",
                          f"{LING60} 第十四条（核实后5个工作日内移出）"),
    "serious_clean_months": (24, "个月", "严重违法失信名单：未再发生失信情形满此期限可申请移出",
                             f"{LING60} 第十七条（满2年未再发生）"),
    "large_fine_yuan": (50000, "元", "罚款达到此金额的，列入严重违法失信名单",
                        f"{LING60} 第十条、第十六条（罚款5万元）"),
    "repeat_window_months": (36, "个月", "多次警告或小额罚款的统计期间",
                             f"{LING60} 第十六条（3年内2次）"),
    "repeat_count": (2, "次", "统计期间内受警告或小额罚款达到此次数的，列入严重违法失信名单",
                     f"{LING60} 第十六条（3年内2次）"),
    "zombie_months": (12, "个月", "取得登记证书后未开展活动满此期限的，撤销登记",
                      "社会团体登记管理条例 第二十九条；民办非企业单位登记管理暂行条例 第二十四条"),
    "random_ratio_county_pct": (3, "%", "定期抽查：县级登记社会组织的最低抽查比例",
                                "社会组织抽查暂行办法（民发〔2017〕45号）第五条"),
    "random_ratio_city_pct": (4, "%", "定期抽查：市级登记社会组织的最低抽查比例",
                              "社会组织抽查暂行办法（民发〔2017〕45号）第五条"),
    "random_ratio_province_pct": (5, "%", "定期抽查：省级登记社会组织的最低抽查比例",
                                  "社会组织抽查暂行办法（民发〔2017〕45号）第五条"),
    "inspectors_per_task": (2, "人", "每个检查对象的检查人员不少于",
                            "社会组织抽查暂行办法（民发〔2017〕45号）第十一条"),
    "party_forward_working_days": (5, "个工作日", "登记后转交党建工作承诺书和党员情况调查表的期限",
                                   "民政部关于社会组织成立登记时同步开展党建工作有关问题的通知（2016）；河南省实施办法"),
    "sponsor_deadline_mmdd": (331, "MMDD", "社团/民非向业务主管单位报送年度工作报告的截止日（月日）",
                              "社会团体登记管理条例 第二十八条；民办非企业单位登记管理暂行条例 第二十三条"),
    "authority_deadline_mmdd": (531, "MMDD", "社团/民非向登记管理机关报送年度工作报告的截止日（月日）",
                                "社会团体登记管理条例 第二十八条；民办非企业单位登记管理暂行条例 第二十三条"),
    "foundation_deadline_mmdd": (331, "MMDD", "基金会报送年度工作报告及审计报告的截止日（月日）",
                                 "基金会管理条例 第三十六条"),
}


_kept: ContextVar[dict | None] = ContextVar("social_orgs_rules", default=None)
# Within ``kept()``: the working day on or after a date, memoised (the nightly run asks for the same
# few hundred dates thousands of times; each answer is a query of the local overrides).
_workday_memo: ContextVar[dict | None] = ContextVar("social_orgs_workdays", default=None)


@contextmanager
def kept():
    """Read the rule table once for a whole run (the nightly timers over every organisation)."""
    from .models import CreditRule

    token = _kept.set(dict(CreditRule.objects.values_list("key", "value")))
    memo = _workday_memo.set({})
    try:
        yield
    finally:
        _workday_memo.reset(memo)
        _kept.reset(token)


def rule(key: str) -> int:
    from .models import CreditRule

    table = _kept.get()
    value = table.get(key) if table is not None else CreditRule.objects.filter(key=key).values_list(
        "value", flat=True).first()
    return value if value is not None else RULES[key][0]


def _mmdd(year: int, key: str) -> datetime.date:
    value = rule(key)
    return datetime.date(year, value // 100, value % 100)


def report_deadlines(org_type: str, report_year: int) -> tuple[datetime.date | None, datetime.date]:
    """(to the sponsor, to the registration authority) for the report on ``report_year``."""
    filing_year = report_year + 1
    if org_type == OrgType.FOUNDATION:
        return None, _mmdd(filing_year, "foundation_deadline_mmdd")
    return _mmdd(filing_year, "sponsor_deadline_mmdd"), _mmdd(filing_year, "authority_deadline_mmdd")


def on_or_after_working_day(date: datetime.date) -> datetime.date:
    memo = _workday_memo.get()
    if memo is None:
        return add_working_days(date, 0)
    if date not in memo:
        memo[date] = add_working_days(date, 0)
    return memo[date]


def compute_dates(listing) -> None:
    """Set the listing's escalation, automatic-exit, earliest-exit and exit-due dates from its clock."""
    start = listing.clock_from
    listing.escalates_on = listing.auto_exit_on = listing.earliest_exit_on = None
    if listing.list_type == ListType.ABNORMAL:
        listing.escalates_on = on_or_after_working_day(add_months(start, rule("abnormal_escalation_months")))
        if not listing.rectifiable:
            listing.auto_exit_on = on_or_after_working_day(add_months(start, rule("abnormal_auto_exit_months")))
    else:
        listing.earliest_exit_on = on_or_after_working_day(add_months(start, rule("serious_clean_months")))
    listing.exit_due_by = (add_working_days(listing.rectified_on, rule("exit_working_days"))
                           if listing.rectified_on else None)


def exit_roadmap(listing, today: datetime.date) -> list[str]:
    """Exactly what the organisation must do to leave this list, in its order."""
    d = {"date": None}
    if listing.status != ListingStatus.LISTED:
        return []
    if listing.list_type == ListType.SERIOUS:
        d["date"] = listing.earliest_exit_on
        steps = [_("Avoid any new listing ground until %(date)s: a new event restarts the two years.") % d,
                 _("From %(date)s, apply in writing to the registration authority to leave the list.") % d]
        if listing.reason == "revoked":
            steps.insert(0, _("Complete deregistration after the revocation."))
        return steps
    if not listing.rectifiable:
        d["date"] = listing.auto_exit_on
        return [_("Nothing to rectify: the organisation leaves the list automatically on %(date)s, "
                  "unless a new event restarts the clock.") % d]
    if listing.rectified_on:
        d["date"] = listing.exit_due_by
        return [_("Rectification verified: the authority must remove the listing by %(date)s.") % d]
    remedy = REMEDY.get(listing.reason, REMEDY["other_abnormal"])
    d.update(remedy=remedy, days=rule("exit_working_days"), escalates=listing.escalates_on)
    return [_("First %(remedy)s.") % d,
            _("Then apply to the registration authority: once it has verified the rectification, the "
              "listing is removed within %(days)s working days.") % d,
            _("Otherwise the organisation moves to the serious list on %(escalates)s.") % d]
