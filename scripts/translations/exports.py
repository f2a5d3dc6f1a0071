"""zh_Hans for the strings of the exports/uploads work (export safety, free-text validation, attachments)."""

T = {
    "The text contains an invisible control character (U+%(code)s) at position %(pos)s; remove it and try again.":
        "文本第 %(pos)s 个字符是不可见的控制字符（U+%(code)s），请删除后重试。",
    "The file is %(size)s; files of at most %(max)s are accepted.": "文件大小为 %(size)s，只接受不超过 %(max)s 的文件。",
    "Files of this type are not accepted; use %(kinds)s.": "不接受此类型的文件，请使用 %(kinds)s。",
    "The file's content is not a %(ext)s file as its name says; use %(kinds)s.":
        "文件内容不是其名称所示的 %(ext)s 文件，请使用 %(kinds)s。",
    "%(kinds)s, at most %(max)s.": "%(kinds)s，不超过 %(max)s。",
    # core/api/authentication.py (extracted into the catalogue with the strings above)
    "Invalid token.": "认证令牌无效。",
    "User inactive or deleted.": "用户未激活或已删除。",
}
