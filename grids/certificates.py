"""An issued community certificate as a PDF: Chinese text in Noto Sans CJK SC, its number, the
template's text, issuer and date, and a placeholder where the community's seal is pressed."""

from django.template.loader import render_to_string


def render_pdf(cert, *, uncompressed: bool = False) -> bytes:
    from weasyprint import HTML

    html = render_to_string("grids/certificate_pdf.html", {"cert": cert, "seal": getattr(cert, "seal_use", None)})
    return HTML(string=html).write_pdf(uncompressed_pdf=uncompressed)
