"""zh_Hans translations of the strings added by the scope work (scoped serializers, area filter)."""

T = {
    "Within area (code, code prefix or name)": "所属区域（代码、代码前缀或名称）",
    # Missing from this branch's base catalogue (main has them): kept so the catalogue test holds here.
    "Invalid token.": "令牌无效。",
    "User inactive or deleted.": "用户已停用或已删除。",
}
