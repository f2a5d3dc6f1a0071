"""Quorum rules with the statutory defaults, and the starting matter categories.

村民会议 (《村民委员会组织法》§21, §22): 10 days' notice; quorate with more than half of adult
villagers or at least two thirds of households; passes with more than half of those present.
村民代表会议 (§26): at least two thirds present; more than half of those present.
居民会议 (《城市居民委员会组织法》§9): more than half of adult residents or of households.
党员大会: at least two thirds present, more than half of those who should attend (local rule).
Every value is data an administrator may change per province.
"""

from django.db import migrations

RULES = [
    # body, notice, basis num/den/strict, households num/den/strict, pass basis num/den/strict, source
    ("villagers_assembly", 10, (1, 2, True), (2, 3, False), ("present", 1, 2, True), "村民委员会组织法 §21 §22"),
    ("villager_representatives", 5, (2, 3, False), None, ("present", 1, 2, True), "村民委员会组织法 §26"),
    ("residents_assembly", 10, (1, 2, True), (1, 2, True), ("present", 1, 2, True), "城市居民委员会组织法 §9"),
    ("resident_representatives", 5, (2, 3, False), None, ("present", 1, 2, True), "城市居民委员会组织法 §9"),
    ("party_members_assembly", 5, (2, 3, False), None, ("members", 1, 2, True), "四议两公开工作法（地方规定）"),
    ("party_org", 1, (1, 2, True), None, ("members", 1, 2, True), "四议两公开工作法（地方规定）"),
    ("two_committees", 1, (1, 2, True), None, ("present", 1, 2, True), "四议两公开工作法（地方规定）"),
    ("consultation_council", 1, (1, 2, True), None, ("present", 1, 2, True), "中办发〔2015〕41号 城乡社区协商"),
]

CATEGORIES = [
    # name, days to answer, major, major above amount, days to publish
    ("环境卫生", 7, False, None, 5),
    ("物业管理", 7, False, None, 5),
    ("公共设施", 10, False, 50000, 5),
    ("邻里关系", 5, False, None, 5),
    ("公益事业建设", 15, True, None, 0),
    ("集体资产处置", 15, True, None, 0),
    ("村规民约", 15, True, None, 0),
]


def forwards(apps, schema_editor):
    QuorumRule = apps.get_model("governance", "QuorumRule")
    Category = apps.get_model("governance", "Category")
    for body, notice, att, hh, passing, source in RULES:
        QuorumRule.objects.update_or_create(body_kind=body, province="", defaults={
            "notice_days": notice, "attendance_basis": "members",
            "attendance_num": att[0], "attendance_den": att[1], "attendance_strict": att[2],
            "household_num": hh[0] if hh else None, "household_den": hh[1] if hh else None,
            "household_strict": hh[2] if hh else False,
            "pass_basis": passing[0], "pass_num": passing[1], "pass_den": passing[2], "pass_strict": passing[3],
            "source": source,
        })
    for name, days, major, amount, publish in CATEGORIES:
        Category.objects.update_or_create(name=name, defaults={
            "response_days": days, "is_major": major, "major_amount": amount, "publication_days": publish})


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
