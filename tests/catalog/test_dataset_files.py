"""The dataset document lists its revision's files and the newest file's quality; the
DCAT export describes each file as a distribution."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from tests.catalog.conftest import Callers, bearer
from tests.catalog.test_files_api import CSV, JSONL, upload
from tests.stack import Stack

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
CATALOG_URL = "http://127.0.0.1:8001"
DIMENSIONS = {"normativity", "completeness", "accuracy", "consistency", "timeliness",
              "accessibility"}
MORE_CSV = CSV + "2024-01-04,3号线,1500\n".encode()

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")


def test_a_draft_lists_its_files_and_the_newest_quality(stack: Stack,
                                                         callers: Callers) -> None:
    draft = callers.create()
    assert draft["files"] == [] and draft["quality"] is None
    first = upload(stack, draft["id"], callers.provider, CSV).json()
    second = upload(stack, draft["id"], callers.provider, JSONL, name="x.jsonl").json()
    doc = stack.catalog.get(f"/v1/datasets/{draft['id']}", headers=bearer(callers.provider))
    assert doc.status_code == 200, doc.text
    body = doc.json()
    assert [f["id"] for f in body["files"]] == [first["id"], second["id"]]
    csv_file = body["files"][0]
    assert csv_file["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert (csv_file["bytes"], csv_file["rows"], csv_file["format"], csv_file["media_type"],
            csv_file["revision"]) == (len(CSV), 3, "csv", "text/csv", 1)
    assert csv_file["quality_score"] == first["quality"]["overall_score"]
    assert csv_file["violations"] == 0 and csv_file["pii_columns"] == []
    assert csv_file["uploaded_at"].endswith("Z") or "+00:00" in csv_file["uploaded_at"]
    assert body["files"][1]["media_type"] == "application/jsonl"

    quality = body["quality"]
    assert quality["file_id"] == second["id"]
    assert quality["sha256"] == second["sha256"]
    assert quality["overall_score"] == second["quality"]["overall_score"]
    assert set(quality["dimensions"]) == DIMENSIONS
    stored = {d["dimension"]: d["score"] for d in second["quality"]["dimensions"]}
    assert quality["dimensions"] == stored
    assert quality["report"] == f"/v1/datasets/{draft['id']}/files/{second['id']}/quality"
    assert stack.catalog.get(quality["report"],
                             headers=bearer(callers.provider)).status_code == 200
    # a draft's files are its publisher's business
    assert stack.catalog.get(f"/v1/datasets/{draft['id']}").status_code == 404


def test_revisions_keep_their_files(stack: Stack, callers: Callers) -> None:
    draft = callers.create()
    old = upload(stack, draft["id"], callers.provider, CSV).json()
    assert callers.act(draft["id"], "submit", callers.provider).status_code == 200
    listed = callers.act(draft["id"], "review", callers.operator, {"approve": True}).json()
    assert [f["id"] for f in listed["files"]] == [old["id"]]
    assert listed["quality"]["file_id"] == old["id"]

    # a new file on a listed dataset is a new, public revision holding that file
    new = upload(stack, draft["id"], callers.provider, MORE_CSV).json()
    assert new["revision"] == 2
    public = stack.catalog.get(f"/v1/datasets/{draft['id']}").json()
    assert public["revision"] == 2
    assert [(f["id"], f["rows"]) for f in public["files"]] == [(new["id"], 4)]
    assert public["quality"]["file_id"] == new["id"]
    first = stack.catalog.get(f"/v1/datasets/{draft['id']}/revisions/1").json()
    assert [f["id"] for f in first["files"]] == [old["id"]]
    assert first["quality"]["file_id"] == old["id"]

    # a metadata edit makes revision 3, which still carries revision 2's file
    edited = stack.catalog.patch(f"/v1/datasets/{draft['id']}", headers=bearer(callers.provider),
                                 json={"keywords": ["客流", "公交"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["revision"] == 3
    assert [f["id"] for f in edited.json()["files"]] == [new["id"]]
    third = stack.catalog.get(f"/v1/datasets/{draft['id']}/revisions/3").json()
    assert [f["id"] for f in third["files"]] == [new["id"]]
    # every revision's file stays downloadable (open data)
    old_content = stack.catalog.get(f"/v1/datasets/{draft['id']}/files/{old['id']}/content")
    assert old_content.status_code == 200 and old_content.content == CSV


def test_files_are_dcat_distributions(stack: Stack, callers: Callers) -> None:
    listed = callers.listed()
    csv_file = upload(stack, listed["id"], callers.provider, CSV).json()
    response = stack.catalog.get(f"/v1/datasets/{listed['id']}/dcat.jsonld")
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="json-ld")
    ds = URIRef(f"{CATALOG_URL}/v1/datasets/{listed['id']}")
    file = URIRef(f"{CATALOG_URL}/v1/datasets/{listed['id']}/files/{csv_file['id']}")
    assert list(graph.objects(ds, DCAT.distribution)) == [file]
    assert (file, RDF.type, DCAT.Distribution) in graph
    assert (file, DCAT.byteSize, Literal(str(len(CSV)), datatype=XSD.nonNegativeInteger)) \
        in graph
    assert (file, DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/text/csv")) in graph
    assert (file, DCAT.downloadURL, URIRef(f"{file}/content")) in graph
    issued = graph.value(file, DCTERMS.issued)
    assert isinstance(issued, Literal) and issued.datatype == XSD.dateTime
    checksum = graph.value(file, SPDX.checksum)
    assert (checksum, RDF.type, SPDX.Checksum) in graph
    assert (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256) in graph
    assert (checksum, SPDX.checksumValue,
            Literal(hashlib.sha256(CSV).hexdigest(), datatype=XSD.hexBinary)) in graph

    # the harvested catalog carries the same distributions
    harvest = Graph().parse(data=stack.catalog.get("/v1/dcat/catalog.jsonld").text,
                            format="json-ld")
    assert (ds, DCAT.distribution, file) in harvest
    assert (file, DCAT.byteSize, Literal(str(len(CSV)), datatype=XSD.nonNegativeInteger)) \
        in harvest

    jsonl = upload(stack, listed["id"], callers.provider, JSONL, name="x.jsonl").json()
    graph = Graph().parse(data=stack.catalog.get(
        f"/v1/datasets/{listed['id']}/dcat.jsonld").text, format="json-ld")
    jsonl_iri = URIRef(f"{CATALOG_URL}/v1/datasets/{listed['id']}/files/{jsonl['id']}")
    assert (jsonl_iri, DCTERMS["format"], Literal("application/jsonl")) in graph
