"""DCAT v3 (W3C Recommendation, 2024) nodes of the catalog and its datasets, as JSON-LD.

Pure functions from the API's own models to JSON-LD objects with an inline
``@context`` (no remote context, so any JSON-LD processor parses it offline). IRIs:

* dataset ``{catalog_url}/v1/datasets/{id}``; catalog ``{catalog_url}/v1/dcat/catalog``;
* theme ``{catalog_url}/v1/themes/{code}`` in the scheme ``{catalog_url}/v1/themes``;
* publisher ``{exchange_url}/v1/organizations/{org_id}``;
* frequencies and access rights from the EU Publications Office authority tables,
  licences by their canonical URLs (see ``datasets.vocabulary``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from services.catalog.datasets.schemas import DatasetOut
from services.catalog.datasets.vocabulary import (
    ACCESS_RIGHTS_IRIS,
    FREQUENCY_IRIS,
    licence_iri,
)

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "spdx": "http://spdx.org/rdf/terms#",
}

MEDIA_TYPE = "application/ld+json"


def _text(value: str, language: str) -> dict[str, str]:
    return {"@value": value, "@language": language}


def _bilingual(zh: str, en: str) -> list[dict[str, str]]:
    texts = [_text(zh, "zh")]
    if en:
        texts.append(_text(en, "en"))
    return texts


def _datetime(moment: datetime) -> dict[str, str]:
    return {"@value": moment.isoformat().replace("+00:00", "Z"), "@type": "xsd:dateTime"}


def dataset_iri(catalog_url: str, dataset_id: str) -> str:
    """The IRI that names a dataset."""
    return f"{catalog_url}/v1/datasets/{dataset_id}"


def theme_iri(catalog_url: str, code: str) -> str:
    """The IRI of a theme of the catalog's vocabulary."""
    return f"{catalog_url}/v1/themes/{code}"


def dataset_node(dataset: DatasetOut, *, catalog_url: str, exchange_url: str) -> dict[str, Any]:
    """A ``dcat:Dataset`` describing one dataset (without ``@context``)."""
    iri = dataset_iri(catalog_url, dataset.id)
    node: dict[str, Any] = {
        "@id": iri,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _bilingual(dataset.title.zh, dataset.title.en),
        "dct:description": _bilingual(dataset.description.zh, dataset.description.en),
        "dcat:keyword": list(dataset.keywords),
        "dcat:theme": [{"@id": theme_iri(catalog_url, code)} for code in dataset.themes],
        "dct:publisher": {
            "@id": f"{exchange_url}/v1/organizations/{dataset.publisher.id}",
            "@type": "foaf:Agent",
            "foaf:name": _text(dataset.publisher.name, "zh"),
        },
        "dct:license": {"@id": licence_iri(dataset.licence)},
        "dct:accrualPeriodicity": {"@id": FREQUENCY_IRIS[dataset.update_frequency]},
        "dct:accessRights": {"@id": ACCESS_RIGHTS_IRIS[dataset.open_type]},
        "dcat:version": str(dataset.revision),
        "dct:modified": _datetime(dataset.updated_at),
        "dcat:landingPage": {"@id": iri},
    }
    if dataset.listed_at is not None:
        node["dct:issued"] = _datetime(dataset.listed_at)
    if dataset.contact_point is not None:
        contact: dict[str, Any] = {
            "@type": "vcard:Organization",
            "vcard:fn": dataset.contact_point.office,
        }
        if dataset.contact_point.email:
            contact["vcard:hasEmail"] = {"@id": f"mailto:{dataset.contact_point.email}"}
        if dataset.contact_point.phone:
            phone = dataset.contact_point.phone.replace(" ", "")
            contact["vcard:hasTelephone"] = {"@id": f"tel:{phone}"}
        node["dcat:contactPoint"] = contact
    if dataset.temporal is not None:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if dataset.temporal.start:
            period["dcat:startDate"] = {"@value": dataset.temporal.start.isoformat(),
                                        "@type": "xsd:date"}
        if dataset.temporal.end:
            period["dcat:endDate"] = {"@value": dataset.temporal.end.isoformat(),
                                      "@type": "xsd:date"}
        node["dct:temporal"] = period
    if dataset.spatial is not None:
        node["dct:spatial"] = {
            "@type": "dct:Location",
            "dct:identifier": dataset.spatial.code,
            "skos:prefLabel": _text(dataset.spatial.name, "zh"),
        }
    if dataset.files:
        node["dcat:distribution"] = [
            distribution_node(iri, file.model_dump(mode="json")) for file in dataset.files
        ]
    return node


# Media types in the IANA registry get its IRI; others (JSON Lines) are named by dct:format.
IANA_MEDIA_TYPES = frozenset({"text/csv", "application/json"})


def distribution_node(dataset_url: str, file: Mapping[str, Any]) -> dict[str, Any]:
    """A ``dcat:Distribution`` for one file of a dataset, from the file's API form
    (``id``, and when known ``bytes``, ``sha256``, ``media_type``, ``uploaded_at``)."""
    iri = f"{dataset_url}/files/{file['id']}"
    node: dict[str, Any] = {
        "@id": iri,
        "@type": "dcat:Distribution",
        "dct:identifier": str(file["id"]),
        "dcat:downloadURL": {"@id": f"{iri}/content"},
        "dcat:accessURL": {"@id": dataset_url},
    }
    if isinstance(file.get("bytes"), int):
        node["dcat:byteSize"] = {"@value": str(file["bytes"]), "@type": "xsd:nonNegativeInteger"}
    media = file.get("media_type")
    if media in IANA_MEDIA_TYPES:
        node["dcat:mediaType"] = {"@id": f"https://www.iana.org/assignments/media-types/{media}"}
    elif media:
        node["dct:format"] = str(media)
    if file.get("uploaded_at"):
        node["dct:issued"] = {"@value": str(file["uploaded_at"]).replace("+00:00", "Z"),
                              "@type": "xsd:dateTime"}
    if file.get("sha256"):
        node["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": file["sha256"], "@type": "xsd:hexBinary"},
        }
    return node


def dataset_document(
    dataset: DatasetOut, *, catalog_url: str, exchange_url: str
) -> dict[str, Any]:
    """A complete JSON-LD document for one dataset."""
    return {"@context": CONTEXT,
            **dataset_node(dataset, catalog_url=catalog_url, exchange_url=exchange_url)}


def catalog_document(
    datasets: Iterable[DatasetOut],
    *,
    catalog_url: str,
    exchange_url: str,
    themes: Iterable[tuple[str, str, str]],
    page_url: str,
    next_url: str | None,
) -> dict[str, Any]:
    """A ``dcat:Catalog`` with one page of its datasets and its theme taxonomy.

    ``themes`` are ``(code, name_zh, name_en)``; ``next_url`` is the next page (a
    ``hydra:PartialCollectionView``), or None on the last one.
    """
    scheme = f"{catalog_url}/v1/themes"
    view: dict[str, Any] = {"@id": page_url, "@type": "hydra:PartialCollectionView"}
    if next_url is not None:
        view["hydra:next"] = {"@id": next_url}
    return {
        "@context": CONTEXT,
        "@id": f"{catalog_url}/v1/dcat/catalog",
        "@type": "dcat:Catalog",
        "dct:title": _bilingual("dataex 公共数据目录", "dataex public data catalog"),
        "dct:description": _bilingual(
            "数据交易所上架的公共数据集", "Public datasets listed on the dataex exchange"
        ),
        "dcat:themeTaxonomy": {
            "@id": scheme,
            "@type": "skos:ConceptScheme",
            "skos:prefLabel": _bilingual("数据主题", "Data themes"),
            "skos:hasTopConcept": [
                {
                    "@id": theme_iri(catalog_url, code),
                    "@type": "skos:Concept",
                    "skos:prefLabel": _bilingual(name_zh, name_en),
                    "skos:inScheme": {"@id": scheme},
                }
                for code, name_zh, name_en in themes
            ],
        },
        "dcat:dataset": [
            dataset_node(d, catalog_url=catalog_url, exchange_url=exchange_url)
            for d in datasets
        ],
        "hydra:view": view,
    }
