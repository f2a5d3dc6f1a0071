"""zh_Hans of grids' remainder of issue 13: the incident, window, task and certificate indicators, and
the API of the one window, burden reduction and certificates."""

T = {
    "Days from filing to closing an incident (mean)": "事件从受理到办结的天数（平均）",
    "Calendar days, over the incidents filed in the period and closed.": "按自然日计，统计期内受理且已办结的事件。",
    "no incident filed in %(area)s in %(period)s has been closed": "%(area)s在%(period)s受理的事件尚无办结",
    "Incidents reopened on a complaint": "因投诉重新办理的事件占比",
    "Share of the closed incidents reopened on a complaint": "已办结事件中因投诉重新办理的比例",
    "Window requests done the same day": "窗口事项当日办结率",
    "no window request received in %(area)s in %(period)s": "%(area)s在%(period)s未受理窗口事项",
    "Received at the one window in the period and done on the day they were received":
        "统计期内一窗受理、当日办结的事项",
    "Unlisted tasks refused by communities": "社区拒绝的清单外事项",
    "Tasks citing no listed item and no admitted request, refused in the period":
        "统计期内拒绝的既无清单依据又未经准入的事项",
    "Certificates issued by communities": "社区出具证明数",
    "Residence certificates issued": "出具居住证明数",
    "Tenancy certificates issued": "出具租住证明数",
    "Certificates of a student's family hardship issued": "出具家庭经济困难学生证明数",
    "Statements of a house's title origin issued": "出具房屋权属来源情况说明数",
}
