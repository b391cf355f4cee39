"""Entity resolution: list rows, database models, arXiv records and BibTeX sources meet."""

from __future__ import annotations

import pytest

from ingest.snapshot import load_arxiv_snapshot
from ingest.survey import load_survey_database, load_survey_list
from kg.resolve import mention_from_bibtex, resolve


@pytest.fixture(scope="module")
def survey():
    return load_survey_list()


@pytest.fixture(scope="module")
def snapshot():
    return load_arxiv_snapshot()


@pytest.fixture(scope="module")
def res(survey, snapshot):
    return resolve(survey, load_survey_database(), snapshot)


def _row(survey, name):
    return next(r for r in survey.rows if r.name == name)


@pytest.mark.parametrize(
    "list_name,db_id",
    [
        ("MedSA", "Med-SA"),
        ("M-SAM", "MEA M-SAM"),
        ("Hermes", "HERMES"),
        ("TP Mamba", "TP-Mamba"),
        ("Medical SAM 2", "Medical SAM 2 (MedSAM-2)"),
        ("Biomedical SAM 2", "Biomedical SAM-2 (BioSAM-2)"),
        ("MedSAM", "MedSAM"),
    ],
)
def test_list_names_meet_database_models(survey, res, list_name, db_id) -> None:
    assert res.row_model[_row(survey, list_name).line] == db_id


@pytest.mark.parametrize("name", ["LeSAM", "SPA", "PCNet", "EMedSAM", "3DMedSAM"])
def test_journal_only_papers_meet_by_doi_or_title(survey, res, name) -> None:
    row = _row(survey, name)
    assert row.arxiv_id is None
    assert res.row_model[row.line] == name
    paper = res.papers[res.row_paper[row.line]]
    assert {m.source for m in paper.mentions} >= {"survey-list", "survey-db"}


def test_resolution_agrees_with_the_snapshot_transcribers(survey, res, snapshot) -> None:
    """The snapshot's transcribers noted which database model each list row is: an independent check."""
    by_title = {r.title: r for r in survey.rows}
    checked = 0
    for record in snapshot:
        expected = record.extra.get("seed_db_id")
        row = by_title.get(record.extra.get("seed_title"))
        if expected and row:
            assert res.row_model[row.line] == expected, row.name
            checked += 1
    assert checked == 48  # every seed row with a database id (SAMM has none)


def test_evaluation_studies_stay_papers(survey, res) -> None:
    unnamed = [r for r in survey.rows if r.name is None]
    assert len(unnamed) == 7
    assert all(r.line not in res.row_model for r in unnamed)
    assert len({res.row_paper[r.line] for r in unnamed}) == 7


def test_only_samm_is_a_list_only_model(res) -> None:
    assert set(res.list_only_models) == {"SAMM"}


def test_preprint_and_published_version_are_one_paper(res) -> None:
    knowsam = res.papers[res.model_paper["KnowSAM"]]
    assert knowsam.arxiv_id == "2412.13742" and knowsam.doi == "10.1109/tmi.2025.3530097"
    assert knowsam.key == "paper/arxiv/2412.13742"


def test_every_result_row_is_linked_and_quirks_reported(res) -> None:
    assert len(res.results) == 1041
    assert not res.unresolved
    two = [r for r in res.results if r.result.model_id == "U-Net, 3D U-Net"]
    assert len(two) == 17 and all(r.model_ids == ["U-Net", "3D U-Net"] for r in two)
    assert {r.model_ids[0] for r in res.results if r.result.model_id == "ScaNeXt"} == {"SCANeXt"}
    assert {r.model_ids[0] for r in res.results if r.result.model_id == "Biomedical SAM-2"} == {
        "Biomedical SAM-2 (BioSAM-2)"
    }
    assert any("MultiTalent " in n for n in res.notes)
    assert set(res.sub_datasets) == {
        "TotalSegmentator Cardiac",
        "TotalSegmentator Muscles",
        "TotalSegmentator Organs",
        "TotalSegmentator Vertebrae",
        "TotalSegmentator Ribs",
        "CHAOS Liver",
    }
    assert res.sub_datasets["CHAOS Liver"].parent == "CHAOS"


def test_lineage_from_backbones_and_taxonomy(res) -> None:
    assert res.backbone_models["MedSAM2"] == ["SAM 2"]
    assert res.backbone_models["SAM 2"] == ["SAM"]
    assert res.backbone_models["STU-Net"] == ["nnU-Net"]
    assert res.backbone_models["PCNet"] == ["STU-Net"]
    assert "IMIS-Net" not in res.backbone_models  # '2D ViT-Base' names no model
    assert any("SwinUNETR-V2" in n for n in res.backbone_notes)  # a variant: reported, not guessed
    assert res.section_base_model == {"SAM-based models": "SAM", "SAM 2-based models": "SAM 2"}


def test_bibtex_source_becomes_a_paper_mention() -> None:
    m = mention_from_bibtex(
        "@misc{k, title={{LHU-Net}: A Light Hybrid U-Net}, author={A One and B Two}, "
        "year={2024}, eprint={2404.05102}, archivePrefix={arXiv}}"
    )
    assert (m.arxiv_id, m.title, m.year, m.authors) == (
        "2404.05102",
        "LHU-Net: A Light Hybrid U-Net",
        2024,
        ["A One", "B Two"],
    )
