"""Redis is a cache, never a single point of failure (DESIGN.md §4): with Redis stopped or
paused, every cache read is a miss and every write is skipped, quickly (short socket timeouts),
so the pages compute from PostgreSQL instead of answering 500. After a failure the process
leaves Redis alone for a few seconds, so a paused Redis costs one timeout, not one per call."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Seconds a process leaves Redis alone after a failed call.
PAUSE_AFTER_FAILURE = 5.0
_unavailable_until = 0.0


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis cache client, but its redis-py client made once per connection pool
    instead of at every cache call: making one builds redis-py's table of some 170 reply
    handlers, about a third of a millisecond of CPU per call (two calls on Mit overblik of the
    social-work side). A redis-py client is safe to share: it takes a connection from the pool
    for each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient

    def _fail_soft(self, operation, fallback, *args, **kwargs):
        global _unavailable_until
        if time.monotonic() < _unavailable_until:
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            _unavailable_until = time.monotonic() + PAUSE_AFTER_FAILURE
            log.warning("Redis cache unavailable (%s): %s", operation, type(error).__name__)
            return fallback

    def get(self, key, default=None, version=None):
        return self._fail_soft("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._fail_soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._fail_soft("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_soft("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_soft("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_soft("add", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._fail_soft("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._fail_soft("delete_many", None, keys, version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        # Computed, not stored, while Redis is away (the base class would call get and add).
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.add(key, value, timeout, version)
        return value

    def incr(self, key, delta=1, version=None):
        # No fallback value would be honest for a counter: callers must not rely on it.
        return super().incr(key, delta, version)

    def clear(self):
        return self._fail_soft("clear", False)
