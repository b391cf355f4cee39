"""Issue #18: the survey's taxonomy changes (the mid-2025 list is organised by fusion level),
and `kg update` follows it with a new scheme beside the old one, a crosswalk between them,
nothing mixed; a maintainer adopts the new scheme, and everything follows the scheme in force.

The upstream list is served by the local fake server (tests/fakeapi.py) at the path the
update reads it from, as in tests/test_update.py; arXiv and Semantic Scholar are left out of
the discovery config, so each run reads the list alone. Fixtures (tests/fixtures/):
``survey-list-fusion.md`` (nine sections carrying fusion levels; a third column
"Fine-tuning" with strategies, "Application"/"Additional training" with free text; models of
the bundled list, one new per section of studies, two removed, two adapters moved to the
architectures) and ``survey-list-fusion-later.md`` (a week later: M-SAM moved back to the
F_1 studies, LoRA-Fuse added).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fakeapi import FakeApi, Reply, fake_api  # noqa: F401
from ingest.curation import Decision, append_decision, read_decisions
from ingest.http import build_policy
from ingest.scheme_decisions import read_scheme_decisions
from ingest.survey_list import parse_survey_list
from ingest.survey_list_shape import Facet, HeadingShape, heading_shape, read_facets
from kg.build import build
from kg.mapping.schemes import read_facet
from kg.queries import internal, saved_text, with_prefixes
from kg.scheme_outline import scheme_outline
from kg.schemes import (
    SchemeError, adopt_scheme, adoption_update, crosswalk, map_through_crosswalk, scheme_in_force,
)
from kg.store import Store
from kg.taxonomy import taxonomy_categories
from kg.tracker.classify import PaperClassifier, load_training_examples
from kg.tracker.config import DiscoveryConfig
from kg.tracker.report import UpdateReport
from kg.tracker.scheme_digest import scheme_change_markdown
from kg.tracker.schemes import examples_in_force, match_kind
from kg.tracker.update import run_update
from kg.validate import validate_graph, validate_store
from kg.vocab import ID, TAXONOMY_IN_FORCE

FIXTURES = Path(__file__).parent / "fixtures"
LIST_PATH = "/raw/GMMIS-survey/main/README.md"
TODAY = date(2026, 11, 5)
V = str(ID["taxonomy-2026-11-05"])
OLD = str(ID["taxonomy"])
F1_STUDIES = "List of studies on SAM leveraging F_1 fusion"
F1_NEW = "List of new SAM architectures and frameworks based on SAM, leveraging F_1 fusion"
F2_STUDIES = "List of studies on SAM leveraging F_2 fusion"
F3_STUDIES = "List of studies on SAM2 leveraging F_3 fusion"
HEADINGS = [F1_STUDIES, F1_NEW, F2_STUDIES, F3_STUDIES,
            "Fusion level F_4 - Others models trained on images",
            "Fusion level F_4 - Models trained on both text and images",
            "Fusion level F_0 - Others models trained on images",
            "Fusion level F_0 - Models trained on both text and images",
            "No fusion: other models trained on images"]
LEVELS = ["Fusion level F_1", "Fusion level F_2", "Fusion level F_3", "Fusion level F_4", "Fusion level F_0",
          "No fusion"]


def serve_list(api: FakeApi, fixture: str) -> None:
    api.routes = [r for r in api.routes if r.path != LIST_PATH]
    api.add("GET", LIST_PATH, Reply(200, (FIXTURES / fixture).read_text(encoding="utf-8"),
                                    content_type="text/plain; charset=utf-8"))


def run(store: Store, api: FakeApi, tmp_path: Path, today: date = TODAY) -> UpdateReport:
    config = DiscoveryConfig.load()
    config.queries, config.anchors, config.list_url = [], {}, api.url + LIST_PATH
    policy = build_policy(None, wait_budget_seconds=5, max_attempts=2, backoff_base=0.01)
    return run_update(store, policy=policy, config=config, since=date(2026, 10, 1), today=today,
                      curation_file=tmp_path / "curation.toml", digest_dir=tmp_path / "digests")


def q(store: Store, body: str) -> list[dict]:
    return store.select(with_prefixes(body)).rows


def categories_of_models(store: Store) -> set[tuple[str, str]]:
    return {(r["m"], r["class"]) for r in store.select(internal("model-categories", scheme=OLD)).rows}


def staged_quads(store: Store) -> set[str]:
    return {str(x) for x in store.quads() if "graph/provenance" not in str(x.graph_name)}


@pytest.fixture()
def survey_store() -> Store:
    store = Store(None)
    build(store)
    return store


@pytest.fixture()
def staged(survey_store: Store,
           fake_api: FakeApi,  # noqa: F811 (the fixture imported above)
           tmp_path: Path) -> tuple[Store, UpdateReport]:
    serve_list(fake_api, "survey-list-fusion.md")
    return survey_store, run(survey_store, fake_api, tmp_path)


# --------------------------------------------------------------------------- reading the list's shape


def test_the_parser_keeps_every_row_of_a_fusion_list_but_not_its_third_column() -> None:
    """What ingest/survey_list.py does with the new shape: no row dropped (3-column tables and
    tables with a differently named third column both parse), the heading becomes every
    row's class, and the third column is read by no one: read_facets keeps it."""
    text = (FIXTURES / "survey-list-fusion.md").read_text(encoding="utf-8")
    parsed = parse_survey_list("README.md", text=text)
    assert (len(parsed.rows), parsed.problems, parsed.sections) == (56, [], HEADINGS[:4] + [
        HEADINGS[4], HEADINGS[6], HEADINGS[8], HEADINGS[5], HEADINGS[7]])
    assert all(r.category == r.section for r in parsed.rows)
    facets = read_facets(text)
    line = {r.name or r.title: r.line for r in parsed.rows}
    assert facets[line["MedSAM"]] == Facet("Fine-tuning", "Full fine-tuning of SAM")
    assert facets[line["SAM-Med3D"]] == Facet("Application", "Design of 3D SAM mask decoder")
    assert facets[line["KnowSAM"]] == Facet("Additional training", "Semi-supervised learning framework based on SAM")
    assert line["UniverSeg"] not in facets  # a 3-column table has no facet
    assert len(facets) == 34  # every row of the four 4-column tables


@pytest.mark.parametrize(("heading", "shape"), [
    (F1_STUDIES, HeadingShape("Fusion level F_1", "SAM")),
    (F1_NEW, HeadingShape("Fusion level F_1", "SAM")),
    (F3_STUDIES, HeadingShape("Fusion level F_3", "SAM 2")),
    ("Fusion level F_4 - Models trained on both text and images", HeadingShape("Fusion level F_4", "text and images")),
    ("No fusion: other models trained on images", HeadingShape("No fusion", "images")),
    ("SAM-based models", HeadingShape(None, "SAM")),
])
def test_headings_say_their_fusion_level_and_model_family(heading: str, shape: HeadingShape) -> None:
    assert heading_shape(heading) == shape


@pytest.mark.parametrize(("column", "value", "facet"), [
    ("Fine-tuning", "Full fine-tuning of SAM", ("Full fine-tuning", None)),
    ("Fine-tuning", "Adapters", ("Adapters", None)),
    ("Fine-tuning", "LoRA", ("LoRA", None)),
    ("Fine-tuning", "Visual prompt tuning", ("Prompt tuning", None)),
    ("Fine-tuning", "Side-tuning of SAM", ("Side-tuning", None)),  # a strategy column: a new term
    ("Fine-tuning", "---", (None, None)),
    ("Application", "Design of 3D SAM mask decoder", (None, "Design of 3D SAM mask decoder")),
    ("Additional training", "LoRA", ("LoRA", None)),  # free-text column, but exactly a known term
])
def test_the_third_column_is_a_strategy_or_a_note(column: str, value: str, facet: tuple) -> None:
    assert read_facet(column, value) == facet


@pytest.mark.parametrize(("counts", "kind"), [
    ((3, 3, 3), "exactMatch"), ((2, 2, 11), "broadMatch"), ((8, 16, 8), "narrowMatch"),
    ((7, 9, 11), "closeMatch"), ((2, 9, 6), "relatedMatch"),
])
def test_the_link_kind_follows_the_shared_entries(counts: tuple[int, int, int], kind: str) -> None:
    assert match_kind(*counts) == kind


# --------------------------------------------------------------------------- kg update stages a version


def test_update_stages_a_second_scheme_and_mixes_nothing(staged: tuple[Store, UpdateReport]) -> None:
    store, report = staged
    before = Store(None)
    build(before)
    lc = report.list_changes
    assert lc is not None and lc.scheme_change is not None
    change = lc.scheme_change
    assert (change.scheme, change.previous, change.first_seen, change.staged_now) == (V, OLD, True, True)
    # a scheme change, not 56 rows that "changed class" and nine "classes new to the taxonomy"
    assert (lc.changed, lc.new_classes) == ([], [])
    assert [s.note for s in report.sources] == ["56 rows; 2 new, 0 changed class, 2 removed, 0 broken"]
    assert ([r.name for r in lc.new_rows], [r.name for r in lc.removed]) == (
        ["AdaptFuse-SAM", "FusionSAM-X"], ["Cheap Lunch SAM", "Hermes"])

    # the original scheme holds only its own concepts; the version holds the new ones, under its own IRIs
    labels = "SELECT DISTINCT ?l WHERE { ?c skos:inScheme id:taxonomy ; skos:prefLabel ?l }"
    original = {r["l"] for r in q(store, labels)}
    assert original == {r["l"] for r in q(before, labels)}
    assert len(original) == 15  # 4 sections, 13 classes, two sections being their own class
    new = q(store, f"SELECT ?c ?l ?b WHERE {{ GRAPH graph:taxonomy-staged {{ ?c skos:inScheme <{V}> ; "
                   "skos:prefLabel ?l OPTIONAL { ?c skos:broader/skos:prefLabel ?b } } }")
    assert sorted(r["l"] for r in new) == sorted(LEVELS + HEADINGS)
    assert all(r["c"].startswith(V + "/") for r in new)
    assert {r["l"]: r["b"] for r in new}[F1_NEW] == "Fusion level F_1"
    assert q(store, "ASK { ?c skos:inScheme ?a, ?b FILTER(?a != ?b) }") == [{"result": False}]
    assert q(store, f"""SELECT ?d ?p WHERE {{ <{V}> a skos:ConceptScheme ; dcterms:issued ?d ;
        prov:wasRevisionOf ?p }}""") == [{"d": TODAY, "p": OLD}]
    # the third column is a facet: strategies are terms of their own scheme, never a class
    assert q(store, "ASK { ?x mskg:category ?t . ?t skos:inScheme id:adaptation-strategy }") == [{"result": False}]
    strategies = "SELECT DISTINCT ?l WHERE { ?x mskg:adaptationStrategy ?t . ?t skos:prefLabel ?l }"
    assert {r["l"] for r in q(store, strategies)} == {"Full fine-tuning", "Adapters", "LoRA"}
    assert q(store, "ASK { ?x mskg:adaptationStrategy ?t FILTER NOT EXISTS { ?t skos:inScheme id:adaptation-strategy } "
                    "}") == [{"result": False}]
    assert q(store, "ASK { id:adaptation-strategy prov:wasRevisionOf ?s }") == [{"result": False}]  # not a version

    # every survey model keeps its class in the old scheme, and gains its place in the new one
    assert categories_of_models(store) == categories_of_models(before)
    place = f"""SELECT DISTINCT ?l ?s ?note WHERE {{ id:model\\/%s dcterms:subject ?c . ?c skos:inScheme <{V}> ;
        skos:prefLabel ?l . OPTIONAL {{ id:model\\/%s mskg:adaptationStrategy/skos:prefLabel ?s }}
        OPTIONAL {{ id:model\\/%s skos:note ?note }} }}"""
    assert q(store, place % (("medsam",) * 3)) == [{"l": F1_STUDIES, "s": "Full fine-tuning", "note": None}]
    # a model that moved: 3DMedSAM was an adapter, and is now a new architecture, with its note
    assert q(store, place % (("3dmedsam",) * 3)) == [
        {"l": F1_NEW, "s": None, "note": "Fully 3D adaptation of the image encoder"}]
    assert categories_of_models(store) >= {("https://w3id.org/medseg-kg/id/model/3dmedsam", "Adapters for SAM")}

    # the graph validates
    result = validate_store(store)
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]


def test_the_crosswalk_has_links_with_counts_for_review(staged: tuple[Store, UpdateReport]) -> None:
    store, _ = staged
    links = {(r["oldLabel"], r["newLabel"]): (r["match"].rsplit("#", 1)[1], r["n"], r["description"])
             for r in store.select(internal("crosswalk", scheme=V)).rows}
    assert len(links) == 18
    assert links[("Adapters for SAM", F1_STUDIES)] == ("closeMatch", 7, (
        f"7 of the 9 entries of 'Adapters for SAM' listed in both versions (9 in the old scheme) sit under "
        f"'{F1_STUDIES}' (11 shared entries there); strategies: Adapters 7"))
    assert links[("Adapters for SAM", F1_NEW)][:2] == ("relatedMatch", 2)
    assert crosswalk(store, V)[:2] == [  # the same links as the review command shows them, by old class
        {"from": OLD, "old": "Adapters for SAM", "match": "closeMatch", "new": F1_STUDIES, "entries": 7,
         "description": links[("Adapters for SAM", F1_STUDIES)][2]},
        {"from": OLD, "old": "Adapters for SAM", "match": "relatedMatch", "new": F1_NEW, "entries": 2,
         "description": links[("Adapters for SAM", F1_NEW)][2]}]
    assert links[("FEFT of SAM", F1_STUDIES)] == ("broadMatch", 2, (
        f"2 of the 2 entries of 'FEFT of SAM' listed in both versions (3 in the old scheme) sit under '{F1_STUDIES}' "
        "(11 shared entries there); strategies: LoRA 2"))
    assert links[("Zero-shot of SAM 2", F3_STUDIES)][:2] == ("broadMatch", 4)  # evaluation studies: papers
    assert links[("Other models trained only on images", "No fusion: other models trained on images")][:2] == (
        "narrowMatch", 3)
    # the plain SKOS link is there too, from the old concept to the new
    assert q(store, f"""ASK {{ id:taxonomy\\/adapters-for-sam skos:closeMatch
        <{V}/list-of-studies-on-sam-leveraging-f-1-fusion> }}""") == [{"result": True}]


def test_new_rows_are_classed_in_the_scheme_in_force_never_under_a_heading(
        staged: tuple[Store, UpdateReport]) -> None:
    store, report = staged
    assert [(c.title.split(":")[0], c.category) for c in report.candidates] == [
        # FusionSAM-X (title only: a cross-level feature fusion module) is the learned
        # classifier's call; an added module reads as an adapter at least as well as FEFT.
        ("AdaptFuse-SAM", "Adapters for SAM"), ("FusionSAM-X", "Adapters for SAM")]
    rows = q(store, """SELECT ?p ?scheme WHERE { GRAPH graph:candidates { ?p mskg:predictedCategory ?c }
        ?c skos:inScheme ?scheme }""")
    assert {r["scheme"] for r in rows} == {OLD}
    import json
    evidence = {r["p"].rsplit("/", 1)[1]: json.loads(r["e"]) for r in q(
        store, "SELECT ?p ?e WHERE { GRAPH graph:candidates { ?p mskg:evidence ?e } }")}
    assert (evidence["2612.04411"]["classifier"], evidence["2612.04411"]["list_class"]) == ("crosswalk", F1_STUDIES)
    assert evidence["2612.04411"]["reason"].endswith("7 of the 7 entries listed there before were 'Adapters for SAM'")
    # the crosswalk cannot say for FusionSAM-X (its F_2 peers came from four classes): the classifier did
    assert evidence["2612.05522"]["classifier"] == "kg.tracker.classify.PaperClassifier"
    # and each new paper has its place in the version beside its class in force
    assert q(store, """SELECT DISTINCT ?l ?s WHERE { id:paper\\/arxiv\\/2612.04411 dcterms:subject/skos:prefLabel ?l ;
        mskg:adaptationStrategy/skos:prefLabel ?s }""") == [{"l": F1_STUDIES, "s": "Adapters"}]


def test_the_digest_says_the_taxonomy_changed_in_one_section(staged: tuple[Store, UpdateReport],
                                                            tmp_path: Path) -> None:
    _, report = staged
    digest = (tmp_path / "digests" / "latest.md").read_text(encoding="utf-8")
    assert "### Rows that changed class (0)" in digest and "Classes new to the taxonomy" not in digest
    lines = scheme_change_markdown(report.list_changes.scheme_change)  # type: ignore[union-attr]
    assert [x for x in lines if x.startswith("#")] == ["### The survey's taxonomy changed"]
    assert lines[2].startswith("The list no longer follows the scheme in force, `id:taxonomy` (0% of its 56 rows "
                               "carry one of its classes): it follows a new version, staged as "
                               "`id:taxonomy-2026-11-05` in graph:taxonomy-staged")
    assert lines[6:9] == ["- Fusion level F_1",
                          f"  - {F1_STUDIES}: 12 listed; Fine-tuning: Adapters 8, Full fine-tuning 2, LoRA 2",
                          f"  - {F1_NEW}: 6 listed; Application: kept as notes"]
    assert f"| Adapters for SAM | {F1_STUDIES} | closeMatch | 7 of 9 | Adapters 7 |" in lines
    assert f"| FEFT of SAM | {F1_STUDIES} | broadMatch | 2 of 2 (1 no longer listed) | LoRA 2 |" in lines
    assert lines[-3:] == [
        "- new in this version: AdaptFuse-SAM, FusionSAM-X (queued; classed in `id:taxonomy` through the crosswalk "
        "where it is clear, else by the classifier)",
        "- no longer listed: Cheap Lunch SAM, Hermes (they keep their class in `id:taxonomy`)", ""]


def test_a_second_run_writes_nothing_and_says_the_version_awaits_adoption(
        staged: tuple[Store, UpdateReport],
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    store, _ = staged
    before = staged_quads(store)
    again = run(store, fake_api, tmp_path)
    change = again.list_changes.scheme_change  # type: ignore[union-attr]
    assert (change.scheme, change.first_seen, change.staged_now, again.candidates) == (V, False, False, [])
    assert staged_quads(store) == before
    assert scheme_change_markdown(change)[2] == (
        "The list still follows `id:taxonomy-2026-11-05` (staged on 2026-11-05, not adopted); the scheme in force "
        "stays `id:taxonomy` (0% of the list's rows carry one of its classes). Review the crosswalk and adopt it "
        "with `kg taxonomy adopt id:taxonomy-2026-11-05`.")


def test_an_edit_of_the_staged_version_is_restaged_in_place(
        staged: tuple[Store, UpdateReport],
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    store, _ = staged
    serve_list(fake_api, "survey-list-fusion-later.md")
    later = run(store, fake_api, tmp_path, today=date(2026, 11, 12))
    change = later.list_changes.scheme_change  # type: ignore[union-attr]
    assert (change.scheme, change.first_seen, change.staged_now) == (V, False, True)  # the same version, restaged
    assert [(o.name, o.category, n.category) for o, n in later.list_changes.changed] == [  # type: ignore[union-attr]
        ("M-SAM", F1_NEW, F1_STUDIES)]
    assert q(store, f"""SELECT DISTINCT ?l WHERE {{ ?m mskg:listName "M-SAM" ; dcterms:subject ?c .
        ?c skos:inScheme <{V}> ; skos:prefLabel ?l }}""") == [{"l": F1_STUDIES}]
    links = {(r["oldLabel"], r["newLabel"]): r["n"] for r in store.select(internal("crosswalk", scheme=V)).rows}
    assert (links[("Adapters for SAM", F1_STUDIES)], links[("Adapters for SAM", F1_NEW)]) == (8, 1)
    assert [(c.title.split(":")[0], c.category) for c in later.candidates] == [("LoRA-Fuse", "FEFT of SAM")]
    assert q(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a skos:ConceptScheme ; prov:wasRevisionOf ?p }") \
        == [{"n": 1}]
    assert validate_store(store).conforms


def test_headings_an_older_update_mixed_into_id_taxonomy_do_not_hide_the_change(
        survey_store: Store,
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    """A store where the code before this fix ran against a fusion list holds six headings as
    concepts of id:taxonomy in graph:candidates: the list is still seen as another version."""
    from rdflib import Graph

    from kg.mapping import insert_update, map_concept
    from kg.vocab import CANDIDATES

    mixed = Graph()
    for heading in HEADINGS[:6]:
        map_concept(mixed, heading)
    survey_store.update(insert_update(CANDIDATES, mixed))
    serve_list(fake_api, "survey-list-fusion.md")
    report = run(survey_store, fake_api, tmp_path)
    lc = report.list_changes
    assert lc is not None and lc.scheme_change is not None
    assert (lc.scheme_change.scheme, lc.changed, [c.category for c in report.candidates]) == (
        V, [], ["Adapters for SAM", "Adapters for SAM"])  # FusionSAM-X: the classifier's call, as above


# --------------------------------------------------------------------------- adoption


def test_adoption_moves_the_classes_the_classifier_and_the_questions_and_switching_back_is_one_call(
        staged: tuple[Store, UpdateReport], tmp_path: Path) -> None:
    store, _ = staged
    curation = tmp_path / "curation.toml"
    append_decision(curation, Decision("https://w3id.org/medseg-kg/id/paper/arxiv/2612.05522", "rejected", "",
                                       date(2026, 11, 6)))
    assert [c.label for c in taxonomy_categories(store)][:2] == ["Zero-shot of SAM", "Few-shot of SAM"]
    assert adopt_scheme(store, "id:taxonomy-2026-11-05", curation_file=curation, decided=date(2026, 11, 7)) == V
    assert scheme_in_force(store) == V
    assert [c.label for c in taxonomy_categories(store)] == HEADINGS
    assert [(d.scheme, d.decided) for d in read_scheme_decisions(curation)] == [(V, date(2026, 11, 7))]
    assert [d.status for d in read_decisions(curation)] == ["rejected"]  # paper decisions read as before

    assert map_through_crosswalk(store, ["Adapters for SAM", "Zero-shot of SAM", "Other models trained only on images",
                                         F2_STUDIES, "No such class"]) == {
        "Adapters for SAM": (F1_STUDIES, True),
        "Zero-shot of SAM": (F2_STUDIES, False),
        "Other models trained only on images": ("Fusion level F_0 - Others models trained on images", True),
        F2_STUDIES: (F2_STUDIES, False),
        "No such class": (None, False)}
    # the classifier trains on the scheme in force: the survey's papers by their place, the rest through the crosswalk
    examples = examples_in_force(store, load_training_examples())
    assert {e.label for e in examples} - {None} <= set(HEADINGS)
    by_title = {e.title: e.label for e in examples}
    assert by_title["Segment Anything in Medical Images"] == F1_STUDIES
    assert by_title["Volumetric medical image segmentation via fully 3D adaptation of Segment Anything Model"] == F1_NEW
    classifier = PaperClassifier(taxonomy_categories(store), examples)
    assert classifier.labels == HEADINGS
    prediction = classifier.classify("Parameter-efficient adapters for the Segment Anything Model in multi-organ "
                                     "CT segmentation", "We insert adapters into SAM's image encoder for medical "
                                     "image segmentation across CT and MRI.")
    assert prediction.relevant and prediction.category in HEADINGS

    # saved questions take the scheme: by default the one in force, or the one named
    rows = store.select(saved_text("classes-of-a-taxonomy-scheme")).rows
    assert [r["class"] for r in rows] == HEADINGS and rows[0]["models"] == 11
    old = store.select(saved_text("classes-of-a-taxonomy-scheme").replace("VALUES ?asked { UNDEF }",
                                                                          "VALUES ?asked { id:taxonomy }")).rows
    assert len(old) == 13
    versions = {r["scheme"]: r["inForce"] for r in store.select(saved_text("taxonomy-versions")).rows}
    assert versions == {OLD: False, V: True}

    assert adopt_scheme(store, "id:taxonomy", curation_file=curation, decided=date(2026, 11, 8)) == OLD
    assert scheme_in_force(store) == OLD and len(taxonomy_categories(store)) == 13
    assert [d.scheme for d in read_scheme_decisions(curation)] == [V, OLD]


def test_after_adoption_the_list_follows_the_scheme_in_force(
        staged: tuple[Store, UpdateReport],
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    store, _ = staged
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    serve_list(fake_api, "survey-list-fusion-later.md")
    later = run(store, fake_api, tmp_path, today=date(2026, 11, 12))
    change = later.list_changes.scheme_change  # type: ignore[union-attr]
    assert (change.scheme, change.changes_taxonomy, change.staged_now) == (V, False, True)
    assert scheme_change_markdown(change) == []  # no taxonomy change to report
    # the new row takes the list's own class, now a class in force, with the list's confidence
    assert [(c.title.split(":")[0], c.category, c.confidence) for c in later.candidates] == [
        ("LoRA-Fuse", F1_STUDIES, 1.0)]
    assert q(store, """SELECT ?s WHERE { GRAPH graph:candidates {
        id:paper\\/arxiv\\/2612.06633 mskg:predictedCategory ?c } ?c skos:inScheme ?s }""") == [{"s": V}]
    # the shapes accept a class of an adopted version once shapes.ttl takes the change proposed for issue #18
    shapes = _shapes_for_versions(tmp_path)
    result = validate_graph(store.to_rdflib(), shapes)
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]


def test_a_class_new_to_an_adopted_version_sits_under_its_fusion_level(
        staged: tuple[Store, UpdateReport],
        fake_api: FakeApi,  # noqa: F811
        tmp_path: Path) -> None:
    store, _ = staged
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    heading = "List of studies on SAM2 leveraging F_2 fusion"
    text = (FIXTURES / "survey-list-fusion.md").read_text(encoding="utf-8") + (
        f"\n## {heading}\n\n| Model | Publication | Additional training | Code |\n|---|---|---|---|\n"
        "| Fuse2-SAM2 | [Fuse2-SAM2: Two-Level Fusion for SAM 2 in Echocardiography]"
        "(https://arxiv.org/abs/2612.07744) | Memory attention fine-tuning | --- |\n")
    fake_api.routes = [r for r in fake_api.routes if r.path != LIST_PATH]
    fake_api.add("GET", LIST_PATH, Reply(200, text, content_type="text/plain; charset=utf-8"))
    later = run(store, fake_api, tmp_path, today=date(2026, 11, 12))
    assert later.list_changes.new_classes == [heading]  # type: ignore[union-attr]  # new to the scheme in force
    assert [(c.title.split(":")[0], c.category) for c in later.candidates] == [("Fuse2-SAM2", heading)]
    concept = f"<{V}/list-of-studies-on-sam2-leveraging-f-2-fusion>"
    assert q(store, f"""SELECT DISTINCT ?b ?top ?family WHERE {{ {concept} skos:inScheme <{V}> .
        OPTIONAL {{ {concept} skos:broader/skos:prefLabel ?b }} OPTIONAL {{ {concept} skos:topConceptOf ?top }}
        OPTIONAL {{ {concept} mskg:impliesBaseModel ?family }} }}""") == [
        {"b": "Fusion level F_2", "top": None, "family": "https://w3id.org/medseg-kg/id/model/sam-2"}]
    assert [c.label for c in taxonomy_categories(store)][3] == heading  # in the list's order
    result = validate_graph(store.to_rdflib(), _shapes_for_versions(tmp_path))
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]


def _shapes_for_versions(tmp_path: Path) -> Path:
    """shapes.ttl with the constraint proposed for issue #18: a category's scheme is id:taxonomy
    or a revision of it (the file is someone else's; until it changes, the test applies it)."""
    from kg.resources import SHAPES_FILE

    text = SHAPES_FILE.read_text(encoding="utf-8")
    old = re.search(r"sh:path skos:inScheme ;\s*sh:hasValue id:taxonomy ;", text)
    if old is not None:
        text = text.replace(old.group(0), "sh:path ( skos:inScheme [ sh:zeroOrMorePath prov:wasRevisionOf ] ) ;\n"
                                          "        sh:hasValue id:taxonomy ;")
    path = tmp_path / "shapes.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_curation_file_is_the_record_of_adoption(staged: tuple[Store, UpdateReport], tmp_path: Path) -> None:
    """A store that lost its adoption (graph dropped) gets it back from the curation file; a
    decision for a scheme this graph does not hold changes nothing."""
    store, _ = staged
    curation = tmp_path / "adoptions.toml"
    assert adoption_update(store, curation) == ""  # no file, no decision
    adopt_scheme(store, V, curation_file=curation, decided=date(2026, 11, 7))
    store.update(f"DROP GRAPH <{TAXONOMY_IN_FORCE}>")
    assert scheme_in_force(store) == OLD
    store.update(adoption_update(store, curation))
    assert scheme_in_force(store) == V
    from ingest.scheme_decisions import SchemeDecision, append_scheme_decision

    append_scheme_decision(curation, SchemeDecision(str(ID["taxonomy-1999-01-01"]), date(2026, 11, 9)))
    assert adoption_update(store, curation) == "" and scheme_in_force(store) == V


def test_adopting_an_unknown_scheme_names_the_known_ones(staged: tuple[Store, UpdateReport]) -> None:
    store, _ = staged
    with pytest.raises(SchemeError, match=re.escape(
            f"id:taxonomy-1999-01-01: not a taxonomy scheme of this graph; one of: {OLD}, {V}")):
        adopt_scheme(store, "id:taxonomy-1999-01-01")
    assert scheme_in_force(store) == OLD


def test_the_outline_gives_the_list_writer_the_structure_in_force(staged: tuple[Store, UpdateReport]) -> None:
    store, _ = staged
    assert [s.label for s in scheme_outline(store)] == ["SAM-based models", "SAM 2-based models",
                                                        "Other models trained only on images",
                                                        "Other models trained only on both images and text"]
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    outline = scheme_outline(store)
    assert [s.label for s in outline] == LEVELS
    f1 = outline[0].classes
    assert [(c.label, c.column) for c in f1] == [(F1_STUDIES, "Fine-tuning"), (F1_NEW, "Application")]
    assert sorted((m["kind"], m["strategy"]) for m in f1[0].members) == (  # AdaptFuse-SAM is a candidate
        [("model", "Adapters")] * 7 + [("model", "Full fine-tuning")] * 2 + [("model", "LoRA")] * 2)
    studies = outline[1].classes[0]
    assert (studies.label, studies.column) == (F2_STUDIES, "Additional training")
    assert sorted((m["kind"], m["note"]) for m in studies.members)[-2:] == [
        ("paper", "None (zero-shot evaluation)"), ("paper", "None (zero-shot evaluation)")]
    assert len(studies.members) == 7  # five models, two evaluation studies; FusionSAM-X is a candidate


# --------------------------------------------------------------------------- survey-md in the scheme in force


def _list_entries(text: str) -> dict[tuple[str, str], tuple]:
    """(class, model name or title) -> (title, link, code in the graph's canonical spelling,
    (strategy, note) of the third column) for every row of a list's text."""
    from test_survey_md import canonical

    facets = read_facets(text)
    out = {}
    for r in parse_survey_list("README.md", text=text).rows:
        facet = read_facet(facets[r.line].column, facets[r.line].value) if r.line in facets else None
        out[(r.category, r.name or r.title)] = (r.title, r.link, canonical({"code": r.code})["code"], facet)
    return out


def test_survey_md_after_adoption_writes_the_adopted_versions_structure(staged: tuple[Store, UpdateReport]) -> None:
    """After adoption the export has the version's headings (grouped by fusion level), each
    table with its own third column, and every entry of the version with its strategy or
    note: the upstream list it was read from, but for the two rows still in the review queue.
    Switching back writes the bundled list's structure again."""
    from kg.survey_md import survey_markdown

    store, _ = staged
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    text = survey_markdown(store)
    parsed = parse_survey_list("README.md", text=text)
    assert parsed.problems == []
    assert parsed.sections == HEADINGS  # the version's order: F_1, F_2, F_3, F_4, F_0, no fusion
    assert f"## {F1_STUDIES}\n\n| Model | Publication | Fine-tuning | Code |\n" in text
    assert f"## {F1_NEW}\n\n| Model | Publication | Application | Code |\n" in text
    assert "## Fusion level F_4 - Others models trained on images\n\n| Model | Publication | Code |\n" in text
    upstream = _list_entries((FIXTURES / "survey-list-fusion.md").read_text(encoding="utf-8"))
    queued = {(F1_STUDIES, "AdaptFuse-SAM"), (F2_STUDIES, "FusionSAM-X")}  # candidates, not yet entries
    assert queued <= set(upstream)
    assert _list_entries(text) == {k: v for k, v in upstream.items() if k not in queued}
    assert _list_entries(text)[(F1_STUDIES, "MedSAM")][3] == ("Full fine-tuning", None)
    assert _list_entries(text)[(F1_NEW, "3DMedSAM")][3] == (None, "Fully 3D adaptation of the image encoder")

    adopt_scheme(store, OLD, decided=date(2026, 11, 8))
    back = parse_survey_list("README.md", text=survey_markdown(store))
    assert back.sections == ["SAM-based models", "SAM 2-based models", "Other models trained only on images",
                             "Other models trained only on both images and text"]
    assert len(back.rows) == 56
