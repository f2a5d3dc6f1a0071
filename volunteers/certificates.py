"""The service-hour certificate (志愿服务记录证明) as a PDF: Chinese text in Noto Sans CJK SC, a
certificate number, the issuing team, and a QR code to the public verification page."""

import segno
from django.template.loader import render_to_string
from django.utils import timezone


def mask_name(name: str) -> str:
    """张* / 张*明: enough to recognise a certificate, not enough to identify a stranger."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def render_pdf(cert, verify_url: str, *, uncompressed: bool = False) -> bytes:
    from weasyprint import HTML

    managers = cert.team.memberships.filter(role="manager", user__isnull=False).select_related("user")
    html = render_to_string("volunteers/certificate_pdf.html", {
        "cert": cert, "volunteer": cert.volunteer, "team": cert.team, "verify_url": verify_url,
        "qr": qr_data_uri(verify_url), "managers": managers, "printed": timezone.localdate(),
        "records": cert.volunteer.hour_records.filter(team=cert.team, status="approved", hours__gt=0,
                                                      reversal__isnull=True).order_by("service_date")[:40],
    })
    return HTML(string=html).write_pdf(uncompressed_pdf=uncompressed)
