"""The worker driver: chunks of entry lines checked in this process or fanned out to
worker processes (a bounded number in flight), their results handed back in order."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.verify.entries import (
    ChunkResult,
    KeySpec,
    SourceKeys,
    check_chunk,
    load_source_keys,
)
from services.audit.verify.reading import Chunk

_worker_keys: dict[str, tuple[str, ed25519.Ed25519PublicKey]] = {}


def init_worker(spec: KeySpec) -> None:
    """Pool initializer: load the bundle's source keys once per worker."""
    _worker_keys.clear()
    _worker_keys.update(load_source_keys(spec))


def worker_check_chunk(lines: list[bytes], signatures: bool) -> ChunkResult:
    """:func:`~services.audit.verify.entries.check_chunk` in a worker process."""
    return check_chunk(lines, _worker_keys, signatures=signatures)


class InlineChecker:
    """Checks each chunk in this process as it is read."""

    def __init__(self, chunks: Iterator[Chunk], keys: SourceKeys, *, signatures: bool) -> None:
        self.chunks = chunks
        self.keys = keys
        self.signatures = signatures

    def __enter__(self) -> InlineChecker:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def results(self) -> Iterator[tuple[Chunk, ChunkResult]]:
        """Each chunk with its result, in order."""
        for chunk in self.chunks:
            yield chunk, check_chunk(chunk.lines, self.keys, signatures=self.signatures)

    def more(self) -> Iterator[bytes]:
        """The entry lines read after the chunk last handed out (to look ahead)."""
        for chunk in self.chunks:
            yield from chunk.lines


class PoolChecker:
    """Checks chunks in worker processes, up to two per worker in flight; use it as a
    context manager (the pool is shut down when the block ends)."""

    def __init__(self, chunks: Iterator[Chunk], spec: KeySpec, *, signatures: bool,
                 workers: int) -> None:
        self.chunks = chunks
        self.signatures = signatures
        self.workers = workers
        self.pending: deque[tuple[Chunk, Future[ChunkResult]]] = deque()
        # fork is quick and needs no import guard in the caller's script, but is unsafe
        # when other threads may hold locks: then spawn.
        method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=init_worker,
            initargs=(spec,),
        )

    def __enter__(self) -> PoolChecker:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def results(self) -> Iterator[tuple[Chunk, ChunkResult]]:
        """Each chunk with its result, in order."""
        pending = self.pending
        for chunk in self.chunks:
            future: Future[ChunkResult]
            if chunk.lines:
                future = self.pool.submit(worker_check_chunk, chunk.lines, self.signatures)
            else:
                future = Future()
                future.set_result(ChunkResult([], None))
            pending.append((chunk, future))
            while len(pending) > 2 * self.workers:
                done, result = pending.popleft()
                yield done, result.result()
        while pending:
            done, result = pending.popleft()
            yield done, result.result()

    def more(self) -> Iterator[bytes]:
        """The entry lines read after the chunk last handed out (to look ahead)."""
        for chunk, _ in list(self.pending):
            yield from chunk.lines
        for chunk in self.chunks:
            yield from chunk.lines
