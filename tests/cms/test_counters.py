"""Counters in the shared cache (cms/counters.py), on local memory and on a real Redis."""

import time

from django.core.cache import cache

from cms.counters import increment


def test_a_counter_starts_at_its_initial_value_and_counts(on_redis):
    assert [increment("hits", initial=0, timeout=60) for _ in range(3)] == [1, 2, 3]
    assert increment("since", initial=1000, timeout=60) == 1001
    # The value is what Django's cache API reads and writes at the same key.
    assert cache.get("hits") == 3
    cache.incr("hits")
    assert increment("hits", initial=0, timeout=60) == 5


def test_only_a_new_counter_gets_the_expiry(on_redis):
    increment("window", initial=0, timeout=60)
    full_key = on_redis.make_and_validate_key("window")
    client = on_redis._cache.get_client(full_key)
    assert 55 <= client.ttl(full_key) <= 60
    client.expire(full_key, 10)
    increment("window", initial=0, timeout=60)
    assert client.ttl(full_key) <= 10  # counting does not extend the window


def test_an_expired_counter_starts_again(on_redis):
    assert increment("short", initial=0, timeout=1) == 1
    time.sleep(1.1)
    assert increment("short", initial=0, timeout=1) == 1


def test_the_same_on_local_memory():
    assert [increment("hits", initial=5, timeout=60) for _ in range(2)] == [6, 7]
    assert cache.get("hits") == 7
