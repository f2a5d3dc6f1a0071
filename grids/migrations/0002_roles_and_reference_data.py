"""Roles get the grids app's permissions; the checklist, the incident categories and the pay rules of
三岗十八级 are reference data, dated where the rule is."""

import datetime
from decimal import Decimal

from django.db import migrations

from core.roles import assign_permissions

# The roles map as it was when this migration was written (grids/roles.py may grow later).
MODELS = ["gridprofile", "communityworker", "gradechange", "assessment", "postquota", "pilot", "gridassignment",
          "patrolplan", "patrolvisit", "handlingunit", "routingrule", "incident", "incidentevent"]
REFERENCE = ["payrule", "checklistitem", "incidentcategory"]


def perms(actions, models=MODELS):
    return [f"grids.{a}_{m}" for m in models for a in actions.split()]


ROLE_PERMS = {
    "city_admin": perms("view add change delete") + perms("view add change", REFERENCE),
    "county_officer": perms("view add change") + perms("view", REFERENCE),
    "township_officer": perms("view add change") + perms("view", REFERENCE),
    "community_worker": perms("view add change", ["gridprofile", "gridassignment", "patrolplan", "patrolvisit",
                                                  "incident", "incidentevent", "assessment"])
    + perms("view", ["communityworker", "gradechange", "postquota", "pilot", "handlingunit", "routingrule"])
    + perms("view", REFERENCE),
    "grid_worker": perms("view", ["gridprofile", "patrolplan", "handlingunit", "incidentevent"])
    + perms("view add", ["patrolvisit"]) + perms("view add change", ["incident"]) + perms("view", REFERENCE),
    "auditor": perms("view") + perms("view", REFERENCE),
}

# 六巡查四服务 has no public definition: a configurable checklist, these items to start with.
CHECKLIST = [
    ("safety", "安全隐患巡查", 1), ("dispute", "矛盾纠纷巡查", 2), ("special_groups", "特殊人群巡查", 3),
    ("environment", "环境卫生巡查", 4), ("rental", "出租房屋巡查", 5), ("fire", "消防安全巡查", 6),
    ("policy", "政策宣传服务", 7), ("elderly", "困难群众帮扶服务", 8), ("errand", "代办服务", 9),
    ("opinion", "民意收集服务", 10),
]
# main code, main name, [(sub code, sub name, working days)]
CATEGORIES = [
    ("environment", "市容环境", [("garbage", "垃圾堆放", 3), ("littering", "乱贴乱画", 5),
                                 ("green", "绿化损坏", 10)]),
    ("safety", "安全隐患", [("fire_exit", "消防通道堵塞", 2), ("building", "房屋安全", 5),
                            ("gas", "燃气隐患", 1)]),
    ("facilities", "公共设施", [("road", "道路破损", 10), ("lighting", "路灯损坏", 5),
                                ("drain", "下水道堵塞", 3)]),
    ("order", "社会秩序", [("noise", "噪声扰民", 3), ("parking", "违规停车", 3)]),
    ("livelihood", "民生服务", [("elderly_help", "困难群众求助", 5), ("policy_ask", "政策咨询", 3)]),
    ("dispute", "矛盾纠纷", [("neighbour", "邻里纠纷", 10), ("property", "物业纠纷", 10)]),
]
PAY_SOURCE = ("蚌埠市社区工作者职业体系：三岗十八级，薪酬不低于事业单位管理岗8、9、10级（2020）；"
              "月薪下限为示例值，按本市当年核定数维护")
# post, lowest grade, highest grade, floor reference, monthly floor
PAY_RULES = [
    ("head", 7, 18, "事业单位管理岗8级", Decimal("4200.00")),
    ("deputy", 4, 15, "事业单位管理岗9级", Decimal("3900.00")),
    ("other", 1, 12, "事业单位管理岗10级", Decimal("3600.00")),
]


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)
    ChecklistItem = apps.get_model("grids", "ChecklistItem")
    for code, label, order in CHECKLIST:
        ChecklistItem.objects.update_or_create(code=code, defaults={"label": label, "order": order})
    Category = apps.get_model("grids", "IncidentCategory")
    for code, name, subs in CATEGORIES:
        main, _ = Category.objects.update_or_create(code=code, defaults={"name": name, "parent": None})
        for sub_code, sub_name, days in subs:
            Category.objects.update_or_create(code=sub_code, defaults={"name": sub_name, "parent": main,
                                                                      "time_limit_days": days})
    PayRule = apps.get_model("grids", "PayRule")
    for post, lo, hi, ref, floor in PAY_RULES:
        PayRule.objects.update_or_create(post_type=post, valid_from=datetime.date(2020, 1, 1), defaults={
            "min_grade": lo, "max_grade": hi, "floor_reference": ref, "monthly_floor": floor, "source": PAY_SOURCE})


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
