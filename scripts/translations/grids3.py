"""zh_Hans for grids' staged imports (roster, incidents), browser walk, bench and checks (session grids3)."""

T = {
    # imports
    "number in the source system": "来源系统编号",
    "not a date (use YYYY-MM-DD)": "不是日期（请用 YYYY-MM-DD）",
    "%(text)s is not a day of the calendar": "%(text)s 不是日历上的日期",
    "%(text)s is not a day and time of the calendar": "%(text)s 不是有效的日期时间",
    "a time that has not come yet": "时间尚未到来",
    "an area code has 12 digits (a community) or 15 digits (a grid)": "区划代码为12位（社区）或15位（网格）数字",
    "a grade from 1 to 18 (三岗十八级)": "应为1至18级（三岗十八级）",
    "not an amount of yuan": "不是以元计的金额",
    "an amount of yuan a month, more than 0": "应为每月金额（元），大于0",
    "write 是 or 否": "请填“是”或“否”",
    "%(what)s is one of: %(words)s": "%(what)s应为以下之一：%(words)s",
    "The post": "岗位类别", "The source": "事件来源", "The priority": "紧急程度",
    "no incident category is called “%(text)s”": "没有名为“%(text)s”的事件类别",
    "“%(main)s” is a main category: name one of its sub-categories (%(subs)s)":
        "“%(main)s”是事件大类，请填写其小类（%(subs)s）",
    "outside your areas": "不在您的管辖范围内",
    "no area in force has the code %(code)s": "没有现行有效的区划代码 %(code)s",
    "%(code)s is a %(level)s, not a %(wanted)s": "%(code)s 是%(level)s，不是%(wanted)s",
    "%(name)s (%(code)s) is outside your areas": "%(name)s（%(code)s）不在您的管辖范围内",
    "Community-worker roster": "社区工作者花名册",
    "Incidents": "事件",
    "Entered from the roster": "花名册导入",
    "This person is already on record as a community worker elsewhere or as having left: a person is counted "
    "once; change their file instead.": "此人已在其他社区登记为社区工作者或已离职：一人只计一次，请修改其档案。",
    "Roster import": "花名册导入",
    "at most 40 characters": "最多40个字符",
    "an incident with this number is already on record in another grid": "此编号的事件已在其他网格登记",
    # supervision checks
    "Window request %(ref)s (%(item)s) is past its target date %(due)s":
        "窗口受理事项 %(ref)s（%(item)s）已超过承诺办结日期 %(due)s",
    "Urge %(office)s and tell the resident the result.": "请督促%(office)s办理，并将结果告知居民。",
    "The admission request “%(title)s” of %(dept)s was due for a decision by %(due)s":
        "%(dept)s的准入申请“%(title)s”应于 %(due)s 前作出决定",
    "A request is decided within 15 working days of its application.": "准入申请应在申请后15个工作日内作出决定。",
}
