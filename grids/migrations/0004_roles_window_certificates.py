"""Roles get the one-window, burden-reduction and certificate permissions; the reference data to start
with: a window catalogue, the two lists of community work, and the certificate types — the national
negative list of 民发〔2020〕20号 (batch 1, 20 items, each naming the department that owns the fact)
and the certificates the city lets a community issue. The owning departments and the city's own list
are configuration the city maintains (reference/grids.md §8: verify before relying on them)."""

from django.db import migrations

from core.roles import assign_permissions

COMMUNITY_DESK = ["windowrequest", "certificate", "sealuse", "communitytask"]
BURDEN = ["admissionrequest", "communitytask"]
REFERENCE = ["serviceitem", "workitem", "certificatetype"]


def perms(actions, models):
    return [f"grids.{a}_{m}" for m in models for a in actions.split()]


ROLE_PERMS = {
    "city_admin": perms("view add change", COMMUNITY_DESK + BURDEN + REFERENCE),
    "county_officer": perms("view", COMMUNITY_DESK + REFERENCE) + perms("view add change", BURDEN),
    "township_officer": perms("view", COMMUNITY_DESK + REFERENCE) + perms("view add", ["communitytask"])
    + perms("view", ["admissionrequest"]),
    "community_worker": perms("view add change", ["windowrequest", "certificate", "sealuse"])
    + perms("view change", ["communitytask"]) + perms("view", ["admissionrequest"] + REFERENCE),
    "grid_worker": perms("view", REFERENCE),
    "auditor": perms("view", COMMUNITY_DESK + BURDEN + REFERENCE),
}

NEGATIVE_BASIS = "民发〔2020〕20号 社区证明事项取消清单（第一批）"
# code, name, owning department
NEGATIVE = [
    ("kinship", "亲属关系证明", "公安机关（户籍）或公证机构"),
    ("identity", "居民身份信息证明", "公安机关"),
    ("hukou_change", "户口登记项目内容变更申请证明", "公安机关"),
    ("dog", "居民养犬证明", "公安机关（养犬登记）"),
    ("no_crime", "无犯罪记录证明", "公安机关"),
    ("drug_rehab", "社区戒毒社区康复人员情况证明", "公安机关、禁毒部门"),
    ("missing", "人员失踪证明", "公安机关、人民法院"),
    ("marital", "婚姻状况证明", "民政部门（婚姻登记机关）"),
    ("birth", "出生证明", "卫生健康部门（助产机构）"),
    ("alive", "健在证明", "人力资源社会保障部门（待遇资格认证）"),
    ("death", "死亡证明", "卫生健康部门、公安机关"),
    ("illness", "疾病状况证明", "卫生健康部门（医疗机构）"),
    ("disability", "残疾状况证明", "残疾人联合会"),
    ("marriage_birth", "婚育状况证明", "卫生健康部门"),
    ("employment", "居民就业状况证明", "人力资源社会保障部门"),
    ("personal_file", "居民个人档案证明", "档案保管单位"),
    ("property_proof", "居民财产证明", "不动产登记、金融等有关机构"),
    ("inheritance", "遗产继承权证明", "公证机构、人民法院"),
    ("premises", "市场主体住所证明", "市场监督管理部门"),
    ("lost_documents", "证件遗失证明", "证件签发机关"),
]
ALLOWED_BASIS = "本市社区出具证明事项清单（示例，按本市公布的22项维护）"
ALLOWED = [
    ("residence", "居住证明", "兹证明{name}居住在本社区。本证明用于{purpose}。"),
    ("rental", "租住证明", "兹证明{name}租住在本社区辖区内。本证明用于{purpose}。"),
    ("poor_student", "家庭经济困难学生证明", "兹证明{name}家庭经济困难情况属实。本证明用于{purpose}。"),
    ("title_origin", "房屋权属来源情况说明", "兹证明{name}所住房屋的权属来源情况如下。本证明用于{purpose}。"),
]
SERVICE_ITEMS = [
    ("elderly_allowance", "高龄津贴申请受理", "《安徽省老年人权益保障条例》", "区民政局", 10, False),
    ("dibao_consult", "最低生活保障政策咨询", "《社会救助暂行办法》", "区民政局", 0, True),
    ("dibao_apply", "最低生活保障申请受理", "《社会救助暂行办法》第十一条", "街道办事处", 20, False),
    ("residence_cert", "居住证明开具", "本市社区出具证明事项清单", "社区居委会", 0, True),
    ("disability_subsidy", "残疾人两项补贴申请受理", "国发〔2015〕52号", "区残联", 15, False),
    ("medical_insurance", "城乡居民医保参保登记", "《社会保险法》", "区医保局", 5, False),
    ("employment_reg", "就业失业登记", "《就业服务与就业管理规定》", "区人社局", 5, False),
    ("birth_service", "生育服务登记", "《安徽省人口与计划生育条例》", "区卫健委", 0, True),
]
WORK_ITEMS = [
    ("statutory", "self_governance", "组织居民依法开展自治活动", "《城市居民委员会组织法》第三条", False),
    ("statutory", "mediation", "调解民间纠纷", "《人民调解法》", False),
    ("statutory", "public_order", "协助维护社会治安", "《城市居民委员会组织法》第三条", False),
    ("statutory", "public_health", "开展公共卫生和爱国卫生工作", "《城市居民委员会组织法》第三条", False),
    ("assist", "social_assistance", "协助开展社会救助对象走访排查", "《社会救助暂行办法》", True),
    ("assist", "elderly_care", "协助开展老年人福利服务", "《老年人权益保障法》", True),
    ("assist", "census", "协助开展人口普查等统计调查", "《统计法》", True),
    ("assist", "veterans", "协助做好退役军人服务", "《退役军人保障法》", True),
]


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)
    CertificateType = apps.get_model("grids", "CertificateType")
    for code, name, dept in NEGATIVE:
        CertificateType.objects.update_or_create(code=code, defaults={
            "name": name, "allowed": False, "legal_basis": NEGATIVE_BASIS, "owner_department": dept,
            "batch": "民发〔2020〕20号 第一批", "same_day": False, "template": ""})
    for code, name, template in ALLOWED:
        CertificateType.objects.update_or_create(code=code, defaults={
            "name": name, "allowed": True, "legal_basis": ALLOWED_BASIS, "batch": "本市清单", "same_day": True,
            "template": template})
    ServiceItem = apps.get_model("grids", "ServiceItem")
    for code, name, basis, dept, days, same_day in SERVICE_ITEMS:
        ServiceItem.objects.update_or_create(code=code, defaults={
            "name": name, "legal_basis": basis, "owner_department": dept, "time_limit_days": days,
            "same_day": same_day})
    WorkItem = apps.get_model("grids", "WorkItem")
    for work_list, code, name, basis, funds in WORK_ITEMS:
        WorkItem.objects.update_or_create(code=code, defaults={
            "work_list": work_list, "name": name, "legal_basis": basis, "funds_follow": funds})


class Migration(migrations.Migration):
    dependencies = [("grids", "0003_window_burden_certificates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
