"""The catalog service's API as a typed client: datasets and the facts pinned from them.

The exchange registers assets over listed datasets and pins their hashes. It takes
what the dataset document gives: the revision's ``metadata_sha256`` always, and each
file's ``sha256`` once files are uploaded. When a dataset has no files yet the pin
covers the metadata only, and says so (``content_basis: "metadata"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.clients.connection import ServiceApi
from services.clients.problem import ApiProblem
from services.shared.canonical import canonical_sha256
from services.shared.settings import AUDIENCES


@dataclass(frozen=True)
class PinnedFile:
    """A file of a dataset as registered: its id, content hash and size."""

    id: str
    sha256: str
    rows: int | None = None
    bytes: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored and certified."""
        return {"id": self.id, "sha256": self.sha256, "rows": self.rows, "bytes": self.bytes}


@dataclass(frozen=True)
class DatasetFacts:
    """What the exchange needs to know about a catalog dataset."""

    id: str
    status: str
    publisher_org_id: str
    title: str
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    open_type: str = "conditional"
    grade: str = "general"
    revision: int | None = None
    metadata_sha256: str | None = None
    files: tuple[PinnedFile, ...] = field(default_factory=tuple)
    quality_score: int | None = None

    @property
    def rows(self) -> int | None:
        """Rows over all files, when every file says how many it has."""
        counts = [f.rows for f in self.files]
        if not counts or any(c is None for c in counts):
            return None
        return sum(c for c in counts if c is not None)

    @property
    def content_basis(self) -> str:
        """What the content hash covers: ``files`` (and metadata) or ``metadata`` only."""
        return "files" if self.files else "metadata"

    @property
    def content_sha256(self) -> str:
        """One hash over the dataset's revision, metadata hash and files' hashes."""
        return canonical_sha256({
            "dataset_id": self.id, "revision": self.revision,
            "metadata_sha256": self.metadata_sha256,
            "files": sorted([f.id, f.sha256] for f in self.files),
        })


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("zh") or value.get("en") or "")
    return str(value or "")


def _score(quality: Any) -> int | None:
    """The overall quality score (0-100) of a quality summary, given as a number or as a
    decimal string (ledger-friendly), rounded to an integer."""
    if not isinstance(quality, dict):
        return None
    for name in ("overall_score", "score", "quality_score"):
        value = quality.get(name)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                continue
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
            return int(value + 0.5)  # half up, as everywhere in the exchange
    return None


def _files(raw: Any) -> tuple[PinnedFile, ...]:
    pinned = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("sha256"), str) and item.get("id"):
            rows = item.get("rows")
            size = item.get("bytes")
            pinned.append(PinnedFile(str(item["id"]), item["sha256"],
                                     rows if isinstance(rows, int) else None,
                                     size if isinstance(size, int) else None))
    return tuple(sorted(pinned, key=lambda f: f.id))


def facts_from_document(doc: dict[str, Any]) -> DatasetFacts:
    """The facts of a ``GET /v1/datasets/{id}`` answer."""
    publisher = doc.get("publisher") or {}
    return DatasetFacts(
        id=str(doc["id"]),
        status=str(doc.get("status", "")),
        publisher_org_id=str(publisher.get("id", "")) if isinstance(publisher, dict) else "",
        title=_text(doc.get("title"))[:300],
        keywords=tuple(str(k) for k in doc.get("keywords") or []),
        themes=tuple(str(t) for t in doc.get("themes") or []),
        open_type=str(doc.get("open_type", "conditional")),
        grade=str(doc.get("grade", "general")),
        revision=doc.get("revision") if isinstance(doc.get("revision"), int) else None,
        metadata_sha256=doc.get("metadata_sha256"),
        files=_files(doc.get("files")),
        quality_score=_score(doc.get("quality")),
    )


class CatalogClient(ServiceApi):
    """Reads datasets from the catalog service."""

    SERVICE = "the catalog"
    AUDIENCE = AUDIENCES["catalog"]
    TIMEOUT = 5.0

    def dataset_document(self, dataset_id: str) -> dict[str, Any]:
        """The catalog's ``GET /v1/datasets/{id}`` document, as this client's caller may
        see it."""
        doc = self.connection.get_json(f"/v1/datasets/{dataset_id}")
        if not isinstance(doc, dict):
            raise ApiProblem.unreadable(f"the catalog's dataset {dataset_id} is not a JSON "
                                        "object")
        return doc

    def dataset(self, dataset_id: str) -> DatasetFacts | None:
        """The dataset's facts if the catalog shows it to this caller, else None;
        :class:`ApiProblem` for any other failure."""
        try:
            doc = self.dataset_document(dataset_id)
        except ApiProblem as problem:
            if problem.answered and problem.status in (404, 422):
                return None
            raise
        try:
            return facts_from_document(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiProblem.unreadable(f"the catalog's dataset {dataset_id} lacks facts: "
                                        f"{type(exc).__name__}") from exc

    def themes(self) -> list[dict[str, Any]]:
        """The theme vocabulary: ``code``, ``name_zh``, ``name_en``."""
        return list(self.connection.get_json("/v1/themes"))

    def search(self, params: dict[str, Any]) -> dict[str, Any]:
        """A page of ``GET /v1/datasets`` (``items``, ``next_cursor``) for the search
        parameters given (empty ones left out)."""
        query = {key: value for key, value in params.items() if value not in (None, "")}
        return dict(self.connection.get_json("/v1/datasets", params=query))

    def file_quality(self, dataset_id: str, file_id: str) -> dict[str, Any]:
        """A file's full quality report, column figures and PII findings."""
        return dict(self.connection.get_json(
            f"/v1/datasets/{dataset_id}/files/{file_id}/quality"))

    def file_sample(self, dataset_id: str, file_id: str) -> list[dict[str, Any]]:
        """A file's masked sample rows."""
        body = self.connection.get_json(f"/v1/datasets/{dataset_id}/files/{file_id}/sample")
        return list(body.get("rows") or [])

    @contextmanager
    def file_content(self, dataset_id: str, file_id: str) -> Iterator[httpx.Response]:
        """A file's bytes as a streamed answer (read it with ``iter_bytes``)."""
        with self.connection.stream(
                "GET", f"/v1/datasets/{dataset_id}/files/{file_id}/content") as answer:
            yield answer

    def dcat(self, dataset_id: str) -> httpx.Response:
        """The dataset's DCAT v3 JSON-LD answer."""
        return self.connection.request("GET", f"/v1/datasets/{dataset_id}/dcat.jsonld")

    def create_dataset(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new draft published by the caller's organisation (``POST /v1/datasets``)."""
        return dict(self.connection.post_json("/v1/datasets", body))

    def edit_dataset(self, dataset_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a dataset's metadata (fields sent replace theirs); the dataset after."""
        return dict(self.connection.request("PATCH", f"/v1/datasets/{dataset_id}",
                                            json=changes).json())

    def submit_dataset(self, dataset_id: str) -> dict[str, Any]:
        """Send a draft to the operator's listing review; the dataset after."""
        return dict(self.connection.post_json(f"/v1/datasets/{dataset_id}/submit", None))

    def upload_file(self, dataset_id: str, body: Iterator[bytes] | bytes, *,
                    content_type: str, content_length: str | None = None) -> dict[str, Any]:
        """Upload a multipart body (a ``file`` part, optionally ``format``) as it comes,
        without holding it: the stored file with its quality report."""
        headers = {"Content-Type": content_type}
        if content_length is not None:
            headers["Content-Length"] = content_length
        answer = self.connection.request("POST", f"/v1/datasets/{dataset_id}/files",
                                         content=body, headers=headers)
        return dict(answer.json())
    def review_dataset(self, dataset_id: str, *, approve: bool,
                       reason: str = "") -> dict[str, Any]:
        """List or reject (with a reason) a submitted dataset (operators)."""
        return dict(self.connection.post_json(f"/v1/datasets/{dataset_id}/review",
                                              {"approve": approve, "reason": reason}))

    def withdraw_file(self, dataset_id: str, file_id: str, reason: str) -> dict[str, Any]:
        """Withdraw a file uploaded by mistake (the publisher): no longer served."""
        return dict(self.connection.post_json(
            f"/v1/datasets/{dataset_id}/files/{file_id}/withdraw", {"reason": reason}))
    def override_pii(self, dataset_id: str, reason: str) -> dict[str, Any]:
        """An operator lets files with resident IDs or bank cards stay general +
        unconditional, saying why (recorded in the ledger); the dataset after."""
        return dict(self.connection.post_json(f"/v1/datasets/{dataset_id}/pii-override",
                                              {"reason": reason}))
