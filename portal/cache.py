"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per call.

Django's RedisCacheClient.get_client() builds a new redis.Redis for every cache call; its constructor fills a table
of some 160 response callbacks each time, which was the largest single cost of answering a page from the page cache
(portal/page_cache.py), more than the round trip itself. A redis.Redis is safe to share between threads (each
command takes a connection from the pool), so one per pool is kept.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
