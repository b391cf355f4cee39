"""BibTeX from the real survey graph, parsed back with bibtexparser: entry types by venue,
the published version's year, every author known, unique readable keys, one implementation
for the export and the app's per-paper button."""

from __future__ import annotations

import bibtexparser
import pytest
from rdflib import Graph, Literal, URIRef

from kg.bibtex import bibtex_export, entry_type, papers_of_query
from kg.build import build
from kg.mapping import concept_iri, curation_update, decimal_literal, insert_update
from kg.store import Store
from kg.vocab import ARXIV, CANDIDATES, DCTERMS, MSKG, RDF

ID = "https://w3id.org/medseg-kg/id/paper/"
MEDSAM, UNET3D, SAM = ID + "arxiv/2304.12306", ID + "arxiv/1606.06650", ID + "arxiv/2304.02643"
MEDSAM2, CLIP_DRIVEN, COTR, PCNET = (ID + "arxiv/2504.03600", ID + "arxiv/2301.00785", ID + "arxiv/2103.03024",
                                     ID + "doi/10.1109/tmi.2024.3395349")


def parsed(text: str) -> dict[str, dict[str, str]]:
    """key -> fields (plus ENTRYTYPE), as bibtexparser reads ``text`` back."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {e.key: {"ENTRYTYPE": e.entry_type, **{f.key: str(f.value) for f in e.fields}} for e in library.entries}


@pytest.fixture(scope="module")
def export(store: Store) -> tuple[dict[str, str], dict[str, dict[str, str]], str]:
    ex = bibtex_export(store)
    return {e.paper: e.key for e in ex.entries}, parsed(ex.text), ex.text


def test_every_paper_parses_back_with_a_unique_key(export: tuple) -> None:
    keys, entries, _ = export
    assert len(keys) == 92 and len(entries) == 92  # every key distinct
    assert {e["ENTRYTYPE"] for e in entries.values()} == {"article", "inproceedings", "misc"}


def test_medsam_is_the_nature_communications_article_of_2024(export: tuple) -> None:
    keys, entries, _ = export
    e = entries[keys[MEDSAM]]
    assert keys[MEDSAM] == "ma2024segment"
    assert (e["ENTRYTYPE"], e["journal"], e["year"], e["doi"]) == (
        "article", "Nature Communications", "2024", "10.1038/s41467-024-44824-z")
    assert e["author"] == "Jun Ma and Yuting He and Feifei Li and Lin Han and Chenyu You and Bo Wang"
    assert e["title"] == "{Segment Anything in Medical Images}"


def test_3d_unet_is_a_miccai_paper_of_2016_whose_authors_are_not_known_offline(export: tuple) -> None:
    keys, entries, text = export
    e = entries[keys[UNET3D]]
    assert (e["ENTRYTYPE"], e["booktitle"], e["year"]) == ("inproceedings", "MICCAI", "2016")
    assert "author" not in e and "journal" not in e
    assert keys[UNET3D] == "anon20163d"
    assert ("% anon20163d: no authors known offline (`kg enrich` fetches them from arXiv and Semantic Scholar)"
            in text.splitlines())


def test_3d_unet_has_its_authors_once_a_live_source_gave_them() -> None:
    s = Store(None)
    build(s)
    g = Graph()  # what `kg enrich` writes for an arXiv record (graph:arxiv)
    g.add((URIRef(UNET3D), MSKG.authorList,
           Literal("Özgün Çiçek; Ahmed Abdulkadir; Soeren S. Lienkamp; Thomas Brox; Olaf Ronneberger")))
    s.update(insert_update(ARXIV, g))
    e = parsed(bibtex_export(s, [UNET3D]).text)
    assert list(e) == ["cicek20163d"]
    assert (e["cicek20163d"]["ENTRYTYPE"], e["cicek20163d"]["booktitle"], e["cicek20163d"]["year"]) == (
        "inproceedings", "MICCAI", "2016")
    assert e["cicek20163d"]["author"] == ("Özgün Çiçek and Ahmed Abdulkadir and Soeren S. Lienkamp and Thomas Brox "
                                          "and Olaf Ronneberger")


def test_sam_is_the_iccv_paper_and_medsam2_an_arxiv_preprint(export: tuple) -> None:
    keys, entries, _ = export
    sam = entries[keys[SAM]]
    assert (keys[SAM], sam["ENTRYTYPE"], sam["booktitle"], sam["year"], sam["doi"]) == (
        "kirillov2023segment", "inproceedings", "IEEE/CVF ICCV", "2023", "10.1109/iccv51070.2023.00371")
    m2 = entries[keys[MEDSAM2]]
    assert (keys[MEDSAM2], m2["ENTRYTYPE"], m2["year"], m2["eprint"], m2["archivePrefix"], m2["primaryClass"]) == (
        "ma2025medsam2", "misc", "2025", "2504.03600", "arXiv", "eess.IV")
    assert "journal" not in m2 and "booktitle" not in m2


def test_a_stored_entry_gives_its_details_only_to_its_own_version(export: tuple) -> None:
    keys, entries, _ = export
    clip = entries[keys[CLIP_DRIVEN]]  # stored entry: ICCV 2023; the database's last publication: MedIA 2024
    assert (clip["ENTRYTYPE"], clip["journal"], clip["year"]) == ("article", "Medical Image Analysis", "2024")
    assert "pages" not in clip
    cotr = entries[keys[COTR]]  # stored entry and last publication are one version
    assert (cotr["ENTRYTYPE"], cotr["booktitle"], cotr["year"], cotr["pages"]) == (
        "inproceedings", "Medical Image Computing and Computer Assisted Intervention -- MICCAI 2021", "2021",
        "171--180")


def test_authors_fall_back_to_the_stored_entry_and_say_so(store: Store, export: tuple) -> None:
    keys, entries, text = export
    assert entries[keys[PCNET]]["author"].startswith("Chen, Yixin and Gao, Yajuan and Zhu, Lei")
    notes = bibtex_export(store).notes
    assert f"chen2024pcnet <{PCNET}>: authors taken from the survey database's BibTeX entry (no source of the " \
           "graph lists them)" in notes
    assert len(notes) == 18
    assert sum("no authors known offline" in n for n in notes) == 15


def test_colliding_keys_get_letters_in_order_of_publication(export: tuple) -> None:
    keys, _, _ = export
    assert (keys[MEDSAM], keys[ID + "arxiv/2408.03322"]) == ("ma2024segment", "ma2024segmenta")


def test_the_per_paper_entry_is_the_exports_entry(store: Store, export: tuple) -> None:
    keys, entries, _ = export
    one = parsed(bibtex_export(store, [MEDSAM]).text)
    assert one == {keys[MEDSAM]: entries[keys[MEDSAM]]}


def test_the_papers_of_a_saved_question(store: Store, export: tuple) -> None:
    keys, _, _ = export
    papers = papers_of_query(store, "adapters-for-sam-on-btcv-with-code")
    assert [keys[p] for p in papers] == ["wu2023medical", "chen2024masam", "wang2024triplane", "gong20243dsamadapter"]
    assert list(parsed(bibtex_export(store, papers).text)) == [keys[p] for p in papers]


def test_queued_papers_are_not_in_the_bibliography() -> None:
    s = Store(None)
    build(s)
    g = Graph()
    paper = URIRef(ID + "arxiv/2611.00017")
    g.add((paper, RDF.type, MSKG.Paper))
    g.add((paper, DCTERMS.title, Literal("A queued paper")))
    g.add((paper, MSKG.predictedCategory, concept_iri("FEFT of SAM")))
    g.add((paper, MSKG.confidence, decimal_literal("0.5")))
    s.update(insert_update(CANDIDATES, g))
    s.update(curation_update({}))
    assert len(bibtex_export(s).entries) == 92
    with pytest.raises(KeyError, match="not in the bibliography"):
        bibtex_export(s, [str(paper)])


@pytest.mark.parametrize("venue, kind", [
    ("MICCAI", "inproceedings"), ("IEEE/CVF CVPR", "inproceedings"), ("NeurIPS", "inproceedings"),
    ("Computer Vision – ECCV 2022 Workshops", "inproceedings"),
    ("Proceedings of The 7nd International Conference on Medical Imaging with Deep Learning", "inproceedings"),
    ("Medical Image Analysis", "article"), ("Nature Communications", "article"), ("Radiology", "article"),
    ("arXiv", "misc"), ("arXiv.org", "misc"), (None, "misc"),
])
def test_entry_type_by_venue(venue: str | None, kind: str) -> None:
    assert entry_type(venue) == kind
