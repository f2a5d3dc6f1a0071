"""zh_Hans for core.imports and the volunteers' import pages (issue 12's staged import, issue 16)."""

T = {
    "this column is required": "此列必填",
    "not a valid value": "不是有效的值",
    "Only a finished import of service hours can be approved.": "只有已完成的服务时长导入才能审核。",
    "Hours you imported are approved by another manager of the team.": "您导入的时长须由队伍的另一位负责人审核。",
    "No record of this import is awaiting approval.": "此次导入没有待审核的记录。",
    "%(n)s records approved.": "已审核通过 %(n)s 条记录。",
    "%(n)s record of this import awaits approval.": ["此次导入有 %(n)s 条记录待审核。"],
    "Approve all pending records of this import": "一键审核通过此次导入的全部待审核记录",
    "A manager of the team other than the person who imported the file approves them.":
        "由导入人以外的队伍负责人审核。",
    "Templates with the national system's headers:": "导入模板（全国志愿服务信息系统表头）：",
    "At most %(mb)s MB and %(rows)s rows per file; the uploaded file is kept encrypted and deleted once it "
    "has been imported.": "每个文件最多 %(mb)s MB、%(rows)s 行；上传的文件加密保存，导入完成后即删除。",
    "import": "导入",
    "Volunteers": "志愿者",
    "Service hours": "服务时长",
}
