"""zh_Hans translations of the import safety strings (helper `imports`)."""

T = {
    "The file is %(size)s MB; at most %(max)s MB can be imported. Split it into smaller files.":
        "文件大小为 %(size)s MB，单个导入文件最多 %(max)s MB，请拆分为较小的文件后再导入。",
    "The file has more than %(n)s rows; split it into smaller files.":
        "文件超过 %(n)s 行，请拆分为较小的文件后再导入。",
    "The import took longer than %(s)s seconds and was stopped; split the file.":
        "导入用时超过 %(s)s 秒，已停止，请拆分文件后再导入。",
    "The XLSX file unpacks to more than %(max)s MB or is compressed suspiciously well (a “zip bomb”); it was refused.":
        "该 XLSX 文件解压后超过 %(max)s MB，或压缩比异常（疑似“压缩炸弹”），已拒绝导入。",
    "Waiting to be queued": "等待排队",
    "The task queue could not be reached. The import is kept and will be queued again automatically within a few minutes; nothing needs to be uploaded again.":
        "暂时无法连接任务队列。本次导入已保存，几分钟内会自动重新排队，无需重新上传。",
    "At most %(mb)s MB and %(rows)s rows per file; the uploaded file is deleted once it has been imported.":
        "每个文件最多 %(mb)s MB、%(rows)s 行；导入完成后上传的文件即被删除。",
    "queued": "排队时间",
    "queueing error": "排队错误",
    "claimed": "领取时间",
    "last heartbeat": "最近心跳",
    # Found in main's catalogue run (core/api/authentication.py), untranslated there:
    "Invalid token.": "令牌无效。",
    "User inactive or deleted.": "用户已停用或已删除。",
}
