"""System checks for deployment settings the portal depends on."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


_PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Scopes and signed-in users are kept per process under versions in the shared cache; with a
    cache of each process's own, a worker never sees another's change (a revoked grant keeps
    working in every other gunicorn worker)."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] not in _PROCESS_LOCAL_CACHES:
        return []
    return [Error("The cache is local to each process: changes to grants and users never reach the other workers.",
                  hint="Set REDIS_URL (README 'Configuration').", id="portal.E001")]
