"""The survey's list written out of the graph: with nothing accepted it parses back to the
bundled list row for row; accepted models join their class; the diff to propose upstream
adds only their rows and leaves the upstream's own lines as they are."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from ingest.records import SurveyListRow
from ingest.snapshot import load_arxiv_snapshot
from ingest.survey import load_survey_database, load_survey_list
from ingest.survey_list import parse_survey_list
from kg.build import build
from kg.known_models import known_names, known_papers
from kg.mapping import concept_iri, curation_update, decimal_literal, insert_update
from kg.links import page_url, repository_of_page, repository_url
from kg.mapping.curated import curated_facts
from kg.mapping.list_rows import list_row_triples
from kg.queries import join_updates
from kg.resolve import resolve
from kg.store import Store
from kg.survey_md import SurveyListMissing, survey_diff, survey_markdown
from kg.vocab import CANDIDATES, CURATION, DCTERMS, MSKG, RDF, SURVEY_LIST

FAKE = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00017"
FAKE2 = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00018"
UPSTREAM_REFERENCE = """@article{moglia2025generalist,
  title={Generalist Models in Medical Image Segmentation: A Survey and Performance Comparison with Task-Specific Approaches},
  author={Moglia, Andrea and Leccardi, Matteo and Cavicchioli, Matteo and Maccarini, Alice and Marcon, Marco and Mainardi, Luca and Cerveri, Pietro},
  journal={arXiv preprint arXiv:2506.10825},
  year={2025}
}"""  # noqa: E501 - as the upstream README writes it




def fresh_store() -> Store:
    """The survey graph with the list's rows mapped as the wiring maps them, and two candidates."""
    s = Store(None)
    build(s)
    survey = load_survey_list()
    res = resolve(survey, load_survey_database(), load_arxiv_snapshot())
    s.update(insert_update(SURVEY_LIST, list_row_triples(survey, res)))
    g = Graph()
    for iri, title, cls in ((FAKE, "MedSAM3: Faster Segment Anything in 3D Medical Images", "Fine-tuning of SAM 2"),
                            (FAKE2, "OmniSeg: One Network for Every Scan", "Other models trained only on images")):
        p = URIRef(iri)
        g.add((p, RDF.type, MSKG.Paper))
        g.add((p, DCTERMS.title, Literal(title)))
        g.add((p, MSKG.arxivId, Literal(iri.rsplit("/", 1)[-1])))
        g.add((p, MSKG.predictedCategory, concept_iri(cls)))
        g.add((p, MSKG.confidence, decimal_literal("0.9")))
    s.update(insert_update(CANDIDATES, g))
    s.update(curation_update({}))
    return s


def accept(store: Store, decisions: list[Decision]) -> None:
    extra = curated_facts(decisions, known_names(store), None, known_papers(store))
    store.update(join_updates([curation_update({d.paper: d for d in decisions}), insert_update(CURATION, extra)]))


MEDSAM3 = Decision(FAKE, "accepted", "Fine-tuning of SAM 2", date(2026, 12, 1), model="MedSAM3",
                        based_on="MedSAM2", code="https://github.com/example/MedSAM3", framework="generalist")
OMNISEG = Decision(FAKE2, "accepted", "Other models trained only on images", date(2026, 12, 2), model="OmniSeg")


def fields(row: SurveyListRow) -> dict:
    """A row's fields; its code link in the graph's one canonical spelling (kg.links: https,
    no .git, no query, one letter case per repository, a GitHub Pages site as its repository),
    which the regenerated list writes: the graph keeps one repository per model."""
    d = asdict(row)
    d.pop("line")
    return canonical(d)


def canonical(d: dict) -> dict:
    if d["code"]:
        code = d["code"]
        d = {**d, "code": (repository_url(code) or repository_of_page(code) or page_url(code)).lower()}
    return d


@pytest.fixture(scope="module")
def listed() -> Store:
    return fresh_store()


def test_with_nothing_accepted_the_list_comes_back_row_for_row(listed: Store) -> None:
    text = survey_markdown(listed)
    got, want = parse_survey_list(Path("README.md"), text=text), load_survey_list()
    assert got.problems == []
    assert (got.sections, got.categories) == (want.sections, want.categories)
    assert [fields(r) for r in got.rows] == [fields(r) for r in want.rows]
    assert text.startswith("# Generalist Models in Medical Image Segmentation: A Survey and Performance Comparison "
                           "with Task-Specific Approaches\n\n## SAM-based models\n\n| Model | Publication | "
                           "Classification | Code |\n|-------|-------------|----------------|------|\n")


def test_the_reference_block_is_the_surveys_own(listed: Store) -> None:
    text = survey_markdown(listed)
    block = text.split("```bibtex\n", 1)[1].split("\n```", 1)[0]
    assert block == UPSTREAM_REFERENCE + "\n"


def test_a_graph_without_the_lists_rows_says_how_to_get_them() -> None:
    with pytest.raises(SurveyListMissing, match=r"no rows of the survey's list .* rebuild it with `kg build`"):
        survey_markdown(Store())  # an empty store: no list rows


def test_accepted_models_join_their_class() -> None:
    s = fresh_store()
    accept(s, [MEDSAM3, OMNISEG])
    rows = parse_survey_list(Path("README.md"), text=survey_markdown(s)).rows
    bundled = [fields(r) for r in load_survey_list().rows]
    after_biomedical_sam2 = next(i for i, r in enumerate(bundled) if r["name"] == "Biomedical SAM 2") + 1
    images = "Other models trained only on images"
    last_of_images_section = max(i for i, r in enumerate(bundled) if r["section"] == images)
    expected = list(bundled)
    expected.insert(last_of_images_section + 1, {
        "section": "Other models trained only on images", "category": "Other models trained only on images",
        "name": "OmniSeg", "title": "OmniSeg: One Network for Every Scan", "link": "https://arxiv.org/abs/2611.00018",
        "code": None, "arxiv_id": "2611.00018", "doi": None})
    expected.insert(after_biomedical_sam2, {
        "section": "SAM 2-based models", "category": "Fine-tuning of SAM 2", "name": "MedSAM3",
        "title": "MedSAM3: Faster Segment Anything in 3D Medical Images", "link": "https://arxiv.org/abs/2611.00017",
        "code": "https://github.com/example/MedSAM3", "arxiv_id": "2611.00017", "doi": None})
    assert [fields(r) for r in rows] == [canonical(e) for e in expected]


def test_a_task_specific_model_is_not_proposed_for_the_list() -> None:
    s = fresh_store()
    accept(s, [Decision(FAKE, "accepted", "Fine-tuning of SAM 2", date(2026, 12, 1), model="Baseline",
                             framework="task-specific")])
    assert len(parse_survey_list(Path("README.md"), text=survey_markdown(s)).rows) == 56


def upstream_copy(listed: Store, tmp_path: Path) -> Path:
    """An upstream README: the list as the graph writes it, hand-edited the way upstream files
    are (an image, spacing of its own, a row the graph does not have, a licence section)."""
    text = survey_markdown(listed)
    text = text.replace("\n\n## SAM-based models", "\n\n![Taxonomy](images/taxonomy.png)\n\n## SAM-based models", 1)
    text = text.replace("| MedSAM2 | [MedSAM2: Segment", "|MedSAM2| [MedSAM2: Segment", 1)
    text = text.replace("| PCNet |", "| NewUpstream | [A row only upstream has](https://arxiv.org/abs/2612.00001) "
                                     "| --- |\n| PCNet |", 1)
    path = tmp_path / "README.md"
    path.write_text(text + "\n## License\nCC BY-NC-ND 4.0\n", encoding="utf-8")
    return path


def test_the_diff_for_upstream_adds_only_the_accepted_rows(listed: Store, tmp_path: Path) -> None:
    path = upstream_copy(listed, tmp_path)
    assert survey_diff(listed, path) == ""  # nothing accepted: nothing to propose
    s = fresh_store()
    accept(s, [MEDSAM3])
    lines = survey_diff(s, path).splitlines()
    assert lines[:2] == ["--- README.md (upstream)", "+++ README.md (from the graph)"]
    assert [line for line in lines[2:] if line.startswith(("+", "-"))] == [
        "+| MedSAM3 | [MedSAM3: Faster Segment Anything in 3D Medical Images](https://arxiv.org/abs/2611.00017) | "
        "Fine-tuning of SAM 2 | [Code](https://github.com/example/MedSAM3) |"]
    context = [line for line in lines[2:] if line.startswith(" ")]
    assert " |MedSAM2| [MedSAM2: Segment Anything in 3D Medical Images and Videos](https://arxiv.org/abs/2504.03600)" \
        " | Fine-tuning of SAM 2 | [Code](https://github.com/bowang-lab/MedSAM2) |" in context
    before_new = lines[lines.index(next(line for line in lines if line.startswith("+| MedSAM3"))) - 1]
    assert before_new.startswith(" | Biomedical SAM 2 | ")


def test_a_new_section_goes_before_the_reference(listed: Store, tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    text = survey_markdown(listed)
    cut = text.index("## Other models trained only on images")
    path.write_text(text[:cut] + text[text.index("## Reference"):], encoding="utf-8")  # upstream lacks two sections
    s = fresh_store()
    accept(s, [OMNISEG])
    added = [line for line in survey_diff(s, path).splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == ["+## Other models trained only on images", "+", "+| Model | Publication | Code |",
                     "+|-------|-------------|------|",
                     "+| OmniSeg | [OmniSeg: One Network for Every Scan](https://arxiv.org/abs/2611.00018) | --- |",
                     "+"]
