"""`kg classify`: JSON Lines in (a file or stdin), JSON Lines out; classes from the graph's
SKOS scheme, or from the bundled survey list on a machine with no store yet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from fakeapi import recorded_json, recorded_text

ROOT = Path(__file__).resolve().parents[1]
# On the update fixtures (19 in scope, 12 near misses) the classifier alone, with no survey-list help,
# decides every paper right: precision, recall and class accuracy 1.0.


def _kg(*args: str, store: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": str(store), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def fixture_papers() -> list[dict]:
    """Title + abstract of every labelled paper of tests/recorded/update (from the arXiv entries,
    and the S2 citation pages for the one paper that is not on arXiv)."""
    labels = recorded_json("update/expected.json")["labels"]
    abstracts = {}
    entries = recorded_text("update/arxiv-entries.xml")
    for m in re.finditer(r"<title>(.*?)</title>\s*<summary>(.*?)</summary>", entries, re.DOTALL):
        abstracts[" ".join(m.group(1).split()).replace("&amp;", "&")] = " ".join(m.group(2).split())
    for name in ("sam", "sam2", "medsam"):
        for item in recorded_json(f"update/s2-citations-{name}.json")["data"]:
            p = item["citingPaper"]
            if p.get("title") and p.get("abstract"):
                abstracts.setdefault(p["title"], p["abstract"])
    return [{"title": t, "abstract": abstracts[t], "label": label} for t, label in labels.items()]


def test_classify_from_stdin_on_a_fresh_machine_uses_the_bundled_classes(tmp_path: Path) -> None:
    papers = fixture_papers()
    stdin = "".join(json.dumps({"title": p["title"], "abstract": p["abstract"]}) + "\n" for p in papers)
    proc = _kg("classify", store=tmp_path / "no-store-here", stdin=stdin + "not json\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    last = len(papers) + 1
    assert out[-1] == {"line": last, "error": f"line {last}: Expecting value: line 1 column 1 (char 0)"}
    out = out[:-1]
    assert [o["title"] for o in out] == [p["title"] for p in papers]
    assert all(set(o) == {"title", "relevant", "category", "confidence", "evidence"} for o in out)
    tp = sum(1 for o, p in zip(out, papers) if o["relevant"] and p["label"])
    fp = sum(1 for o, p in zip(out, papers) if o["relevant"] and not p["label"])
    fn = sum(1 for o, p in zip(out, papers) if not o["relevant"] and p["label"])
    right = sum(1 for o, p in zip(out, papers) if o["relevant"] and p["label"] and o["category"] == p["label"])
    precision, recall, accuracy = tp / (tp + fp), tp / (tp + fn), right / tp
    print(f"\nkg classify on the update fixtures: precision {precision:.3f} recall {recall:.3f} "
          f"class accuracy {accuracy:.3f} ({tp} true positives, {fp} false positives, {fn} missed)")
    assert (tp, fp, fn, right) == (19, 0, 0, 19)
    assert not (tmp_path / "no-store-here").exists()  # classifying creates no store


def test_classify_a_file_with_the_classes_of_the_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _kg("build", store=store).returncode == 0
    infile = tmp_path / "in.jsonl"
    infile.write_text(json.dumps({"title": "Fine-tuning SAM 2 for 3D CT segmentation", "abstract":
                                  "We fine-tune all weights of SAM 2 on CT volumes and segment organs."}) + "\n"
                      + json.dumps({"title": "SAM for remote sensing imagery", "abstract": None}) + "\n")
    outfile = tmp_path / "out.jsonl"
    proc = _kg("classify", str(infile), "-o", str(outfile), store=store)
    assert proc.returncode == 0, proc.stderr
    first, second = [json.loads(line) for line in outfile.read_text().splitlines()]
    assert first["relevant"] and first["category"] == "Fine-tuning of SAM 2"
    assert (second["relevant"], second["category"], second["confidence"]) == (False, None, 0.9515)
    assert second["evidence"]["reason"] == ("out of scope: no medical cue; off-domain cues outweigh medical ones "
                                            "(remote sensing)")
    # the two most probable classes and their probabilities (given the paper were in scope)
    assert [label for label, _ in first["evidence"]["top2"]] == ["Fine-tuning of SAM 2", "Full fine-tuning of SAM"]
    assert first["evidence"]["top2"][0][1] > first["evidence"]["top2"][1][1]
    only_bad = _kg("classify", store=store, stdin="{}\n")
    assert only_bad.returncode == 1 and "could not be read" in only_bad.stderr
