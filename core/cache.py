"""Django's Redis cache, keeping one client per connection pool, and degrading to a miss when
Redis is unreachable.

``django.core.cache.backends.redis.RedisCacheClient`` builds a new ``redis.Redis`` object for
every cache operation; its constructor registers some 170 response callbacks, ~0.25 ms of CPU a
call, more than the round trip to Redis itself. Every signed-in request reads the shared access
version from the cache, and a dashboard its cached fragments, so the client is kept instead. The
connection pools are Django's own (redis-py's pools reset themselves in a forked child), and a
``redis.Redis`` client is safe to share between threads.

When Redis is down (refuses connections) or frozen (accepts them and never answers), no page
may fail or hang on it: every operation gives up after the short socket timeouts of the
settings (``CACHE_SOCKET_TIMEOUT``), answers as a miss (a read returns the default, a write is
dropped), and the cache is then skipped for ``retry_seconds`` (``CACHE_RETRY_SECONDS``) so a worker
pays one timeout per interval rather than one per operation. Callers fall back to the database:
no shared version means nothing is kept per process (``core.scope``), a missing fragment is
rebuilt, and DRF's throttles fail open (the sign-in lockout of django-axes counts failures in
the database and still applies). Failures are logged at most once a minute per process.
``ping()`` raises instead, for ``/healthz``.
"""

import functools
import logging
import re
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

log = logging.getLogger(__name__)
LOG_INTERVAL = 60.0


class _KeptClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_kept_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


def _unavailable_errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.ReadOnlyError,
            OSError)


def _degrading(default):
    """Run the operation unless the cache is known to be down; on a connection failure or a timeout
    mark it down, log (rate-limited) and return ``default(args, kwargs)``."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return default(args, kwargs)
            try:
                return method(self, *args, **kwargs)
            except self._unavailable as exc:
                self._failed(exc)
                return default(args, kwargs)

        return call

    return wrap


def _miss(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _nothing(args, kwargs):
    return None


def _false(args, kwargs):
    return False


def _no_values(args, kwargs):
    return {}


def _failed_keys(args, kwargs):
    data = args[0] if args else kwargs.get("data", {})
    return list(data)


def _not_found(args, kwargs):
    raise ValueError("the cache is unavailable")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _KeptClients
        self._unavailable = _unavailable_errors()
        self._down_until = 0.0
        self._last_logged = -LOG_INTERVAL
        self._log_lock = threading.Lock()

    def _failed(self, exc) -> None:
        self._down_until = time.monotonic() + self.retry_seconds
        with self._log_lock:
            now = time.monotonic()
            if now - self._last_logged < LOG_INTERVAL:
                return
            self._last_logged = now
        log.warning("cache unreachable (%s: %s): pages read the database; retried in %.0f s",
                    type(exc).__name__, exc, self.retry_seconds)

    @property
    def available(self) -> bool:
        """False while the cache is skipped after a failure."""
        return time.monotonic() >= self._down_until

    def ping(self) -> bool:
        """Reach Redis now, raising if it does not answer (health checks)."""
        return self._cache.get_client(write=True).ping()

    get = _degrading(_miss)(DjangoRedisCache.get)
    get_many = _degrading(_no_values)(DjangoRedisCache.get_many)
    has_key = _degrading(_false)(DjangoRedisCache.has_key)
    add = _degrading(_false)(DjangoRedisCache.add)
    set = _degrading(_nothing)(DjangoRedisCache.set)
    set_many = _degrading(_failed_keys)(DjangoRedisCache.set_many)
    touch = _degrading(_false)(DjangoRedisCache.touch)
    delete = _degrading(_false)(DjangoRedisCache.delete)
    delete_many = _degrading(_nothing)(DjangoRedisCache.delete_many)
    incr = _degrading(_not_found)(DjangoRedisCache.incr)

    def clear(self):
        """Delete this cache's keys only.

        Django's own ``clear()`` flushes the whole Redis database, and Celery's broker queue and
        results live in the same database (``REDIS_URL``): clearing the cache would drop queued
        tasks. Keys are found by the cache's key prefix (Django writes ``<prefix>:<version>:<key>``,
        so an empty prefix still matches only keys starting with ``:``), which also keeps parallel
        test workers (one prefix each) from wiping each other's kept versions.
        """
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
        return True

    clear = _degrading(_false)(clear)
