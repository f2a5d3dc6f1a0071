"""zh_Hans for the grant ceiling, admin deletions and restricted indicators (helper `grants`)."""

T = {
    "Nobody may change their own roles; ask another administrator.": "任何人不得变更自己的角色，请联系其他管理员。",
    "Only a superuser may change a superuser's roles.": "只有超级用户才能变更超级用户的角色。",
    "You may not grant %(role)s at %(area)s: it reaches further than your own roles.":
        "您不能在%(area)s授予“%(role)s”角色：其权限超出您本人的角色范围。",
    "Only a city administrator may grant %(role)s.": "只有市级管理员才能授予“%(role)s”角色。",
    "You may not change the account of a user whose roles reach further than yours.":
        "您不能修改角色权限超出您本人范围的用户账号。",
    # already in the code, missing from the catalogue (DRF's own wording)
    "Invalid token.": "认证令牌无效。",
    "User inactive or deleted.": "用户未激活或已删除。",
}
