"""zh_Hans translations of the strings added by the `tokens` branch (API tokens, sessions, lockout)."""

T = {
    "Invalid token.": "令牌无效。",
    "User inactive or deleted.": "用户已停用或已删除。",
    "The token has expired; request a new one.": "令牌已过期，请重新申请。",
    "This token was issued without a one-time code; request a new one with your code.":
        "此令牌签发时未验证动态口令，请携带动态口令重新申请。",
    "token": "令牌",
    "issued with a second factor": "签发时已验证第二因素",
    "issued API token": "已签发的接口令牌",
    "issued API tokens": "已签发的接口令牌",
    "Change password": "修改密码",
    "Your password has been changed.": "您的密码已修改。",
    "Your API token, if you have one, stops working: request a new one with the new password.":
        "如您持有接口令牌，它将随之失效：请用新密码重新申请。",
}
