T = {
    "Certificate number, or the link of its QR code": "证书编号，或证书二维码的链接",
    "Too many certificate checks from your network in the last minute.": "您所在网络在过去一分钟内的证书查询过于频繁。",
    "Please try again in %(seconds)s second.": ["请 %(seconds)s 秒后再试。"],
    "A dispute is resolved on or after the day it was received.": "纠纷的化解日期不能早于受理日期。",
    "A dispute is registered to a community or village.": "矛盾纠纷须登记到社区或村。",
}
