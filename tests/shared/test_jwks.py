"""The remote key source caches, refetches for unseen keys, and cannot be hammered."""

from __future__ import annotations

import httpx

from services.shared.jwks import RemoteKeySource


def counting_client(keys: list[dict[str, str]]) -> tuple[httpx.Client, list[int]]:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"keys": list(keys)})

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def test_known_keys_are_served_from_cache() -> None:
    client, calls = counting_client([{"kid": "a", "kty": "EC"}])
    source = RemoteKeySource("http://issuer/jwks", client=client)
    assert source.lookup("a") == {"kid": "a", "kty": "EC"}
    assert source.lookup("a") is not None
    assert len(calls) == 1


def test_unknown_kid_refetches_at_most_once_per_interval() -> None:
    keys = [{"kid": "a", "kty": "EC"}]
    client, calls = counting_client(keys)
    source = RemoteKeySource("http://issuer/jwks", client=client, refetch_interval=0.0)
    source.lookup("a")
    keys.append({"kid": "b", "kty": "EC"})  # the issuer rotated
    assert source.lookup("b") is not None
    assert len(calls) == 2

    slow = RemoteKeySource("http://issuer/jwks", client=client, refetch_interval=3600)
    slow.lookup("a")
    before = len(calls)
    for _ in range(50):
        assert slow.lookup("made-up") is None
    assert len(calls) == before


def test_issuer_down_keeps_the_keys_it_had() -> None:
    state = {"up": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if not state["up"]:
            raise httpx.ConnectError("down")
        return httpx.Response(200, json={"keys": [{"kid": "a"}]})

    source = RemoteKeySource(
        "http://issuer/jwks", client=httpx.Client(transport=httpx.MockTransport(handler)),
        cache_seconds=0.0, refetch_interval=0.0,
    )
    assert source.lookup("a") is not None
    state["up"] = False
    assert source.lookup("a") is not None
