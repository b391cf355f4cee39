"""The bundled arXiv snapshot loads offline into plain records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import fakeapi  # noqa: F401 - puts the work tree on sys.path
import pytest

from ingest.errors import SnapshotError
from ingest.snapshot import load_arxiv_snapshot


def test_bundled_snapshot_loads() -> None:
    records = load_arxiv_snapshot()
    assert len(records) == 59
    assert all(r.source == "arxiv-snapshot" for r in records)
    by_id = {r.arxiv_id: r for r in records if r.arxiv_id}
    medsam = by_id["2304.12306"]
    assert medsam.title == "Segment Anything in Medical Images"
    assert medsam.published == date(2023, 4, 24) and medsam.year == 2023
    assert medsam.doi == "10.1038/s41467-024-44824-z"
    assert [a.name for a in medsam.authors][:2] == ["Jun Ma", "Yuting He"]
    assert medsam.url == "https://arxiv.org/abs/2304.12306"
    assert medsam.extra == {
        "seed_name": "MedSAM",
        "seed_title": "Segment Anything in Medical Images",
        "seed_link": "https://arxiv.org/abs/2304.12306",
        "seed_class": "Full fine-tuning of SAM",
        "seed_section": "SAM-based models",
        "seed_db_id": "MedSAM",
        "row_kind": "seed",
    }
    sam = by_id["2304.02643"]
    assert sam.extra == {"seed_name": "SAM", "seed_title": "Segment Anything",
                         "seed_link": "https://arxiv.org/abs/2304.02643", "row_kind": "extra"}
    assert by_id["2408.00714"].comment == "Website: https://ai.meta.com/sam2"
    assert by_id["2506.10825"].categories == ["eess.IV", "cs.AI", "cs.CV"]
    assert by_id["2506.10825"].primary_category == "eess.IV"
    # rows without an arXiv id are kept (the survey lists them), with no URL invented
    no_arxiv = [r for r in records if r.arxiv_id is None]
    assert no_arxiv and all(r.title and r.url is None for r in no_arxiv)


def test_empty_values_stay_out_of_extra() -> None:
    for record in load_arxiv_snapshot():
        assert all(v for v in record.extra.values())


def test_bad_json_names_the_file_and_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "arxiv-snapshot.json"
    bad.write_text('[{"arxiv_id": "2304.12306", "title": "x",}]', encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"arxiv-snapshot\.json: not valid JSON \(line 1") as err:
        load_arxiv_snapshot(bad)
    assert "restore the file" in str(err.value)


def test_wrong_shapes_are_named(tmp_path: Path) -> None:
    f = tmp_path / "snap.json"
    f.write_text(json.dumps({"papers": []}), encoding="utf-8")
    with pytest.raises(SnapshotError, match="expected a JSON list"):
        load_arxiv_snapshot(f)
    f.write_text(json.dumps([{"arxiv_id": "2304.12306", "title": "t", "published": "24/04/2023"}]), encoding="utf-8")
    with pytest.raises(SnapshotError, match="item 0 has published='24/04/2023'"):
        load_arxiv_snapshot(f)
    with pytest.raises(SnapshotError, match="not found"):
        load_arxiv_snapshot(tmp_path / "missing.json")


def test_truncated_abstracts_are_dropped(tmp_path: Path) -> None:
    f = tmp_path / "snap.json"
    f.write_text(json.dumps([{"arxiv_id": "2304.12306v2", "title": "T", "abstract": "Cut off...",
                              "abstract_truncated": True, "doi": "https://doi.org/10.1234/ABC"}]), encoding="utf-8")
    (record,) = load_arxiv_snapshot(f)
    assert record.abstract is None and record.arxiv_id == "2304.12306" and record.doi == "10.1234/abc"
