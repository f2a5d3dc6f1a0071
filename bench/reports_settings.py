"""Settings of the reports benchmark's web server: the portal's, as production would serve pages.

DEBUG stays on (no HTTPS, no collected static files needed), but WhiteNoise must not rescan every
static file on each request as it does under DEBUG: production never does, and it would dominate
the dashboard's latency.
"""

from portal.settings import *  # noqa: F403

WHITENOISE_AUTOREFRESH = False
