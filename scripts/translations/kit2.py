"""zh_Hans for the kit's recorded writes and pages (core/recorded.py, core/generic.py, templates/includes/kit_*)."""

T = {
    "This field cannot be set here.": "此处不能填写该字段。",
    "This field cannot be changed here.": "此处不能修改该字段。",
    "%(record)s still has records attached; it cannot be removed.": "%(record)s 仍有关联记录，不能删除。",
    "Not done:": "未办理：",
    "Save": "保存",
    "Back": "返回",
}
