"""pyvis pictures that are safe to embed and stay interactive at 1,000+ nodes.

Three things measured on pyvis 0.3.2 shape this module:

- ``cdn_resources="local"`` and ``"remote"`` load vis-network from a CDN and draw nothing
  offline; ``"in_line"`` embeds it. The stock template still links Bootstrap from a CDN
  (unused by the graph), so those tags are removed: the page loads no external script.
- Once any node title contains "href", pyvis writes *all* titles into the page as raw
  HTML (``innerHTML``); every label and title is therefore ``html.escape``d here, always.
- Physics with ~1,500 nodes takes minutes to settle. The layout is computed by a capped
  number of stabilisation iterations (``STABILIZATION_ITERATIONS``, fewer for big graphs)
  and physics is then switched off, so dragging and zooming stay instant; live physics
  after layout is offered only up to ``PHYSICS_NODE_LIMIT`` nodes. Above the caller's cap
  nodes are dropped (lowest degree first) and the picture says so. (A spring layout in
  Python took 4 s at 1,500 nodes; the browser's capped stabilisation is well under that.)
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from pyvis.network import Network

PHYSICS_NODE_LIMIT = 300
STABILIZATION_ITERATIONS = 150
BIG_GRAPH_ITERATIONS = 60
DEFAULT_NODE_CAP = 2000
FIT_MARGIN = 0.9  # zoom out this much after fitting, so no label touches the canvas edge

_EXTERNAL_TAGS = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>|<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENTED_LINKS = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)

COLOURS = {
    "model": "#4C78A8", "base": "#F58518", "dataset": "#54A24B", "paper": "#B279A2",
    "focus": "#E45756", "section": "#9D755D", "class": "#72B7B2", "generalist": "#4C78A8",
    "task-specific": "#F58518",
}


@dataclass
class Picture:
    html: str
    nodes: int
    edges: int
    dropped_nodes: int = 0
    physics: bool = False
    notes: list[str] = field(default_factory=list)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def cap_graph(g: nx.Graph, cap: int, keep: set[str] | None = None) -> tuple[nx.Graph, int]:
    """At most ``cap`` nodes: ``keep`` first, then by degree (hubs carry the structure)."""
    if g.number_of_nodes() <= cap:
        return g, 0
    keep = {n for n in (keep or set()) if n in g}
    ranked = sorted((n for n in g.nodes if n not in keep), key=lambda n: (-g.degree(n), str(n)))
    chosen = list(keep)[:cap] + ranked[: max(cap - len(keep), 0)]
    return g.subgraph(chosen).copy(), g.number_of_nodes() - len(chosen)


def render(g: nx.Graph, *, cap: int = DEFAULT_NODE_CAP, physics: bool | None = None, height: int = 620,
           keep: set[str] | None = None, directed: bool = True) -> Picture:
    """HTML of ``g`` for ``st.iframe``. Node attributes used: ``label``, ``title``, ``group``
    (a key of COLOURS), ``url`` (opened in the app's window on double click), ``size``;
    edge attributes: ``title``, ``label``."""
    small, dropped = cap_graph(g, cap, keep)
    n = small.number_of_nodes()
    live = (n <= PHYSICS_NODE_LIMIT) if physics is None else (physics and n <= PHYSICS_NODE_LIMIT)
    iterations = STABILIZATION_ITERATIONS if n <= PHYSICS_NODE_LIMIT else BIG_GRAPH_ITERATIONS
    notes = []
    if dropped:
        notes.append(f"showing {n} of {n + dropped} nodes (the cap); the {dropped} least connected are left out")
    if physics and not live:
        notes.append(f"live physics is off above {PHYSICS_NODE_LIMIT} nodes: the layout is computed once "
                     f"({iterations} iterations) and then frozen so the picture stays responsive")

    net = Network(height=f"{height}px", width="100%", directed=directed, cdn_resources="in_line",
                  bgcolor="#ffffff", font_color="#222222")
    for node, data in small.nodes(data=True):
        group = data.get("group", "model")
        kwargs: dict[str, Any] = {
            "label": _esc(data.get("label", node)),
            "title": _esc(data.get("title", data.get("label", node))),
            "color": COLOURS.get(group, "#888888"),
            "size": float(data.get("size", 12)),
            "shape": data.get("shape", "dot"),
        }
        if data.get("url"):
            kwargs["url"] = str(data["url"])  # JSON-encoded by the template, never HTML
        net.add_node(str(node), **kwargs)
    for a, b, data in small.edges(data=True):
        kwargs = {"title": _esc(data.get("title", ""))} if data.get("title") else {}
        if data.get("label"):
            kwargs["label"] = _esc(data["label"])
        net.add_edge(str(a), str(b), **kwargs)

    options = {
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000 if n <= PHYSICS_NODE_LIMIT else -2500, "springLength": 120,
                          "avoidOverlap": 0.1},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
        },
        "interaction": {"hover": True, "navigationButtons": False, "hideEdgesOnDrag": n > 300,
                        "tooltipDelay": 120},
        "edges": {"smooth": False if n > 300 else {"type": "continuous"},
                  "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
                  "color": {"color": "#bbbbbb", "highlight": "#E45756"}},
        "nodes": {"font": {"size": 14 if n <= 300 else 10}},
        "layout": {"improvedLayout": n <= 150},
    }
    net.set_options(json.dumps(options))
    page = net.generate_html(notebook=False)
    page = _EXTERNAL_TAGS.sub("", page)
    page = _HEADING.sub("", page)
    page = _COMMENTED_LINKS.sub("", page)
    script = _CLICK_SCRIPT.replace("__FREEZE__", "false" if live else "true").replace("__MARGIN__", str(FIT_MARGIN))
    page = page.replace("</body>", script + "</body>", 1)
    return Picture(page, n, small.number_of_edges(), dropped, live, notes)


# Freeze the layout after the capped stabilisation (big graphs). The stabilisation's own fit runs
# before labels are measured, so a label at the edge was cut ("l SAM 2 (MedSAM-2)"): once drawn,
# fit again and leave a margin. Double click on a node with a url opens that page of the app
# (same origin only) in the top window.
_CLICK_SCRIPT = """
<script>
(function () {
  if (typeof network === "undefined") { return; }
  var fitted = false;
  function fitWithMargin() {
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * __MARGIN__, animation: false});
    fitted = true;
    document.body.dataset.fitted = "1";  // the picture is final (what a browser test waits for)
  }
  network.once("stabilizationIterationsDone", function () {
    if (__FREEZE__) { network.setOptions({physics: false}); }
    fitted = false;
  });
  network.on("afterDrawing", function () { if (!fitted) { fitWithMargin(); } });
  network.on("doubleClick", function (params) {
    if (!params.nodes.length) { return; }
    var data = nodes.get(params.nodes[0]);
    if (!data || !data.url) { return; }
    try {
      var target = new URL(data.url, window.top.location.href);
      if (target.origin === window.top.location.origin) { window.top.location.href = target.href; }
    } catch (e) { /* cross-origin: stay */ }
  });
})();
</script>
"""

