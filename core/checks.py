"""System checks for deployment settings the portal depends on."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    out = []
    if settings.PORTAL_DATA_KEY == settings.PORTAL_INDEX_KEY:
        out.append(Warning("PORTAL_DATA_KEY and PORTAL_INDEX_KEY are the same.",
                           hint="Use two independent random keys.", id="portal.W001"))
    if settings.PORTAL_DATA_KEY.startswith("dev-only-"):
        out.append(Warning("Personal data is encrypted with a development key.",
                           hint="Set PORTAL_DATA_KEY and PORTAL_INDEX_KEY (README 'Configuration').",
                           id="portal.W002"))
    return out
