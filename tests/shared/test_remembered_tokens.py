"""A token verified before is recognised without I/O (on the event loop) exactly when the
thread path would accept it from its cache; otherwise the caller is told to use that."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from services.shared.auth import TokenVerifier
from services.shared.jwks import LocalKeySource, RemoteKeySource
from services.shared.keyring import KeyRing, generate_key
from services.shared.tokens import issue_token


def test_peek_answers_only_from_a_fresh_cache() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"keys": [{"kid": "a", "kty": "EC"}]})

    source = RemoteKeySource("http://issuer/jwks", refetch_interval=3600,
                             client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert source.peek("a") == (False, None)  # never fetched: lookup would fetch
    assert source.lookup("a") is not None
    assert source.peek("a") == (True, {"kid": "a", "kty": "EC"})
    assert source.peek("made-up") == (True, None)  # lookup would not refetch yet
    assert len(calls) == 1
    stale = RemoteKeySource("http://issuer/jwks", cache_seconds=0.0,
                            client=httpx.Client(transport=httpx.MockTransport(handler)))
    stale.lookup("a")
    assert stale.peek("a") == (False, None)

    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with source._lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    assert source.peek("a") == (False, None)  # a fetch in progress: do not wait for it
    release.set()
    holder.join()


def verifier_for(peek_known: bool = True) -> tuple[TokenVerifier, str, dict[str, Any]]:
    key = generate_key("ES256")
    published: dict[str, Any] = {key.kid: key.jwk()}
    verifier = TokenVerifier(
        keys=published.get, issuer="iss", audience="aud",
        peek=lambda kid: (peek_known, published.get(kid) if peek_known else None),
    )
    token, _ = issue_token(key, issuer="iss", subject="catalog", audience="aud",
                           ttl=timedelta(minutes=5),
                           claims={"kind": "service", "roles": ["service"]})
    return verifier, token, published


def test_a_token_is_remembered_only_after_it_verified() -> None:
    verifier, token, published = verifier_for()
    assert verifier.remembered(token) is None
    principal = verifier.principal(token)
    assert verifier.remembered(token) == principal
    assert verifier.remembered(token + "x") is None
    published.clear()  # the key was withdrawn: the thread path must decide
    assert verifier.remembered(token) is None


def test_without_peek_or_a_certain_answer_nothing_is_remembered() -> None:
    verifier, token, _ = verifier_for(peek_known=False)
    verifier.principal(token)
    assert verifier.remembered(token) is None
    plain = TokenVerifier(keys=verifier.keys, issuer="iss", audience="aud")
    plain.principal(token)
    assert plain.remembered(token) is None


def test_an_expired_remembered_token_is_not_recognised() -> None:
    verifier, token, _ = verifier_for()
    verifier.principal(token)
    verifier._verified[token] = {**verifier._verified[token], "exp": 0}
    assert verifier.remembered(token) is None


def test_the_issuers_own_key_source_peeks_only_at_a_fresh_cache(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "tokens", "ES256")
    kid = ring.ensure().kid
    source = LocalKeySource(ring, grace=timedelta(hours=1), cache_seconds=60)
    assert source.peek(kid) == (False, None)  # nothing read yet
    key = source.lookup(kid)
    assert key is not None and source.peek(kid) == (True, key)
    assert source.peek("made-up") == (False, None)  # lookup would read the ring again
    rotated = ring.rotate().kid
    assert source.peek(rotated) == (False, None)
    assert source.lookup(rotated) is not None
    stale = LocalKeySource(ring, grace=timedelta(hours=1), cache_seconds=0.0)
    stale.lookup(kid)
    assert stale.peek(kid) == (False, None)
