"""Measure the Dice-claim extraction (kg/tracker/claims.py) against hand labels.

Run:  PYTHONPATH=. .venv/bin/python scripts/eval_claims.py [--list]

Abstracts: every complete abstract of the bundled arXiv snapshot (the survey's papers, real
arXiv text). Labels: tests/fixtures/claims/snapshot-dice-labels.json, written by hand and
checked against the survey database where they overlap (see its "about"). The rules were
written while reading these abstracts, so the numbers are in-sample: read them as an upper
bound, and grow the labels with papers from the weekly review queue.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ingest.snapshot import load_arxiv_snapshot
from ingest.survey_database import load_survey_database
from kg.tracker.claims import ClaimScore, extract_claims, score_claims
from kg.tracker.linking import Gazetteer

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "claims" / "snapshot-dice-labels.json"


def evaluate(show: bool = False) -> ClaimScore:
    gazetteer = Gazetteer.from_survey_database(load_survey_database())
    gold = json.loads(LABELS.read_text(encoding="utf-8"))["claims"]
    found = []
    abstracts = 0
    for record in load_arxiv_snapshot():
        if not record.abstract or not record.arxiv_id:
            continue
        abstracts += 1
        for claim in extract_claims(record.abstract, gazetteer):
            found.append((record.arxiv_id, claim))
            if show:
                print(f"  {record.arxiv_id}: {claim.value} on {claim.dataset} <- {claim.written!r}")
    score = score_claims(found, gold)
    print(f"abstracts {abstracts}")
    for line in score.lines():
        print(line)
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print every extracted claim")
    evaluate(parser.parse_args().list)


if __name__ == "__main__":
    main()
