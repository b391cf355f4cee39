"""Behaviour of the gazetteer linker on the bundled survey database (kg/tracker/linking.py)."""

from __future__ import annotations

import pytest

from ingest.survey import load_survey_database
from kg.tracker.linking import Gazetteer, Link


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_survey_database(load_survey_database())


def keys(links: list[Link], kind: str) -> list[str]:
    return [link.key for link in links if link.kind == kind]


def test_btcv_via_synapse_multi_organ(gazetteer):
    links = gazetteer.link("Results on the Synapse multi-organ CT benchmark.")
    assert keys(links, "dataset") == ["BTCV"]
    assert links[0].evidence.startswith("Synapse multi-organ")


def test_btcv_via_full_name(gazetteer):
    assert "BTCV" in keys(gazetteer.link("the Multi-Atlas Labeling Beyond The Cranial Vault challenge"), "dataset")


def test_msd_via_its_name_and_tasks(gazetteer):
    links = gazetteer.link("We use the Medical Segmentation Decathlon, in particular Task09_Spleen.")
    assert keys(links, "dataset") == ["MSD", "MSD Spleen"]


def test_sam2_does_not_also_link_sam(gazetteer):
    for text in ("built on SAM 2", "built on SAM2", "built on Segment Anything Model 2"):
        assert keys(gazetteer.link(text), "model") == ["SAM 2"], text


def test_sam_named_on_its_own_is_linked_beside_sam2(gazetteer):
    assert keys(gazetteer.link("SAM 2 extends SAM to video"), "model") == ["SAM 2", "SAM"]


def test_sam_2d_is_sam(gazetteer):
    assert keys(gazetteer.link("SAM 2D slices"), "model") == ["SAM"]


def test_no_ct_inside_ctspine1k(gazetteer):
    links = gazetteer.link("We evaluate on CTSpine1K.")
    assert keys(links, "dataset") == ["CTSpine1K"]
    assert keys(links, "modality") == []


def test_short_acronyms_are_case_sensitive_whole_words(gazetteer):
    assert keys(gazetteer.link("they sat with a pet; the satellite"), "model") == []
    assert keys(gazetteer.link("they sat with a pet; the satellite"), "modality") == []
    assert keys(gazetteer.link("compared with SAT on PET/CT"), "model") == ["SAT"]
    assert keys(gazetteer.link("compared with SAT on PET/CT"), "modality") == ["PET", "CT"]


def test_longest_match_wins(gazetteer):
    assert keys(gazetteer.link("MedSAM2 and MedSAM"), "model") == ["MedSAM2", "MedSAM"]
    assert keys(gazetteer.link("a 3D U-Net baseline"), "model") == ["3D U-Net"]
    assert keys(gazetteer.link("nnU-Net and Swin UNETR"), "model") == ["nnU-Net", "SwinUNETR"]


def test_versioned_sub_datasets_link_their_parent(gazetteer):
    links = gazetteer.link("BraTS 2021, BraTS2020, KiTS19 and AMOS 2022 CT")
    assert keys(links, "dataset") == ["BraTS", "BraTS", "KiTS", "AMOS"]


def test_generic_full_names_are_not_links(gazetteer):
    # 'Brain Tumor Segmentation' is BraTS's full name but also an ordinary phrase
    assert keys(gazetteer.link("we study brain tumor segmentation in MRI"), "dataset") == []


def test_modalities(gazetteer):
    text = "chest radiographs, fundus photographs, dermoscopic images, whole-slide images and echocardiography"
    assert keys(gazetteer.link(text), "modality") == ["X-ray", "fundus", "dermoscopy", "histopathology", "ultrasound"]


def test_links_carry_position_and_evidence(gazetteer):
    text = "Our model beats MedSAM on AMOS."
    for link in gazetteer.link(text):
        assert text[link.start : link.end] == link.evidence


def test_plain_tables_work_without_the_database():
    g = Gazetteer({"ToyData": ["Toy Dataset v1"]}, {"ToyNet": []}, {"CT": ["CT"]})
    links = g.link("ToyNet on the Toy Dataset v1 (CT)")
    assert [(x.kind, x.key) for x in links] == [("model", "ToyNet"), ("dataset", "ToyData"), ("modality", "CT")]
