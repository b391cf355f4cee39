"""Measure the offline paper classifier (kg/tracker/classify.py): dev-set quality, leave-one-out
accuracy on the survey's own papers, and throughput.

Run:  PYTHONPATH=. .venv/bin/python scripts/eval_classifier.py [--errors]

Training data: the bundled arXiv snapshot (the survey's papers, label = survey
class; SAM, SAM 2 and the survey itself as out-of-scope rows) plus the
hand-written kg/data/classifier-examples.jsonl. Categories come from the
bundled survey list (section -> classes), the same shape the graph's SKOS
scheme gives the CLI.

How the dev set (tests/data/classify-dev.jsonl) was built: written by hand by
the engineer who wrote the classifier, in our own words (no text copied from
papers); each line has a 'kind' (positive, positive:title-only, or
near-miss:<why>). A few titles name real models outside the survey (VISTA3D,
ScribblePrompt, SAT, SAMUS, SAM-Med3D-MoE) with freshly written descriptions
or no abstract. The first 65 items (35 in scope covering all 13 classes, 2-5
each; 30 near misses covering every rejected kind of the brief: SAM for remote
sensing, camouflaged objects, 3D scenes / point clouds, natural images and
video, task-specific networks for one organ, single-task CNNs, report
generation, medical classification and VQA foundation models, registration,
image synthesis) were written after the training examples and before any
weight was tuned. Because that first batch scored perfectly, 9 harder items
were added after the first run (4 title-only positives; near misses that mix
in a medical or segmentation mention: a camouflage/shadow adapter also tested
on polyps, a pathology foundation model with one segmentation probe, CLIP-style
zero-shot X-ray diagnosis, SAM 2 tracking in sports video, a one-task pancreas
cascade). Class labels follow the survey's class definitions. No dev title
appears in the training data (checked below). Weights in kg/tracker/classify.py were
chosen by a small grid over leave-one-out accuracy on the *training* data, not
on the dev set; still, the same person wrote dev and training texts, so treat
the dev numbers as optimistic for unseen phrasing and grow the dev set with
real papers from the weekly review queue.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ingest.survey import load_survey_list
from kg.tracker.classify import (
    Example,
    PaperClassifier,
    categories_from_sections,
    load_training_examples,
)

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "classify-dev.jsonl"


def load_dev(path: Path = DEV) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def survey_indices(examples: list[Example], n_snapshot: int) -> list[int]:
    """Snapshot rows that carry a survey class (the LOO population)."""
    return [i for i in range(n_snapshot) if examples[i].label is not None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print every misclassified item")
    args = parser.parse_args()

    categories = categories_from_sections(load_survey_list().categories)
    examples = load_training_examples()
    n_snapshot = len(load_training_examples(extra=None))
    dev = load_dev()
    train_titles = {e.title.lower() for e in examples}
    overlap = [d["title"] for d in dev if d["title"].lower() in train_titles]
    if overlap:
        print(f"dev set overlaps training data: {overlap}", file=sys.stderr)
        return 1

    classifier = PaperClassifier(categories, examples)

    # ---- dev set
    tp = fp = fn = tn = 0
    class_right = class_total = 0
    for item in dev:
        pred = classifier.classify(item["title"], item.get("abstract"))
        gold = item["label"] is not None
        tp += pred.relevant and gold
        fp += pred.relevant and not gold
        fn += (not pred.relevant) and gold
        tn += (not pred.relevant) and not gold
        if gold:
            class_total += 1
            best = classifier.rank(item["title"], item.get("abstract"))[0][0]
            class_right += best == item["label"]
            if args.errors and (best != item["label"] or not pred.relevant):
                print(f"  dev miss: {item['title'][:70]!r} gold={item['label']!r} got={best!r} relevant={pred.relevant} ({pred.evidence['reason']})")
        elif args.errors and pred.relevant:
            print(f"  dev false positive: {item['title'][:70]!r} -> {pred.category!r} ({pred.evidence['reason']})")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"dev set: {len(dev)} items ({tp + fn} in scope, {fp + tn} near misses)")
    print(f"  relevance  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"  class accuracy (in-scope items, best class) {class_right}/{class_total} = {class_right / class_total:.3f}")

    # ---- leave-one-out over the survey's own papers
    loo = survey_indices(examples, n_snapshot)
    right = end_to_end = 0
    for i in loo:
        held = examples[i]
        model = PaperClassifier(categories, examples[:i] + examples[i + 1 :])
        best = model.rank(held.title, held.abstract)[0][0]
        pred = model.classify(held.title, held.abstract)
        right += best == held.label
        end_to_end += pred.relevant and pred.category == held.label
        if args.errors and best != held.label:
            print(f"  LOO miss: {held.title[:70]!r} gold={held.label!r} got={best!r}")
    print(f"leave-one-out over {len(loo)} survey papers with a class and a title:")
    print(f"  class accuracy {right / len(loo):.3f} ({right}/{len(loo)});"
          f" relevant and right class {end_to_end / len(loo):.3f} ({end_to_end}/{len(loo)})")

    # ---- throughput
    texts = [(d["title"], d.get("abstract")) for d in dev] + [(e.title, e.abstract) for e in examples]
    batch = texts * max(1, 3000 // len(texts))
    start = time.perf_counter()
    for title, abstract in batch:
        classifier.classify(title, abstract)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    PaperClassifier(categories, examples)
    build = time.perf_counter() - start
    print(f"throughput: {len(batch) / elapsed:,.0f} papers/s ({len(batch)} classifications in {elapsed:.2f} s);"
          f" building the classifier takes {build * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
