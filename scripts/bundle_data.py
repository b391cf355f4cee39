"""Derive the project's bundled data (ingest/data/) from the shared upstream extracts.

Run from the repository root with the shared folder beside it:

    python scripts/bundle_data.py ../shared

The survey list (CC BY-NC-ND) is kept as parsed facts (JSON rows), not as the file;
the survey database (MIT) is kept as its CSV tables with attribution; the arXiv
metadata (CC0) is kept without the transcribers' partial abstracts and field notes.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.survey import parse_survey_list  # noqa: E402

KEEP_SNAPSHOT_FIELDS = [
    "seed_name", "seed_title", "seed_link", "seed_class", "seed_section", "seed_db_id", "row_kind",
    "arxiv_id", "arxiv_version_seen", "title", "authors", "published", "primary_category",
    "categories", "abstract", "abstract_truncated", "doi", "journal_ref", "venue", "comments", "sources",
]


def main(shared: Path) -> None:
    out = ROOT / "ingest" / "data"
    (out / "gmmis").mkdir(parents=True, exist_ok=True)
    for name in ("models.csv", "datasets.csv", "results.csv"):
        shutil.copyfile(shared / "data" / "gmmis-survey" / name, out / "gmmis" / name)

    records = json.loads((shared / "data" / "arxiv-snapshot" / "records.json").read_text())
    trimmed = [{k: r.get(k) for k in KEEP_SNAPSHOT_FIELDS} for r in records]
    (out / "arxiv-snapshot.json").write_text(json.dumps(trimmed, indent=1, ensure_ascii=False) + "\n")

    survey = parse_survey_list(shared / "seed" / "survey-readme.md")
    payload = {
        "source": "https://github.com/Hal9000-lab/GMMIS-survey/blob/main/README.md",
        "sections": survey.sections,
        "categories": survey.categories,
        "rows": [asdict(r) for r in survey.rows],
        "problems": [asdict(p) | {"source": "survey-readme.md"} for p in survey.problems],
    }
    (out / "survey-list.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    print(f"bundled {len(survey.rows)} list rows, {len(trimmed)} arXiv records, 3 database tables into {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared"))
