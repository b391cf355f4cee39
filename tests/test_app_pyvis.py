"""kg.ui.network: pyvis pictures that are escaped, self-contained and bounded."""

from __future__ import annotations

import json
import re

import networkx as nx

from kg.ui.network import render

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> href "quoted"'


def external_script_sources(page: str) -> list[str]:
    """The http(s) URLs a page would load scripts or styles from (should be none)."""
    return re.findall(r"<(?:script|link)[^>]*(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", page, re.IGNORECASE)


def _data(page: str, name: str) -> list[dict]:
    return json.loads(re.search(rf"{name} = new vis\.DataSet\((.*?)\);\n", page).group(1))


def test_labels_and_titles_are_escaped() -> None:
    g = nx.DiGraph()
    g.add_node("a", label=HOSTILE, title=f"<a href='x'>{HOSTILE}</a>")
    g.add_node("b", label="plain")
    g.add_edge("a", "b", title=HOSTILE)
    page = render(g).html
    node = next(n for n in _data(page, "nodes") if n["id"] == "a")
    assert node["label"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img")
    assert "<" not in node["title"] and "&lt;a href=&#x27;x&#x27;&gt;" in node["title"]
    assert "<" not in _data(page, "edges")[0]["title"]
    assert "<script>alert" not in page and "<img src=x" not in page


def test_resources_are_inline() -> None:
    g = nx.path_graph(5)
    page = render(g).html
    assert external_script_sources(page) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)
    assert "vis.Network" in page and "vis-network" in page.lower()


def test_1500_nodes_render_within_caps() -> None:
    g = nx.gnm_random_graph(1500, 3000, seed=1, directed=True)
    picture = render(g, cap=2000)
    assert picture.nodes == 1500 and not picture.physics
    options = json.loads(re.search(r"var options = (\{.*?\});\n", picture.html).group(1))
    assert options["physics"]["stabilization"]["iterations"] <= 100
    assert "setOptions({physics: false})" in picture.html

    capped = render(g, cap=1000)
    assert capped.nodes == 1000 and capped.dropped_nodes == 500
    assert any("1000 of 1500" in note for note in capped.notes)


def test_the_picture_fits_again_after_drawing_with_a_margin() -> None:
    """The stabilisation's fit comes before labels are measured: the page fits once more after
    the first drawing, zoomed out, so no label sits across the canvas edge."""
    page = render(nx.path_graph(4)).html
    assert 'network.on("afterDrawing"' in page and "network.fit(" in page
    assert re.search(r"network\.getScale\(\) \* 0\.\d+", page)
    assert 'dataset.fitted = "1"' in page
