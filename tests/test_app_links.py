"""The app's link columns show http(s) URLs only (issue #14, item 12): a javascript: URL that
some source stored anyway (written straight into a real store here) is not a link."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kg.build import build
from kg.queries import with_prefixes
from kg.store import Store
from kg.ui.common import web_link

EVIL = "javascript:alert(document.cookie)"


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    path = tmp_path_factory.mktemp("links") / "store"
    store = Store.open(path)
    build(store)
    model = store.select(with_prefixes("""SELECT ?m ?name WHERE { ?m a mskg:Model ; rdfs:label ?name
        FILTER NOT EXISTS { ?m schema:codeRepository ?c } } ORDER BY ?name LIMIT 1""")).rows[0]
    dataset = store.select(with_prefixes("""SELECT ?d ?name WHERE { ?d a mskg:Dataset ; rdfs:label ?name
        FILTER NOT EXISTS { ?d rdfs:seeAlso ?u } } ORDER BY ?name LIMIT 1""")).rows[0]
    store.update(with_prefixes(f"""INSERT DATA {{ GRAPH <urn:test:evil> {{
        <{model['m']}> schema:codeRepository <{EVIL}> . <{dataset['d']}> rdfs:seeAlso <{EVIL}> }} }}"""))
    del store
    return path, model["name"], dataset["name"]


@pytest.mark.parametrize("url,shown", [("https://github.com/x/y", "https://github.com/x/y"), (EVIL, None),
                                       ("data:text/html,x", None), ("", None), (None, None), (float("nan"), None)])
def test_web_link(url: object, shown: str | None) -> None:
    assert web_link(url) == shown


@pytest.mark.parametrize("page,column,key", [("models", "code", "model"), ("datasets", "link", "dataset")])
def test_a_javascript_url_is_never_a_link(evil_store: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch,
                                          page: str, column: str, key: str) -> None:
    path, model, dataset = evil_store
    monkeypatch.setenv("MSKG_STORE", str(path))
    at = AppTest.from_string(f"from kg.ui import {page}\n{page}.render()", default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    row = table[table[key] == (model if page == "models" else dataset)]
    assert len(row) == 1 and row[column].isna().all()
    assert not table[column].astype(str).str.contains("javascript", case=False).any()
    assert table[column].notna().any()  # the real links are still there
