"""zh_Hans for child_care's step pages on the kit, the access log in words, the rescue-station role and the
reveal check (session child3)."""

T = {
    "Decide the roster comparison": "处理学籍比对结果",
    "Decide": "处理",
    "Record a follow-up": "记录跟踪回访",
    "Withdraw the consent": "撤回同意",
    "the person's record": "人员详情",
    "the registry list": "台账名单",
    "my due visits": "我的待走访",
    "the visit form": "走访记录表",
    "status proposals": "状态变更提请",
    "the roster comparison": "学籍比对结果",
    "rescue follow-up cases": "救助跟踪回访名单",
    "a rescue follow-up case": "救助跟踪回访个案",
    "consents": "同意书",
    "the consent form": "同意书登记表",
    "records": "记录",
    "export %(format)s": "导出 %(format)s",
    "API": "接口",
    "page": "页面",
}
