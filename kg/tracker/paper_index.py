"""The paper index: every paper of the graph by identifier (arXiv id, DOI, Semantic Scholar
id) and normalised title, with what each one already states. Live records (enrich, update)
resolve to existing nodes through it, in that order, so a preprint and its published
version stay one node; a new paper gets an IRI from its first identifier and keeps it when
another identifier appears later.

Identity comes from every graph, the graphs a run rewrites included, so a paper an earlier
enrich added keeps its IRI when it is seen again; what a paper already *states*
(:class:`KnownFacts`) comes only from the graphs the run does not rewrite."""

from __future__ import annotations

import uuid

from rdflib import URIRef

from ingest.ids import normalise_title, slugify, split_doi
from ingest.records import PaperRecord
from kg.mapping import KnownFacts, paper_iri
from kg.queries import internal
from kg.resolve import MIN_TITLE_LEN, paper_key
from kg.store import Store
from kg.vocab import SURVEY_GRAPHS


class PaperIndex:
    """Every paper of the graph by identifier and normalised title, plus what each one
    already states, so records from live sources resolve to existing nodes."""

    def __init__(self) -> None:
        self.by_arxiv: dict[str, str] = {}
        self.by_doi: dict[str, str] = {}
        self.by_s2: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        self.facts: dict[str, KnownFacts] = {}
        self.tracked: list[str] = []
        self.external: set[str] = set()  # papers some graph outside ``exclude_graphs`` describes
        self.graphs: dict[str, set[str]] = {}  # paper -> the named graphs that describe it

    @classmethod
    def from_store(cls, store: Store, exclude_graphs: tuple[URIRef, ...] = ()) -> PaperIndex:
        """The index of every paper of ``store``; facts stated only in ``exclude_graphs`` (the
        graphs the caller rewrites) count for identity, not as :class:`KnownFacts`."""
        index = cls()
        excluded = {str(g) for g in exclude_graphs}
        survey = {str(g) for g in SURVEY_GRAPHS}
        rows = store.select(internal("paper-index-live")).rows
        # Survey graphs first, the rewritten graphs last: when old runs left two nodes with
        # one id, the id names the node the survey (or the other graphs) describe.
        rows.sort(key=lambda row: (row["g"] not in survey, row["g"] in excluded))
        for row in rows:
            p = row["p"]
            index.facts.setdefault(p, KnownFacts())
            index._register_identity(p, row)
            index.graphs.setdefault(p, set()).add(row["g"])
            if row["g"] not in excluded:
                index.external.add(p)
                index._register_facts(index.facts[p], row)
            if row["g"] in survey and p not in index.tracked:
                index.tracked.append(p)
        return index

    def _register_identity(self, p: str, row: dict) -> None:
        doi, arxiv_in_doi = split_doi(row["doi"])  # an arXiv DOI an earlier run stored is an arXiv id
        for table, value in ((self.by_arxiv, row["arxiv"]), (self.by_arxiv, arxiv_in_doi), (self.by_doi, doi),
                             (self.by_s2, row["s2"])):
            if value:
                table.setdefault(str(value), p)
        if row["title"]:
            self.by_title.setdefault(normalise_title(row["title"]), p)

    @staticmethod
    def _register_facts(facts: KnownFacts, row: dict) -> None:
        doi, _ = split_doi(row["doi"])
        if row["title"] and facts.title is None:
            facts.title = row["title"]
        facts.arxiv_id = row["arxiv"] or facts.arxiv_id
        facts.doi = doi or facts.doi
        facts.s2_paper_id = row["s2"] or facts.s2_paper_id
        facts.issued |= row["issued"] is not None
        facts.abstract |= row["abstract"] is not None
        facts.counts |= row["count"] is not None
        if isinstance(row["version"], int):
            facts.arxiv_version = max(facts.arxiv_version or 0, row["version"])

    def find(self, r: PaperRecord) -> str | None:
        for table, key in ((self.by_arxiv, r.arxiv_id), (self.by_doi, r.doi), (self.by_s2, r.s2_paper_id)):
            if key and key in table:
                return table[key]
        t = normalise_title(r.title)
        if len(t) >= MIN_TITLE_LEN and t in self.by_title:
            return self.by_title[t]
        return None

    def resolve(self, r: PaperRecord) -> tuple[str, bool]:
        """(IRI, is_new). A new paper is registered at once, so a second record of the same
        paper later in the run (its published version, say) meets it."""
        found = self.find(r)
        if found is None:
            if r.arxiv_id or r.doi or r.title:
                key = paper_key(r.arxiv_id, r.doi, r.title)
            else:
                key = f"paper/s2/{slugify(r.s2_paper_id or uuid.uuid4().hex)}"
            found = str(paper_iri(key))
            self.facts[found] = KnownFacts()
            new = True
        else:
            new = False
        for table, value in ((self.by_arxiv, r.arxiv_id), (self.by_doi, r.doi), (self.by_s2, r.s2_paper_id)):
            if value:
                table.setdefault(value, found)
        t = normalise_title(r.title)
        if len(t) >= MIN_TITLE_LEN:
            self.by_title.setdefault(t, found)
        return found, new

    def known(self, iri: str) -> KnownFacts:
        return self.facts.setdefault(iri, KnownFacts())

    def identifiers(self, iri: str) -> dict[str, str | None]:
        facts = self.known(iri)
        s2 = next((k for k, v in self.by_s2.items() if v == iri), None)
        return {"arxiv": facts.arxiv_id, "doi": facts.doi, "s2": s2}
