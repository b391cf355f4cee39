"""Issue #15, row by row: the built survey graph as a linked-data expert would sign it. Each
test reads the graph built once per session (conftest) or the exports of that store."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
import rdflib.namespace as rns  # XSD through rns: a module-level XSD makes pytest's collection warn
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from ingest.survey import BUNDLED_DATABASE
from ingest.text import decode_markup
from kg.build import BuildReport, build
from kg.export import export
from kg.links import HTTPS_HOSTS, repository_url
from kg.people import NameMention, People, display_name, fold
from kg.queries import saved_queries, with_prefixes
from kg.store import Store
from kg.vocab import ID, MSKG, TAXONOMY_SCHEME

CODE = URIRef("https://schema.org/codeRepository")
PAGE_URL = URIRef("https://schema.org/url")
FRAMEWORK_SCHEME = ID["framework"]


@pytest.fixture(scope="module")
def g(store: Store) -> Graph:
    return store.to_rdflib()


# --- 1. one node per person ------------------------------------------------------


def test_one_node_per_person_named_given_family(g: Graph, build_report: BuildReport) -> None:
    people = set(g.subjects(RDF.type, FOAF.Person))
    by_name: dict[str, set] = {}
    for p in people:
        names = list(g.objects(p, FOAF.name))
        assert len(names) == 1, f"{p}: {names}"
        assert "," not in names[0], f"{p}: {names[0]} is family-first"
        by_name.setdefault(fold(str(names[0])), set()).add(p)
    assert [ps for ps in by_name.values() if len(ps) > 1] == []
    merhof = ID["person/dorit-merhof"]
    assert g.value(merhof, FOAF.name) == Literal("Dorit Merhof")
    assert Literal("Merhof, Dorit") in set(g.objects(merhof, SKOS.altLabel))
    assert (ID["person/merhof-dorit"], None, None) not in g
    # 519 nodes before: 44 people had one node per name order, 3 more an initial or an
    # umlaut apart ('Alan Yuille' = 'Yuille, Alan L.', 'Jaeger, Paul' = 'Jäger, Paul F.').
    assert len(people) == build_report.people.people == 471
    assert build_report.people.merged == 47


def test_people_match_order_accents_initials_and_identifiers() -> None:
    people = People(
        [
            NameMention("Merhof, Dorit", "result-source"),
            NameMention("Dorit Merhof", "arxiv-snapshot"),
            NameMention("D. Merhof", "arxiv-snapshot"),
            NameMention('J\\"ager, Paul F.', "result-source"),
            NameMention("Paul F. Jager", "arxiv-snapshot"),
            NameMention("Jaeger, Paul", "result-source"),
            NameMention("J. Ma", "arxiv-snapshot"),
            NameMention("Jun Ma", "arxiv-snapshot"),
            NameMention("Jie Ma", "arxiv-snapshot"),
            NameMention("Y. Zhang", "semantic-scholar", s2_author_id="42"),
            NameMention("Yixin Zhang", "arxiv", s2_author_id="42"),
            NameMention("Yu Zhang", "arxiv", orcid="0000-0001"),
            NameMention("Y. Zhang", "arxiv", orcid="0000-0002"),
        ]
    )
    assert people.person("D. Merhof") is people.person("Merhof, Dorit")
    assert people.person("Paul F. Jager").name == "Paul F. Jäger" == people.person("Jaeger, Paul").name
    assert people.person("J. Ma") not in (people.person("Jun Ma"), people.person("Jie Ma"))
    assert people.person("Yixin Zhang").name == "Yixin Zhang"
    assert any("'J. Ma' fits 2 people" in n for n in people.report.near_misses)
    assert any(m.startswith("Dorit Merhof:") for m in people.report.merges)


def test_display_name_reorders_and_decodes() -> None:
    assert display_name("Merhof, Dorit") == "Dorit Merhof"
    assert display_name("Doll{\\'a}r, Piotr") == "Piotr Dollár"
    assert display_name("King, Jr, Martin Luther") == "Martin Luther King Jr"
    assert display_name("Dorit  Merhof") == "Dorit Merhof"


# --- 2. LaTeX and HTML decoded ----------------------------------------------------------


def test_no_latex_in_names_titles_and_abstracts(g: Graph) -> None:
    raw = re.compile(r"\\[A-Za-z\"'`^~%&_]|&[a-z]+;|&#\d+;")
    for p in (FOAF.name, SKOS.altLabel, DCTERMS.title, DCTERMS.abstract, MSKG.authorList, MSKG.venue):
        bad = [(s, o) for s, o in g.subject_objects(p) if raw.search(str(o)) or "$" in str(o)]
        assert bad == [], p
    assert (None, FOAF.name, Literal("Paul F. Jäger")) in g
    sammed = ID["paper/arxiv/2307.05617"]
    assert str(g.value(sammed, DCTERMS.title)).startswith("SAM^Med: A medical image annotation framework")
    assert Literal("$\\mathrm{SAM^{Med}}$: A medical image annotation framework based on large vision model") in set(
        g.objects(sammed, DCTERMS.alternative)
    )


def test_decode_markup_leaves_plain_text_alone() -> None:
    assert decode_markup("a 50% cut -- and a_b") == "a 50% cut -- and a_b"
    assert decode_markup("94.6\\% Dice, \\ie, \\url{https://x.org}") == "94.6% Dice, i.e., https://x.org"
    assert decode_markup("A &amp; B") == "A & B"
    assert decode_markup("Segment anything for under $10") == "Segment anything for under $10"
    assert decode_markup("{SAM} for under $10") == "SAM for under $10"


# --- 3. one Dice scale ---------------------------------------------------------------


def test_the_fraction_dice_is_a_percentage_with_a_repair_note(g: Graph, build_report: BuildReport) -> None:
    assert min(float(d) for d in g.objects(None, MSKG.dice)) > 1
    result = ID["result/emedsam/flare/primary"]
    assert g.value(result, MSKG.dice) == Literal("87.9", datatype=rns.XSD.decimal)
    notes = [str(n) for n in g.objects(result, MSKG.resolutionNote)]
    assert any(n.startswith("row 12 of results.csv: Dice 0.879") and "x100" in n for n in notes), notes
    assert any(
        p.source == "results.csv" and p.line == 12 and p.action.startswith("repaired") for p in build_report.problems
    )


# --- 4. part/whole one way ------------------------------------------------------------


def test_part_whole_is_stated_as_is_part_of_only(g: Graph) -> None:
    assert list(g.triples((None, DCTERMS.hasPart, None))) == []
    assert (ID["dataset/luna16"], DCTERMS.isPartOf, ID["dataset/lidc-idri"]) in g
    assert (ID["dataset/lidc-idri"], DCTERMS.isPartOf, ID["dataset/luna16"]) not in g
    assert (ID["dataset/amos"], DCTERMS.isPartOf, ID["dataset/flare"]) in g
    assert (ID["dataset/chaos-liver"], DCTERMS.isPartOf, ID["dataset/chaos"]) in g
    assert len(list(g.triples((None, DCTERMS.isPartOf, None)))) == 20
    ontology = Graph().parse(Path(__file__).parents[1] / "ontology.ttl")
    assert (DCTERMS.isPartOf, rns.OWL.inverseOf, DCTERMS.hasPart) in ontology


def test_app_and_saved_questions_ask_is_part_of_only() -> None:
    root = Path(__file__).parents[1] / "kg"
    texts = [p.read_text() for p in [*root.rglob("*.rq"), *root.rglob("*.ru"), *(root / "ui").glob("*.py")]]
    assert not [t for t in texts if "hasPart" in t]


# --- 5. honest dates ------------------------------------------------------------------


def test_dates_have_their_source_precision(g: Graph) -> None:
    result_dates = {o.datatype for o in g.objects(None, DCTERMS.date)}
    assert result_dates == {rns.XSD.gYearMonth}
    assert {o.datatype for o in g.objects(None, MSKG.lastIssued)} == {rns.XSD.gYearMonth}
    issued = {p: o for p, o in g.subject_objects(DCTERMS.issued)}
    assert issued[ID["paper/arxiv/2304.12306"]] == Literal("2023-04-24", datatype=rns.XSD.date)  # arXiv v1: a day
    by_type = {o.datatype for o in issued.values()}
    assert by_type == {rns.XSD.date, rns.XSD.gYearMonth, rns.XSD.gYear}
    day_one = [o for o in issued.values() if o.datatype == rns.XSD.date and str(o).endswith("-01")]
    assert len(day_one) < 5  # 60 of 89 were "the 1st" when months were written as days


@pytest.mark.parametrize("name", ["papers-per-year", "models-per-taxonomy-class-per-year"])
def test_per_year_questions_answer_alike_on_oxigraph_and_rdflib(store: Store, g: Graph, name: str) -> None:
    """YEAR() is defined on xsd:date only: rdflib gives nothing for a month or a year."""
    query = with_prefixes(next(q for q in saved_queries() if q.name == name).text)
    on_oxigraph = sorted(tuple(str(v) for v in r.values()) for r in store.select(query).rows)
    on_rdflib = sorted(tuple(str(v.toPython()) if v is not None else "None" for v in row) for row in g.query(query))
    assert on_oxigraph == on_rdflib and all("None" not in row for row in on_rdflib)


# --- 6. no machine paths --------------------------------------------------------------


def test_source_files_are_named_relative_or_by_checksum(g: Graph, tmp_path: Path) -> None:
    files = {str(o) for o in g.objects(None, MSKG.sourceFile)}
    assert files == {"ingest/data/gmmis", "ingest/data/survey-list.json", "ingest/data/arxiv-snapshot.json"}
    copy = tmp_path / "db"
    shutil.copytree(BUNDLED_DATABASE, copy)
    other = Store(None)
    build(other, database=copy)
    named = {str(o) for o in other.to_rdflib().objects(None, MSKG.sourceFile)}
    assert any(re.fullmatch(r"db \(sha256 [0-9a-f]{64}\)", n) for n in named), named
    assert not any(str(tmp_path) in n for n in named)


# --- 7. clean links -------------------------------------------------------------------


def test_one_clean_repository_per_model_and_none_on_papers(g: Graph) -> None:
    models = set(g.subjects(RDF.type, MSKG.Model))
    for s, o in g.subject_objects(CODE):
        assert s in models, f"{s} is not a model"
        assert re.fullmatch(r"https://[^?#]+[^/]", str(o)) and not str(o).endswith(".git"), o
    assert all(len(set(g.objects(m, CODE))) <= 1 for m in models)
    assert g.value(ID["model/medsam"], CODE) == URIRef("https://github.com/bowang-lab/MedSAM")
    assert g.value(ID["model/smit"], CODE) == URIRef("https://github.com/TheVeeraraghavan-Lab/SMIT")
    biomedparse = ID["model/biomedparse"]
    assert g.value(biomedparse, PAGE_URL) == URIRef("https://microsoft.github.io/BiomedParse/")
    assert g.value(biomedparse, CODE) == URIRef("https://github.com/microsoft/BiomedParse")


@pytest.mark.parametrize("seed", range(40))
def test_any_spelling_of_a_repository_link_gives_its_one_url(seed: int) -> None:
    """Links as sources write them: scheme, www, host case, '.git', a trailing slash, a
    subpage (GitLab's after '/-/'), a query string or a fragment, in random combination."""
    rnd = random.Random(seed)
    host, owner, name = rnd.choice(["github.com", "gitlab.com"]), f"Lab-{seed}", rnd.choice(["SAM.Med", "MedSAM"])
    group = [f"group{seed}"] if host == "gitlab.com" and rnd.random() < 0.5 else []
    path = "/".join([*group, owner, name + rnd.choice(["", ".git"])])
    sub = rnd.choice(["", "/", "/tree/main/src", "/blob/main/README.md"])
    if host == "gitlab.com" and sub.strip("/"):
        sub = "/-" + sub
    url = (
        f"{rnd.choice(['http', 'https'])}://{rnd.choice(['', 'www.'])}{rnd.choice([host, host.upper()])}/{path}{sub}"
        f"{rnd.choice(['', '?tab=readme-ov-file', '#readme'])}"
    )
    assert repository_url(url) == f"https://{host}/" + "/".join([*group, owner, name]), url


def test_pages_use_https_on_hosts_known_to_serve_it(g: Graph) -> None:
    links = [str(o) for p in (FOAF.page, RDFS.seeAlso) for o in g.objects(None, p)]
    assert [u for u in links if u.startswith("http://") and u.split("/")[2] in HTTPS_HOSTS] == []
    assert "https://medicaldecathlon.com/" in links


# --- 9. SKOS alike for both schemes ---------------------------------------------------------


@pytest.mark.parametrize("scheme", [TAXONOMY_SCHEME, FRAMEWORK_SCHEME])
def test_both_schemes_state_both_directions_and_define_every_concept(g: Graph, scheme: URIRef) -> None:
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    tops = set(g.subjects(SKOS.topConceptOf, scheme))
    assert tops and set(g.objects(scheme, SKOS.hasTopConcept)) == tops
    for c in concepts:
        assert {n for n in g.objects(c, SKOS.narrower)} == set(g.subjects(SKOS.broader, c)), c
        definitions = list(g.objects(c, SKOS.definition))
        assert len(definitions) == 1 and definitions[0].language == "en", c
        assert all(label.language is None for label in g.objects(c, SKOS.prefLabel)), c  # names stay plain


def test_ontology_prose_is_tagged_english_and_data_names_are_plain(g: Graph) -> None:
    ontology = Graph().parse(Path(__file__).parents[1] / "ontology.ttl")
    for p in (RDFS.comment, SKOS.definition):
        assert all(o.language == "en" for o in ontology.objects(None, p)), p
    assert all(o.language is None for s in g.subjects(RDF.type, MSKG.Model) for o in g.objects(s, RDFS.label))


# --- 11. one lexical form per literal in every export ---------------------------------------


def test_every_export_format_holds_the_same_literals(store: Store, tmp_path: Path) -> None:
    forms = {}
    for fmt, parse_as in (
        ("nt", "nt"),
        ("turtle", "turtle"),
        ("trig", "trig"),
        ("nquads", "nquads"),
        ("jsonld", "json-ld"),
    ):
        out = tmp_path / f"graph.{fmt}"
        export(store, fmt, out)
        data = Dataset() if fmt in ("trig", "nquads") else Graph()
        data.parse(out, format=parse_as)
        objects = (q[2] for q in data.quads()) if isinstance(data, Dataset) else data.objects()
        forms[fmt] = {(str(o), o.datatype, o.language) for o in objects if isinstance(o, Literal)}
    assert all(forms[f] == forms["nt"] for f in forms), {f: len(forms[f] ^ forms["nt"]) for f in forms}
    assert ("74.0", rns.XSD.decimal, None) in forms["trig"]
