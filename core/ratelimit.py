"""A per-address, per-minute request budget kept in the cache, for public pages that answer guesses.

The client address is django-axes' own (``axes.helpers.get_client_ip_address``, which follows
``AXES_CLIENT_IP_CALLABLE``, i.e. ``core.middleware.client_address`` and its proxy count), so the
sign-in lockout and these budgets count the same visitor. If the cache cannot be reached
the budget is not applied (fail open) and a warning is logged: a public check page going down
with Redis would be worse than a minute of unlimited guessing.
"""

import logging
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache

logger = logging.getLogger(__name__)


def spend(request, bucket: str, per_minute: int) -> int:
    """Count one request of this client address against ``bucket``; return the seconds until the
    budget refills if the address is over ``per_minute`` this minute, else 0."""
    now = time.time()
    window = int(now // 60)
    address = get_client_ip_address(request) or "unknown"
    key = f"ratelimit:{bucket}:{address}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    except Exception:  # the cache is down: fail open, but say so
        logger.warning("rate limit %r not applied: the cache is unavailable", bucket, exc_info=True)
        return 0
    if count <= per_minute:
        return 0
    return max(1, 60 * (window + 1) - int(now))
