"""zh_Hans translations of the strings added by the infra branch (Redis outage, task queue)."""

T = {
    "Background tasks are temporarily unavailable; try again in a few minutes.": "后台任务暂时不可用，请几分钟后再试。",
    "The task queue was unavailable.": "任务队列暂时不可用，本次未计算。",
}
