"""Chinese for the rescue-station role and the stations (issue 15, child4)."""

T = {
    "Rescue-station staff": "救助管理站工作人员",
    "rescue station": "救助站",
    "rescue stations": "救助管理站",
    "handed over by station": "移交救助管理站",
    "A rescue station belongs to the city or a district/county.": "救助管理站应隶属市或县（区）。",
    "You are not on the staff of this rescue station.": "您不是该救助管理站的工作人员。",
    "No child with this ID number in the registry; ask the home village's child director to enter the child "
    "first.": "登记库中没有该身份证号的儿童；请先联系其户籍所在村（居）的儿童主任登记。",
    "address": "地址",
    "name": "名称",
    "Reveal of %(field)s of %(who)s to %(user)s expires on %(day)s":
        "%(who)s的%(field)s向%(user)s显示的授权将于%(day)s到期",
    "Reveal of %(field)s of %(who)s to %(user)s lapsed on %(day)s without renewal":
        "%(who)s的%(field)s向%(user)s显示的授权已于%(day)s到期，未续期",
}
