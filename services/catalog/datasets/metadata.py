"""A revision's metadata between its table row, its API form, its hash and its search text.

``metadata_sha256`` is the SHA-256 of the RFC 8785 canonical JSON of::

    {"dataset_id", "publisher": {"id", "name"}, "title", "description", "keywords",
     "themes", "open_type", "grade", "update_frequency", "licence", "contact_point",
     "temporal", "spatial", "schema"}

with every value as the API shows it (dates as ``YYYY-MM-DD``), so anyone holding a
revision from ``GET /v1/datasets/{id}/revisions/{n}`` can recompute the hash that the
ledger events carry. The revision number is not part of it: two revisions with the
same content have the same hash.
"""

from __future__ import annotations

from typing import Any

from services.catalog.datasets.schemas import (
    Column,
    ContactPoint,
    Description,
    Publisher,
    RevisionMetadata,
    Spatial,
    Temporal,
    Title,
)
from services.catalog.datasets.tables import DatasetRevision, RevisionTheme
from services.catalog.search.text import SearchDocument, search_document
from services.shared.canonical import canonical_sha256


def metadata_of(row: DatasetRevision) -> RevisionMetadata:
    """The metadata a revision row holds."""
    temporal = None
    if row.temporal_start is not None or row.temporal_end is not None:
        temporal = Temporal(start=row.temporal_start, end=row.temporal_end)
    spatial = None
    if row.spatial_code is not None and row.spatial_name is not None:
        spatial = Spatial(code=row.spatial_code, name=row.spatial_name)
    return RevisionMetadata(
        title=Title(zh=row.title_zh, en=row.title_en),
        description=Description(zh=row.description_zh, en=row.description_en),
        keywords=list(row.keywords),
        themes=row.themes,
        open_type=row.open_type,
        grade=row.grade,
        update_frequency=row.update_frequency,
        licence=row.licence,
        contact_point=(ContactPoint.model_validate(row.contact_point)
                       if row.contact_point else None),
        temporal=temporal,
        spatial=spatial,
        columns=[Column.model_validate(c) for c in row.columns],
    )


def write_metadata(row: DatasetRevision, metadata: RevisionMetadata) -> None:
    """Store ``metadata`` in a revision row (its themes included)."""
    row.title_zh = metadata.title.zh
    row.title_en = metadata.title.en
    row.description_zh = metadata.description.zh
    row.description_en = metadata.description.en
    row.keywords = list(metadata.keywords)
    row.open_type = metadata.open_type.value
    row.grade = metadata.grade.value
    row.update_frequency = metadata.update_frequency.value
    row.licence = metadata.licence
    row.contact_point = (
        metadata.contact_point.model_dump(mode="json") if metadata.contact_point else None
    )
    row.temporal_start = metadata.temporal.start if metadata.temporal else None
    row.temporal_end = metadata.temporal.end if metadata.temporal else None
    row.spatial_code = metadata.spatial.code if metadata.spatial else None
    row.spatial_name = metadata.spatial.name if metadata.spatial else None
    row.columns = [c.model_dump(mode="json") for c in metadata.columns]
    if row.themes != metadata.themes:
        row.theme_rows = [
            RevisionTheme(theme_code=code, position=i) for i, code in enumerate(metadata.themes)
        ]


def canonical_metadata(
    dataset_id: str, publisher: Publisher, metadata: RevisionMetadata
) -> dict[str, Any]:
    """The JSON object ``metadata_sha256`` is the hash of."""
    body: dict[str, Any] = metadata.model_dump(mode="json", by_alias=True)
    return {"dataset_id": dataset_id, "publisher": publisher.model_dump(mode="json"), **body}


def metadata_sha256(dataset_id: str, publisher: Publisher, metadata: RevisionMetadata) -> str:
    """Hex SHA-256 of the canonical metadata of a revision."""
    return canonical_sha256(canonical_metadata(dataset_id, publisher, metadata))


def search_text(metadata: RevisionMetadata) -> SearchDocument:
    """What search matches and ranks a revision by."""
    return search_document(
        titles=(metadata.title.zh, metadata.title.en),
        keywords=metadata.keywords,
        descriptions=(metadata.description.zh, metadata.description.en),
    )
