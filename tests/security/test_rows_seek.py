"""Finding: ``GET …/files/{id}/rows?offset=10**15`` re-read the file from its start
(9 s of CPU on a 10 M-row file, anonymously), and offsets beyond 2**53 or sys.maxsize
were 500s. A page is now read by seeking through the file's row index: the plan (one
seek, fewer than STRIDE records skipped) is the same for any offset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.catalog.files.row_index import STRIDE, ensure_index, record_count, seek_to
from services.catalog.files.rows import read_rows
from tests.catalog.conftest import Callers
from tests.catalog.test_files_api import upload
from tests.stack import Stack

ROWS = 100_000
NAMES = ["date", "line", "riders"]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rows") / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("\ufeffdate,line,riders\n")
        for i in range(ROWS):
            note = f'"line\n{i}"' if i % 997 == 0 else f"L{i}"
            out.write(f"2024-01-01,{note},{i}\n")
            if i % 5000 == 0:
                out.write("\n")
    return path


def test_any_offset_costs_one_seek_and_under_a_stride_of_records(big_csv: Path) -> None:
    index = ensure_index(big_csv, "csv")
    assert record_count(index) == ROWS
    first, last = seek_to(index, 5), seek_to(index, ROWS - 10)
    assert first is not None and last is not None
    assert last.position > big_csv.stat().st_size * 0.9  # reached by seeking, not reading
    for offset in (0, 5, STRIDE - 1, STRIDE, 54_321, ROWS - 10):
        page = read_rows(big_csv, "csv", file_columns=NAMES, offset=offset, limit=3)
        assert page.skipped < STRIDE
        assert [row["riders"] for row in page.rows] == [str(offset + k) for k in range(3)
                                                        if offset + k < ROWS]


def test_quoted_lines_and_blank_lines_do_not_shift_the_index(big_csv: Path) -> None:
    page = read_rows(big_csv, "csv", file_columns=NAMES, offset=997 * 5, limit=1)
    assert page.rows == ({"date": "2024-01-01", "line": f"line\n{997 * 5}",
                          "riders": str(997 * 5)},)


@pytest.mark.parametrize("offset", [ROWS, 10**15, 2**53 - 1])
def test_an_offset_past_the_end_reads_nothing(big_csv: Path, offset: int) -> None:
    ensure_index(big_csv, "csv")
    assert seek_to(ensure_index(big_csv, "csv"), offset) is None
    page = read_rows(big_csv, "csv", file_columns=NAMES, offset=offset, limit=1000)
    assert page.rows == () and page.next_offset is None and page.skipped == 0


def test_json_lines_are_indexed_too(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"n": i}) + ("\n\n" if i % 100 == 0 else "\n")
                            for i in range(5000)), encoding="utf-8")
    page = read_rows(path, "jsonl", file_columns=["n"], offset=4321, limit=2)
    assert page.rows == ({"n": 4321}, {"n": 4322}) and page.skipped < STRIDE


def test_anonymous_huge_offsets_over_http(stack: Stack) -> None:
    callers = Callers(stack)
    dataset = callers.listed()
    body = "date,line,riders\n" + "".join(f"2024-01-01,L{i},{i}\n" for i in range(3000))
    answer = upload(callers.stack, dataset["id"], callers.provider, body.encode())
    assert answer.status_code == 201, answer.text
    url = f"/v1/datasets/{dataset['id']}/files/{answer.json()['id']}/rows"
    page = callers.catalog.get(url, params={"offset": 2999, "limit": 5})
    assert page.status_code == 200
    assert page.json()["rows"] == [{"date": "2024-01-01", "line": "L2999", "riders": "2999"}]
    empty = callers.catalog.get(url, params={"offset": 10**15})
    assert empty.status_code == 200
    assert empty.json()["rows"] == [] and empty.json()["next_offset"] is None
    for huge in (2**53, 2**64, 10**30):
        refused = callers.catalog.get(url, params={"offset": huge})
        assert refused.status_code == 422, refused.text
