"""The paper index: every paper of the graph by identifier (arXiv id, DOI, Semantic Scholar
id) and normalised title, with what each one already states. Live records (enrich, update)
resolve to existing nodes through it, in that order, so a preprint and its published
version stay one node; a new paper gets an IRI from its first identifier and keeps it when
another identifier appears later."""

from __future__ import annotations

import uuid

from rdflib import URIRef

from ingest.ids import normalise_title, slugify
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

    @classmethod
    def from_store(cls, store: Store, exclude_graphs: tuple[URIRef, ...] = ()) -> PaperIndex:
        """The index of every paper of ``store``, leaving out ``exclude_graphs`` (at most two)."""
        index = cls()
        skip = {f"skip{i}": str(g) for i, g in enumerate(exclude_graphs[:2], 1)}
        rows = store.select(internal("paper-index", **skip)).rows
        tracked_graphs = {str(g) for g in SURVEY_GRAPHS}
        for row in rows:
            p = row["p"]
            facts = index.facts.setdefault(p, KnownFacts())
            if row["title"] and facts.title is None:
                facts.title = row["title"]
                index.by_title.setdefault(normalise_title(row["title"]), p)
            if row["arxiv"]:
                facts.arxiv_id = row["arxiv"]
                index.by_arxiv.setdefault(row["arxiv"], p)
            if row["doi"]:
                facts.doi = row["doi"]
                index.by_doi.setdefault(row["doi"], p)
            if row["s2"]:
                index.by_s2.setdefault(row["s2"], p)
            facts.issued |= row["issued"] is not None
            facts.abstract |= row["abstract"] is not None
            if row["g"] in tracked_graphs and p not in index.tracked:
                index.tracked.append(p)
        return index

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
