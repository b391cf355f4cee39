"""`kg bench` end to end at a tiny size (no timed assertions: the figures are read, not tested)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.queries import saved_queries
from kg.synthetic import generate


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    counts = generate(a, 200, seed=7)
    generate(b, 200, seed=7)
    generate(c, 200, seed=8)
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert digest(a) == digest(b) != digest(c)
    assert counts.quads == len(a.read_text().splitlines())
    assert counts.papers == 200 and counts.results > 0 and counts.citations > 0


def test_bench_writes_every_figure_and_both_stores_agree(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--papers", "300", "--repeats", "2", "--json", str(out),
                                       "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    for key in ("papers", "triples", "load_s", "peak_rss_mb", "store_mb", "queries", "export_s", "baseline"):
        assert key in report, key
    assert report["papers"] == 300 and report["triples"] > 5000
    assert report["baseline"]["triples"] == report["triples"]
    names = {q["name"] for q in report["queries"]}
    assert names == {q.name for q in saved_queries()}
    for q in report["queries"]:
        assert set(q) >= {"name", "p50_ms", "p95_ms", "baseline_p50_ms", "ratio", "same_results"}
        assert q["same_results"] is True, q["name"]
        assert q["rows"] > 0, f"{q['name']} has no answer on the synthetic graph"
    assert report["goals"]["results_differ"] == []
    assert not any(tmp_path.glob("kg-bench-*")), "the temporary store was not removed"


def test_bench_in_memory_column_answers_as_on_disk(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--papers", "300", "--repeats", "2", "--no-baseline", "--in-memory",
                                       "--json", str(out), "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["baseline"] is None
    assert report["in_memory"]["finished"] and report["in_memory"]["load_s"] > 0
    assert len(report["queries"]) == len(saved_queries())
    for q in report["queries"]:
        assert q["memory_p50_ms"] is not None and q["memory_same_results"] is True, q["name"]
    assert "in memory p50 ms" in result.output
