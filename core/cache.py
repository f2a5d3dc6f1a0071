"""Django's Redis cache, keeping one client per connection pool.

``django.core.cache.backends.redis.RedisCacheClient`` builds a new ``redis.Redis`` object for
every cache operation; its constructor registers some 170 response callbacks, ~0.25 ms of CPU a
call, more than the round trip to Redis itself. Every signed-in request reads the shared access
version from the cache, and a dashboard its cached fragments, so the client is kept instead. The
connection pools are Django's own (redis-py's pools reset themselves in a forked child), and a
``redis.Redis`` client is safe to share between threads.
"""

import re

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_kept_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClients

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
