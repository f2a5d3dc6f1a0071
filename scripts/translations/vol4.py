"""zh_Hans for the volunteer's own steps on the kit and the hour record's approval time (session vol4)."""

T = {
    "approved at": "审核时间",
}
