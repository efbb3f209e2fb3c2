"""DCAT v3 export: JSON-LD that rdflib parses into the expected triples."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from services.catalog.datasets.schemas import DatasetOut
from services.catalog.dcat.jsonld import dataset_document
from tests.catalog.conftest import Callers, bearer, dataset_body

# rdflib's own DCAT namespace predates DCAT 3 (dcat:version); open namespaces accept any term.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
CATALOG_URL = "http://127.0.0.1:8001"
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")


def parse(response: Any) -> Graph:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    return Graph().parse(data=response.text, format="json-ld")


class TestDatasetDocument:
    def test_a_listed_dataset_as_dcat(self, callers: Callers) -> None:
        listed = callers.listed()
        graph = parse(callers.catalog.get(f"/v1/datasets/{listed['id']}/dcat.jsonld"))
        ds = URIRef(f"{CATALOG_URL}/v1/datasets/{listed['id']}")
        assert (ds, RDF.type, DCAT.Dataset) in graph
        assert (ds, DCTERMS.title, Literal("杭州市公共交通客流量", lang="zh")) in graph
        assert (ds, DCTERMS.title, Literal("Hangzhou public transport ridership", lang="en")) \
            in graph
        assert (ds, DCTERMS.description,
                Literal("Daily ridership of Hangzhou metro and bus lines, by line and stop.",
                        lang="en")) in graph
        assert set(graph.objects(ds, DCAT.keyword)) == {Literal("客流"), Literal("地铁"),
                                                       Literal("bus")}
        assert (ds, DCAT.theme, URIRef(f"{CATALOG_URL}/v1/themes/transport")) in graph
        assert (ds, DCTERMS.identifier, Literal(listed["id"])) in graph
        assert (ds, DCTERMS.license,
                URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
        assert (ds, DCTERMS.accrualPeriodicity, FREQUENCY.DAILY) in graph
        assert (ds, DCTERMS.accessRights, ACCESS.PUBLIC) in graph

        publisher = graph.value(ds, DCTERMS.publisher)
        assert publisher == URIRef(f"http://127.0.0.1:8002/v1/organizations/"
                                   f"{listed['publisher']['id']}")
        assert (publisher, RDF.type, FOAF.Agent) in graph
        assert (publisher, FOAF.name, Literal("杭州市交通运输局", lang="zh")) in graph

        contact = graph.value(ds, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Organization) in graph
        assert (contact, VCARD.hasEmail, URIRef("mailto:data@hzjt.example.cn")) in graph
        assert (contact, VCARD.hasTelephone, URIRef("tel:0571-12345678")) in graph

        period = graph.value(ds, DCTERMS.temporal)
        assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
        assert (period, DCAT.startDate, Literal("2024-01-01", datatype=XSD.date)) in graph
        assert (period, DCAT.endDate, Literal("2024-12-31", datatype=XSD.date)) in graph

        place = graph.value(ds, DCTERMS.spatial)
        assert (place, RDF.type, DCTERMS.Location) in graph
        assert (place, SKOS.prefLabel, Literal("杭州市", lang="zh")) in graph
        assert (place, DCTERMS.identifier, Literal("330100")) in graph

        assert graph.value(ds, DCTERMS.issued).datatype == XSD.dateTime
        assert graph.value(ds, DCAT.version) == Literal("1")
        assert graph.value(ds, DCAT.distribution) is None

    def test_conditional_open_data_is_restricted(self, callers: Callers) -> None:
        listed = callers.listed(open_type="conditional", update_frequency="realtime",
                                licence="https://data.hangzhou.example.cn/licence")
        graph = parse(callers.catalog.get(f"/v1/datasets/{listed['id']}/dcat.jsonld"))
        ds = URIRef(f"{CATALOG_URL}/v1/datasets/{listed['id']}")
        assert (ds, DCTERMS.accessRights, ACCESS.RESTRICTED) in graph
        assert (ds, DCTERMS.accrualPeriodicity, FREQUENCY.UPDATE_CONT) in graph
        assert (ds, DCTERMS.license, URIRef("https://data.hangzhou.example.cn/licence")) in graph

    def test_a_draft_is_exported_only_to_its_publisher(self, callers: Callers) -> None:
        draft = callers.create()
        url = f"/v1/datasets/{draft['id']}/dcat.jsonld"
        assert callers.catalog.get(url).status_code == 404
        assert callers.catalog.get(url, headers=bearer(callers.buyer)).status_code == 404
        graph = parse(callers.catalog.get(url, headers=bearer(callers.provider)))
        ds = URIRef(f"{CATALOG_URL}/v1/datasets/{draft['id']}")
        assert (ds, RDF.type, DCAT.Dataset) in graph
        assert graph.value(ds, DCTERMS.issued) is None


class TestCatalogDocument:
    def test_the_catalog_lists_listed_datasets_page_by_page(self, callers: Callers) -> None:
        first = callers.listed()
        second = callers.listed(title={"zh": "杭州市空气质量监测数据", "en": "Air quality"},
                                themes=["environment"])
        draft = callers.create(title={"zh": "未上架的数据集"})

        response = callers.catalog.get("/v1/dcat/catalog.jsonld", params={"limit": 1})
        graph = parse(response)
        catalog = URIRef(f"{CATALOG_URL}/v1/dcat/catalog")
        assert (catalog, RDF.type, DCAT.Catalog) in graph
        assert (catalog, DCTERMS.title, Literal("dataex 公共数据目录", lang="zh")) in graph
        assert list(graph.objects(catalog, DCAT.dataset)) == [
            URIRef(f"{CATALOG_URL}/v1/datasets/{second['id']}")
        ]
        scheme = graph.value(catalog, DCAT.themeTaxonomy)
        transport = URIRef(f"{CATALOG_URL}/v1/themes/transport")
        assert (scheme, SKOS.hasTopConcept, transport) in graph
        assert (transport, SKOS.prefLabel, Literal("交通出行", lang="zh")) in graph

        view = graph.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
        next_page = graph.value(view, HYDRA.next)
        assert next_page is not None
        assert response.headers["link"] == f'<{next_page}>; rel="next"'
        path = str(next_page).removeprefix(CATALOG_URL)
        second_page = parse(callers.catalog.get(path))
        assert list(second_page.objects(catalog, DCAT.dataset)) == [
            URIRef(f"{CATALOG_URL}/v1/datasets/{first['id']}")
        ]
        view = second_page.value(predicate=RDF.type, object=HYDRA.PartialCollectionView)
        assert second_page.value(view, HYDRA.next) is None
        everything = callers.catalog.get("/v1/dcat/catalog.jsonld").text
        assert draft["id"] not in everything


def test_files_become_distributions() -> None:
    body = dataset_body()
    del body["publisher_name"]
    dataset = DatasetOut.model_validate({
        **body, "id": "ds_x", "status": "listed", "revision": 2,
        "publisher": {"id": "org_x", "name": "杭州市交通运输局"}, "metadata_sha256": "0" * 64,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-02T00:00:00Z",
        "listed_at": "2026-01-02T00:00:00Z",
        "files": [{"id": "file_1", "revision": 2, "bytes": 1234, "sha256": "ab" * 32,
                   "rows": 10, "format": "csv", "media_type": "text/csv",
                   "uploaded_at": "2026-01-02T00:00:00Z", "quality_score": 90.5,
                   "violations": 0, "pii_columns": []}],
    })
    graph = Graph().parse(data=json.dumps(dataset_document(
        dataset, catalog_url=CATALOG_URL, exchange_url="http://127.0.0.1:8002")),
        format="json-ld")
    ds = URIRef(f"{CATALOG_URL}/v1/datasets/ds_x")
    file = URIRef(f"{CATALOG_URL}/v1/datasets/ds_x/files/file_1")
    spdx = Namespace("http://spdx.org/rdf/terms#")
    assert (ds, DCAT.distribution, file) in graph
    assert (file, RDF.type, DCAT.Distribution) in graph
    assert (file, DCAT.downloadURL, URIRef(f"{file}/content")) in graph
    assert (file, DCAT.byteSize, Literal("1234", datatype=XSD.nonNegativeInteger)) in graph
    assert (file, DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/text/csv")) in graph
    checksum = graph.value(file, spdx.checksum)
    assert (checksum, spdx.checksumValue, Literal("ab" * 32, datatype=XSD.hexBinary)) in graph
