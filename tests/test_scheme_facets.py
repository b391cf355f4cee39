"""Issue #18, the third column of a later survey list: what it holds is a facet of its own
(an adaptation-strategy term of the small SKOS scheme id:adaptation-strategy, or free text
kept as a note), never a class; and `kg export --format survey-md` after a maintainer adopted
such a version writes the list in the version's structure, every row with its class and its
third column.

Fixture of this file's own (tests/fixtures/survey-list-strategies.md, served by the local
fake server like tests/test_schemes.py's): strategies spelled several ways ("Full-parameter
fine-tuning", "Low-rank adaptation of SAM", "PEFT", "Adapter tuning"), one no canonical term
names ("Side-tuning of SAM"), an empty cell, a free-text column holding a note and a known
term, a section with a Classification column of new classes, and a 3-column table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fakeapi import FakeApi, fake_api  # noqa: F401
from test_schemes import F1_NEW, F1_STUDIES, FIXTURES, OLD, V, _list_entries, q, run, serve_list

from ingest.survey import load_survey_list
from ingest.survey_list import parse_survey_list
from kg.build import build
from kg.schemes import adopt_scheme
from kg.store import Store
from kg.survey_md import survey_markdown
from kg.taxonomy import taxonomy_categories
from kg.validate import validate_store
from kg.vocab import ID, TAXONOMY_STAGED

FIXTURE = "survey-list-strategies.md"
SAM2 = "Models based on SAM 2"
F4 = "Fusion level F_4 - Others models trained on images"
STRATEGY = str(ID["adaptation-strategy"]) + "/"


@pytest.fixture()
def staged(fake_api: FakeApi, tmp_path: Path) -> Store:  # noqa: F811 (the fixture imported above)
    store = Store(None)
    build(store)
    serve_list(fake_api, FIXTURE)
    report = run(store, fake_api, tmp_path)
    change = report.list_changes.scheme_change  # type: ignore[union-attr]
    assert change is not None and (change.scheme, change.first_seen) == (V, True)
    return store


def test_each_third_column_cell_is_a_strategy_term_or_a_note_never_a_class(staged: Store) -> None:
    places = q(staged, f"""SELECT DISTINCT ?name ?s ?note WHERE {{ ?m a mskg:Model ; rdfs:label ?name ;
        dcterms:subject ?c . ?c skos:inScheme <{V}> .
        OPTIONAL {{ ?m mskg:adaptationStrategy/skos:prefLabel ?s }} OPTIONAL {{ ?m skos:note ?note }} }}""")
    assert {r["name"]: (r["s"], r["note"]) for r in places} == {
        "MedSAM": ("Full fine-tuning", None), "SAM-Med2D": (None, None), "SAMed": ("LoRA", None),
        "FLAP-SAM": ("Parameter-efficient fine-tuning", None), "Med-SA": ("Adapters", None),
        "MA-SAM": ("Side-tuning", None),  # a strategy column's cell no canonical term names: a term of its own
        "SAM-Med3D": (None, "Design of 3D SAM mask decoder"),  # a free-text column: a note
        "3DMedSAM": ("LoRA", None),  # a free-text column whose cell is exactly a known term
        "MedSAM2": (None, None), "Medical SAM 2 (MedSAM-2)": (None, None), "UniverSeg": (None, None)}
    # the canonical terms are the ontology's own IRIs; the new one is minted in the same scheme, by the staging
    terms = {r["l"]: r["t"] for r in q(staged, """SELECT DISTINCT ?t ?l WHERE { ?x mskg:adaptationStrategy ?t .
        ?t skos:prefLabel ?l }""")}
    assert terms == {label: STRATEGY + slug for label, slug in (
        ("Full fine-tuning", "full-fine-tuning"), ("LoRA", "lora"), ("Adapters", "adapters"),
        ("Parameter-efficient fine-tuning", "parameter-efficient-fine-tuning"), ("Side-tuning", "side-tuning"))}
    assert q(staged, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{STRATEGY}side-tuning> skos:inScheme
        id:adaptation-strategy ; skos:topConceptOf id:adaptation-strategy }} }}""") == [{"g": str(TAXONOMY_STAGED)}]
    # never a class: the version's classes are the list's headings and Classification cells, no strategy among them
    assert [c.label for c in taxonomy_categories(staged, V)] == [F1_STUDIES, F1_NEW, "Memory fine-tuning",
                                                                "Video-style prompting", F4]
    assert q(staged, """ASK { ?t skos:inScheme id:adaptation-strategy ; skos:inScheme ?s
        FILTER(?s != id:adaptation-strategy) }""") == [{"result": False}]
    assert q(staged, "ASK { ?x mskg:category|dcterms:subject ?t . ?t skos:inScheme id:adaptation-strategy }") == [
        {"result": False}]
    result = validate_store(staged)
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]


def test_survey_md_after_adoption_is_the_adopted_list_row_for_row(staged: Store) -> None:
    adopt_scheme(staged, V, decided=date(2026, 11, 7))
    text = survey_markdown(staged)
    parsed = parse_survey_list("README.md", text=text)
    assert parsed.problems == [] and parsed.sections == [F1_STUDIES, F1_NEW, SAM2, F4]
    assert f"## {F1_STUDIES}\n\n| Model | Publication | Fine-tuning | Code |\n" in text
    assert f"## {SAM2}\n\n| Model | Publication | Classification | Code |\n" in text  # a section of classes
    assert f"## {F4}\n\n| Model | Publication | Code |\n" in text
    assert parsed.categories[SAM2] == ["Memory fine-tuning", "Video-style prompting"]
    # every row of the adopted list: its class, title, link, code and what its third column says
    assert _list_entries(text) == _list_entries((FIXTURES / FIXTURE).read_text(encoding="utf-8"))
    # a class's entries in the order of the survey's own list
    bundled = [r.name for r in load_survey_list().rows]
    studies = [r.name for r in parsed.rows if r.category == F1_STUDIES]
    assert studies == sorted(studies, key=bundled.index) and len(studies) == 6

    adopt_scheme(staged, OLD, decided=date(2026, 11, 8))  # back to the original: the bundled structure
    assert parse_survey_list("README.md", text=survey_markdown(staged)).sections == load_survey_list().sections


def test_a_model_accepted_under_the_adopted_version_joins_its_class_with_its_rows_strategy(
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    """A row new to the fusion list is queued; accepted as a model in the adopted version, its
    class is that version's concept (none is minted in id:taxonomy), and the list written
    after adoption has its row, with the strategy the list gave it (carried by its paper)."""
    from test_survey_md import accept

    from ingest.curation import Decision

    store = Store(None)
    build(store)
    serve_list(fake_api, "survey-list-fusion.md")
    run(store, fake_api, tmp_path)
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    accept(store, [Decision("https://w3id.org/medseg-kg/id/paper/arxiv/2612.04411", "accepted", F1_STUDIES,
                            date(2026, 11, 9), model="AdaptFuse-SAM", scheme=V,
                            code="https://github.com/example/adaptfuse-sam")])
    assert q(store, "SELECT ?c WHERE { id:model\\/adaptfuse-sam mskg:category ?c }") == [
        {"c": f"{V}/list-of-studies-on-sam-leveraging-f-1-fusion"}]
    assert q(store, f"""ASK {{ ?x mskg:category ?c FILTER(STRSTARTS(STR(?c), "{OLD}/"))
        FILTER NOT EXISTS {{ ?c skos:inScheme id:taxonomy }} }}""") == [{"result": False}]  # nothing minted there
    text = survey_markdown(store)
    assert ("| AdaptFuse-SAM | [AdaptFuse-SAM: Fusion-Aware Adapters for Segment Anything in Abdominal CT]"
            "(https://arxiv.org/abs/2612.04411) | Adapters | [Code](https://github.com/example/adaptfuse-sam) |"
            ) in text
    upstream = _list_entries((FIXTURES / "survey-list-fusion.md").read_text(encoding="utf-8"))
    assert _list_entries(text) == {k: v for k, v in upstream.items() if k != (
        "List of studies on SAM leveraging F_2 fusion", "FusionSAM-X")}  # the one row still queued
    result = validate_store(store)
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]
