"""Pages of rows read from stored files: every record once across pages, values as the
file holds them, columns chosen by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.catalog.files.rows import MAX_PAGE_ROWS, read_rows

CSV = (
    "\ufeffstation_id,rentals,note\n"
    "S001,120,\n"
    "S002,87,\"two\nlines\"\n"
    "\n"
    "S003,,\"comma, inside\"\n"
)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "rentals.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_a_csv_page_keeps_quoted_lines_and_empty_cells(csv_file: Path) -> None:
    page = read_rows(csv_file, "csv", file_columns=["station_id", "rentals", "note"],
                     offset=0, limit=10)
    assert page.columns == ("station_id", "rentals", "note")
    assert page.rows == (
        {"station_id": "S001", "rentals": "120", "note": None},
        {"station_id": "S002", "rentals": "87", "note": "two\nlines"},
        {"station_id": "S003", "rentals": None, "note": "comma, inside"},
    )
    assert page.more is False and page.next_offset is None


def test_pages_and_chosen_columns(csv_file: Path) -> None:
    names = ["station_id", "rentals", "note"]
    first = read_rows(csv_file, "csv", file_columns=names, offset=0, limit=2,
                      columns=["station_id"])
    assert first.rows == ({"station_id": "S001"}, {"station_id": "S002"})
    assert first.next_offset == 2
    last = read_rows(csv_file, "csv", file_columns=names, offset=2, limit=2,
                     columns=["station_id"])
    assert last.rows == ({"station_id": "S003"},) and last.next_offset is None
    beyond = read_rows(csv_file, "csv", file_columns=names, offset=9, limit=2)
    assert beyond.rows == () and beyond.next_offset is None
    with pytest.raises(KeyError, match="missing"):
        read_rows(csv_file, "csv", file_columns=names, offset=0, limit=1,
                  columns=["station_id", "missing"])


@pytest.mark.parametrize(("offset", "limit"), [(-1, 10), (0, 0), (0, MAX_PAGE_ROWS + 1)])
def test_bad_windows_are_refused(csv_file: Path, offset: int, limit: int) -> None:
    with pytest.raises(ValueError, match="offset"):
        read_rows(csv_file, "csv", file_columns=["station_id"], offset=offset, limit=limit)


def test_json_lines_keep_their_types(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = [{"id": 1, "ok": True, "tags": ["a"]}, {"id": 2, "extra": 2.5}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    page = read_rows(path, "jsonl", file_columns=["id", "ok", "tags", "extra"],
                     offset=0, limit=5)
    assert page.rows == (
        {"id": 1, "ok": True, "tags": ["a"], "extra": None},
        {"id": 2, "ok": None, "tags": None, "extra": 2.5},
    )


@given(rows=st.integers(0, 40), limit=st.integers(1, 12))
def test_paging_visits_every_row_once(tmp_path_factory: pytest.TempPathFactory, rows: int,
                                      limit: int) -> None:
    path = tmp_path_factory.mktemp("rows") / "n.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(rows)), encoding="utf-8")
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = read_rows(path, "csv", file_columns=["n"], offset=offset, limit=limit)
        seen.extend(str(r["n"]) for r in page.rows)
        offset = page.next_offset
    assert seen == [str(i) for i in range(rows)]
