"""Catalog search: Chinese and English terms, AND of terms, ranking, filters, pagination.

Every expected result list below is exact and the same on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): the suite runs on both, so both databases answer alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.catalog.search.text import (
    query_terms,
    score,
    search_document,
    short_grams,
)
from tests.catalog.conftest import Callers, bearer

# name: (title zh, title en, description zh, description en, keywords, theme, open type, grade)
CORPUS: dict[str, tuple[str, str, str, str, list[str], str, str, str]] = {
    "ridership": ("杭州市公共交通客流量", "Hangzhou public transport ridership",
                  "地铁与公交线路日客流量", "Daily ridership of metro and bus lines",
                  ["客流", "地铁"], "transport", "unconditional", "general"),
    "road": ("杭州市道路交通流量监测", "Hangzhou road traffic flow monitoring",
             "主要路口机动车流量", "Vehicle counts at major junctions",
             ["交通流量", "traffic"], "transport", "conditional", "general"),
    "air": ("杭州市空气质量监测数据", "Hangzhou air quality monitoring",
            "监测站逐小时数据，含交通污染源分析", "Hourly readings, with traffic-related sources",
            ["空气质量", "PM2.5"], "environment", "unconditional", "general"),
    "credit": ("杭州市企业信用评价信息", "Hangzhou enterprise credit ratings",
               "企业公共信用评价等级", "Public credit grades of enterprises",
               ["信用"], "credit", "conditional", "important"),
    "parking": ("杭州市公共停车场泊位信息", "Hangzhou public car park spaces",
                "停车场实时空余泊位，便于交通出行", "Free spaces in real time",
                ["停车", "parking"], "transport", "conditional", "general"),
    "schools": ("杭州市中小学学校名录", "Hangzhou schools directory",
                "学校名称与地址", "Names and addresses of schools",
                ["学校", "education"], "education", "unconditional", "general"),
    "water": ("余杭区河道水质监测", "Yuhang river water quality",
              "河道断面水质月报", "Monthly river section readings",
              ["河道"], "environment", "unconditional", "general"),
}


def corpus_body(name: str) -> dict[str, Any]:
    zh, en, dzh, den, keywords, theme, open_type, grade = CORPUS[name]
    return {"title": {"zh": zh, "en": en}, "description": {"zh": dzh, "en": den},
            "keywords": keywords, "themes": [theme], "open_type": open_type, "grade": grade}


class Corpus:
    """The listed corpus, in listing order, plus one draft of the provider."""

    def __init__(self, callers: Callers) -> None:
        self.callers = callers
        self.ids: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for name in CORPUS:
            token = callers.other_provider if name == "schools" else callers.provider
            self.add(name, callers.listed_by(token, **corpus_body(name))["id"])
        draft = callers.create(title={"zh": "杭州市交通违法记录", "en": "Traffic offences"},
                               keywords=["违法"], description={"zh": "草稿", "en": "draft"})
        self.add("draft", draft["id"])

    def add(self, name: str, dataset_id: str) -> None:
        self.ids[name] = dataset_id
        self.names[dataset_id] = name

    def search(self, token: str | None = None, **params: Any) -> dict[str, Any]:
        response = self.callers.catalog.get("/v1/datasets", params=params, headers=bearer(token))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def names_for(self, token: str | None = None, **params: Any) -> list[str]:
        return [self.names.get(d["id"], d["id"]) for d in self.search(token, **params)["items"]]


@pytest.fixture
def corpus(callers: Callers) -> Corpus:
    return Corpus(callers)


class TestTerms:
    def test_query_terms_are_normalised_and_split(self) -> None:
        terms = query_terms("交通，客流；Bus  bus\u3000ＰＭ２．５")
        assert terms == ["交通", "客流", "bus", "pm2.5"]
        assert query_terms("   ") == []

    def test_short_grams_hold_every_one_and_two_character_piece(self) -> None:
        assert short_grams("交通 ab") == " a ab b 交 交通 通 "

    def test_score_weights_title_keywords_description(self) -> None:
        document = search_document(titles=["公共交通"], keywords=["客流"],
                                   descriptions=["交通客流"])
        assert score(document, ["交通"]) == 4 + 1
        assert score(document, ["客流"]) == 2 + 1
        assert score(document, ["交通", "客流"]) == 8


class TestSearch:
    CASES: tuple[tuple[dict[str, Any], list[str]], ...] = (
        # One two-character Chinese word, inside longer words.
        ({"q": "交通"}, ["road", "ridership", "parking", "air"]),
        ({"q": "客流"}, ["ridership"]),
        # A one-character term.
        ({"q": "水"}, ["water"]),
        # English, whole word or inside one, any letter case.
        ({"q": "traffic"}, ["road", "air"]),
        ({"q": "TRAFF"}, ["road", "air"]),
        ({"q": "Yuhang"}, ["water"]),
        # Several terms: every one must occur.
        ({"q": "交通 停车"}, ["parking"]),
        ({"q": "交通 监测"}, ["road", "air"]),
        ({"q": "交通, traffic"}, ["road", "air"]),
        ({"q": "交通 学校"}, []),
        ({"q": "public transport"}, ["ridership"]),
        # Full-width forms equal ASCII ones; LIKE wildcards are plain characters.
        ({"q": "ＰＭ２．５"}, ["air"]),
        ({"q": "%"}, []),
        ({"q": "_"}, []),
        ({"q": "杭州市%"}, []),
        # Filters, with and without q.
        ({"theme": "transport"}, ["parking", "road", "ridership"]),
        ({"q": "交通", "theme": "environment"}, ["air"]),
        ({"open_type": "conditional"}, ["parking", "credit", "road"]),
        ({"grade": "important"}, ["credit"]),
        ({"q": "杭州市", "grade": "general", "open_type": "unconditional"},
         ["schools", "air", "ridership"]),
    )

    def test_cases(self, corpus: Corpus) -> None:
        for params, expected in self.CASES:
            assert corpus.names_for(**params) == expected, params

    def test_ranking_and_relevance(self, corpus: Corpus) -> None:
        items = corpus.search(q="交通")["items"]
        # road: title + keyword (6); ridership: title (4); parking and air: description
        # (1), the later-listed first.
        assert [(corpus.names[d["id"]], d["relevance"]) for d in items] == [
            ("road", 6), ("ridership", 4), ("parking", 1), ("air", 1),
        ]
        assert corpus.search()["items"][0]["relevance"] is None

    def test_default_order_is_newest_first(self, corpus: Corpus) -> None:
        assert corpus.names_for() == list(reversed(list(CORPUS)))

    def test_publisher_and_updated_since(self, corpus: Corpus) -> None:
        other_org = corpus.search(q="学校")["items"][0]["publisher"]["id"]
        assert corpus.names_for(publisher=other_org) == ["schools"]
        credit = corpus.search(grade="important")["items"][0]
        assert corpus.names_for(updated_since=credit["updated_at"]) == \
            ["water", "schools", "parking", "credit"]

    def test_drafts_are_found_only_by_their_publisher_with_mine(self, corpus: Corpus) -> None:
        provider = corpus.callers.provider
        assert "draft" not in corpus.names_for(q="交通")
        assert "draft" not in corpus.names_for(provider, q="交通")
        assert corpus.names_for(provider, q="交通", mine="true") == \
            ["road", "draft", "ridership", "parking", "air"]
        assert corpus.names_for(provider, mine="true", status="draft") == ["draft"]
        assert corpus.names_for(corpus.callers.other_provider, q="交通", mine="true") == []

    def test_bad_search_parameters_are_422(self, corpus: Corpus) -> None:
        for params in ({"theme": "astrology"}, {"open_type": "maybe"}, {"limit": 0},
                       {"limit": 101}, {"q": " ".join(f"词{i}" for i in range(9))},
                       {"cursor": "not-a-cursor"}, {"updated_since": "yesterday"}):
            response = corpus.callers.catalog.get("/v1/datasets", params=params)
            assert response.status_code == 422, params
            assert response.headers["content-type"] == "application/problem+json"


class TestPagination:
    def test_pages_cover_the_results_once(self, corpus: Corpus) -> None:
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"q": "杭州", "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = corpus.search(**params)
            seen.extend(corpus.names[d["id"]] for d in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == corpus.names_for(q="杭州", limit=100)
        assert len(seen) == 6

    def test_no_duplicates_or_gaps_while_rows_are_inserted(self, corpus: Corpus) -> None:
        callers = corpus.callers
        inserts = [
            # Ranks between road (6) and ridership (4): after the cursor, so it shows.
            {"title": {"zh": "杭州市交通枢纽客流", "en": "Hub ridership"}},
            # Ranks first (title and keyword): before the cursor, so it never shows.
            {"title": {"zh": "杭州市交通事故统计", "en": "Road accidents"}, "keywords": ["交通"]},
            # Description only (1), newer than parking and air: shows before them.
            {"title": {"zh": "杭州市桥梁名录", "en": "Bridges"},
             "description": {"zh": "桥梁与交通设施", "en": "bridges"}},
        ]
        pages: list[list[str]] = []
        cursor = None
        for step in range(10):
            params: dict[str, Any] = {"q": "交通", "limit": 1}
            if cursor:
                params["cursor"] = cursor
            page = corpus.search(**params)
            pages.append([corpus.names.get(d["id"], d["title"]["zh"]) for d in page["items"]])
            cursor = page["next_cursor"]
            if step < len(inserts):
                created = callers.listed(**inserts[step])
                corpus.add(created["title"]["zh"], created["id"])
            if cursor is None:
                break
        assert pages == [["road"], ["杭州市交通枢纽客流"], ["ridership"], ["杭州市桥梁名录"],
                         ["parking"], ["air"]]

    def test_newest_first_pages_ignore_rows_listed_meanwhile(self, corpus: Corpus) -> None:
        before = corpus.names_for(limit=100)
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = corpus.search(**params)
            seen.extend(corpus.names.get(d["id"], "new") for d in page["items"])
            corpus.callers.listed(title={"zh": f"新数据集{len(seen)}"})
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == before

    def test_a_cursor_belongs_to_its_query(self, corpus: Corpus) -> None:
        cursor = corpus.search(q="交通", limit=1)["next_cursor"]
        assert cursor
        other = corpus.callers.catalog.get("/v1/datasets", params={"q": "客流", "cursor": cursor})
        assert other.status_code == 422
        assert other.json()["type"] == "urn:dataex:problem:cursor-query-mismatch"
        same = corpus.search(q="交通", limit=1, cursor=cursor)
        assert [corpus.names[d["id"]] for d in same["items"]] == ["ridership"]


class TestIndexFollowsChanges:
    def test_edits_and_status_changes_reach_search(self, callers: Callers) -> None:
        listed = callers.listed()
        ds = listed["id"]

        def found(q: str) -> list[str]:
            response = callers.catalog.get("/v1/datasets", params={"q": q})
            return [d["id"] for d in response.json()["items"]]

        assert found("客流") == [ds]
        revised = callers.catalog.patch(
            f"/v1/datasets/{ds}",
            json={"title": {"zh": "杭州市地铁换乘量", "en": "Hangzhou metro transfers"},
                  "description": {"zh": "换乘站每日换乘人次"}, "keywords": ["换乘"]},
            headers=bearer(callers.provider),
        )
        assert revised.status_code == 200
        assert found("客流") == []
        assert found("换乘") == [ds]
        assert found("transfers") == [ds]
        assert callers.act(ds, "delist", callers.operator).status_code == 200
        assert found("换乘") == []
        queue = callers.catalog.get("/v1/datasets", params={"status": "delisted", "q": "换乘"},
                                    headers=bearer(callers.operator))
        assert [d["id"] for d in queue.json()["items"]] == [ds]
