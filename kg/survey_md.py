"""The survey's paper list (its upstream README) written out of the graph: sections, tables
with the class column where a section has classes, code links, the reference block.

Structure: the scheme in force (:func:`kg.schemes.scheme_in_force`). With the original
scheme, the list's own four sections and their class column; after a maintainer adopted a
version read from a later list, that version's headings, each with the extra column its
table had ("Fine-tuning": the entry's adaptation strategy; "Application": its note), from
:func:`kg.scheme_outline.scheme_outline` (:func:`version_tables`).

Rows: the survey's own rows, in the list's order, as the list stated them (the survey
mapping keeps each row's position and spelling, :mod:`kg.mapping.list_rows`), plus every
accepted model the list does not hold yet, placed after the last row of its class. With
nothing accepted the output parses (``ingest.survey_list``) to the bundled list row for row.

:func:`survey_diff` is the change to propose to the survey's authors: the upstream file
with the accepted models' rows added where they belong, as a unified diff. Rows the
upstream already has are left exactly as written there: the graph's copy of them came from
the survey itself and may be older, so it has nothing to teach the authors about them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ingest.ids import arxiv_id_from_link, doi_from_link, normalise_title, slugify
from ingest.records import SurveyListRow
from ingest.survey_list import parse_survey_list
from ingest.survey_list_shape import heading_shape
from kg.bibtex import all_entries, family_name, make_entry, paper_facts
from kg.mapping.terms import SURVEY_ARXIV_ID, paper_iri
from kg.queries import internal
from kg.scheme_outline import OutlineClass, OutlineSection, scheme_outline
from kg.schemes import scheme_in_force
from kg.store_base import GraphStore
from kg.taxonomy import taxonomy_categories
from kg.vocab import TAXONOMY_SCHEME

SURVEY_PAPER = str(paper_iri(f"paper/arxiv/{SURVEY_ARXIV_ID}"))
HEADER = {True: ("| Model | Publication | Classification | Code |", "|-------|-------------|----------------|------|"),
          False: ("| Model | Publication | Code |", "|-------|-------------|------|")}


class SurveyListMissing(RuntimeError):
    """The graph does not hold the list's rows (built before positions were mapped)."""


@dataclass(frozen=True)
class ListRow:
    row: SurveyListRow
    accepted: bool  # an accepted model, not (yet) a row of the survey's list


def _row(position: int, section: str, category: str, name: str | None, title: str, link: str | None,
         code: str | None) -> SurveyListRow:
    return SurveyListRow(line=position, section=section, category=category, name=name, title=title, link=link,
                         code=code, arxiv_id=arxiv_id_from_link(link), doi=doi_from_link(link))


def survey_rows(store: GraphStore) -> list[SurveyListRow]:
    """The survey list's own rows, in its order (``line`` is the row's position)."""
    sections = {c.label: c.section for c in taxonomy_categories(store)}
    rows: dict[int, SurveyListRow] = {}
    for r in store.select(internal("survey-list-rows")).rows:
        if r["pos"] in rows:
            continue
        code = r["code"] if r["name"] else r["pcode"]
        rows[r["pos"]] = _row(r["pos"], sections.get(r["category"], r["category"]), r["category"], r["name"],
                              r["title"], r["link"], code)
    if not rows:
        raise SurveyListMissing("the graph holds no rows of the survey's list (no mskg:listPosition in "
                                "graph:survey-list); rebuild it with `kg build`")
    return [rows[k] for k in sorted(rows)]


def _link(r: dict) -> str | None:
    if r["arxiv"]:
        return f"https://arxiv.org/abs/{r['arxiv']}"
    if r["doi"]:
        return f"https://doi.org/{r['doi']}"
    return r["page"]


def accepted_rows(store: GraphStore) -> list[SurveyListRow]:
    """Rows for the accepted models the list does not hold (first decided first)."""
    sections = {c.label: c.section for c in taxonomy_categories(store)}
    seen: dict[str, SurveyListRow] = {}
    for r in store.select(internal("accepted-list-rows")).rows:
        if r["m"] in seen:
            continue
        seen[r["m"]] = _row(0, sections.get(r["category"], r["category"]), r["category"], r["name"],
                            r["title"] or r["name"], _link(r), r["code"])
    return list(seen.values())


def list_rows(store: GraphStore) -> list[ListRow]:
    """The survey's rows with the accepted rows after the last row of their class (else of
    their section; a section the list lacks comes last)."""
    out = [ListRow(r, False) for r in survey_rows(store)]
    for new in accepted_rows(store):
        same_class = [i for i, x in enumerate(out) if (x.row.section, x.row.category) == (new.section, new.category)]
        same_section = [i for i, x in enumerate(out) if x.row.section == new.section]
        at = (same_class or same_section or [len(out) - 1])[-1] + 1
        out.insert(at, ListRow(new, True))
    return out


def _cell(text: str) -> str:
    # a '|' would split the cell; the list's titles have none, a new paper's might
    return text.replace("|", "/").strip()


def render_row(row: SurveyListRow, with_class: bool) -> str:
    name = _cell(row.name) if row.name else "---"
    publication = f"[{_cell(row.title)}]({row.link})" if row.link else _cell(row.title)
    code = f"[Code]({row.code})" if row.code else "---"
    cells = [name, publication, *([_cell(row.category)] if with_class else []), code]
    return "| " + " | ".join(cells) + " |"


def _sections(rows: list[ListRow], store: GraphStore) -> list[tuple[str, bool, list[SurveyListRow]]]:
    """(section, has a Classification column, rows) in the list's order."""
    has_classes = {c.section for c in taxonomy_categories(store) if c.label != c.section}
    order: dict[str, list[SurveyListRow]] = {}
    for x in rows:
        order.setdefault(x.row.section, []).append(x.row)
    return [(s, s in has_classes, r) for s, r in order.items()]


def reference_block(store: GraphStore) -> str:
    """The survey's citation as the upstream README gives it (Google Scholar style)."""
    entry = next((e for e in all_entries(store) if e.paper == SURVEY_PAPER), None)
    if entry is None:
        entry = make_entry(SURVEY_PAPER, paper_facts(store, [SURVEY_PAPER])[SURVEY_PAPER])
        entry.key = entry.base_key
    fields = dict(entry.fields)
    authors = [a for a in fields.get("author", "").split(" and ") if a]
    names = [f"{family_name(a)}, {a[: a.rfind(family_name(a))].strip()}" if "," not in a else a for a in authors]
    venue = fields.get("journal") or fields.get("booktitle") or (
        f"arXiv preprint arXiv:{fields['eprint']}" if "eprint" in fields else "")
    title = fields["title"].removeprefix("{").removesuffix("}")
    lines = [f"@article{{{entry.key},", f"  title={{{title}}},",
             f"  author={{{' and '.join(names)}}},", f"  journal={{{venue}}},", f"  year={{{fields.get('year', '')}}}",
             "}"]
    return "\n".join(lines)


def survey_markdown(store: GraphStore) -> str:
    """The list as Markdown in the upstream README's format."""
    title = str((paper_facts(store, [SURVEY_PAPER])[SURVEY_PAPER].get("title") or [("", "")])[0][1])
    out = [f"# {title}", ""]
    scheme = scheme_in_force(store)
    if scheme == str(TAXONOMY_SCHEME):
        for section, with_class, rows in _sections(list_rows(store), store):
            out += [f"## {section}", "", *HEADER[with_class], *(render_row(r, with_class) for r in rows), ""]
    else:
        out += version_tables(store, scheme)
    out += ["## Reference", "", "If you use this work, please cite:", "", "```bibtex", reference_block(store), "",
            "```", ""]
    return "\n".join(out)


def _entry_rows(store: GraphStore, entries: list[str]) -> dict[str, tuple[str | None, str, str | None, str | None,
                                                                          int | None]]:
    """Entry -> (name, title, link, code, position in the survey's own list) as its row shows
    them: the paper of the list's row when the entry has one, else its first paper."""
    best: dict[str, tuple[tuple[int, int, str], tuple[str | None, str, str | None, str | None, int | None]]] = {}
    for r in store.select(internal("scheme-entry-rows", entries=entries)).rows:
        x, pos = str(r["x"]), r["pos"]
        rank = (pos is None, pos or 0, str(r["p"] or ""))
        row = (r["name"], r["title"] or r["name"] or x, r["link"] or _link(r), r["code"], pos)
        if x not in best or rank < best[x][0]:
            best[x] = (rank, row)
    return {x: row for x, (_, row) in best.items()}


def _version_table(heading: str, classes: list[OutlineClass], with_class: bool,
                   facts: dict[str, tuple[str | None, str, str | None, str | None, int | None]]) -> list[str]:
    """One table of a version: the class column when the heading is a section of classes, the
    extra column of its classes' table ("Fine-tuning", "Application") when they had one."""
    column = next((c.column for c in classes if c.column), None)
    head = ["Model", "Publication", *(["Classification"] if with_class else []), *([column] if column else []), "Code"]
    lines = [f"## {heading}", "", "| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for cls in classes:
        members = [m for m in cls.members if str(m["x"]) in facts]
        members.sort(key=lambda m: (facts[str(m["x"])][4] is None, facts[str(m["x"])][4] or 0, facts[str(m["x"])][1]))
        for m in members:
            name, title, link, code, _ = facts[str(m["x"])]
            extra = [_cell(m["strategy"] or m["note"] or "---")] if column else []
            cells = [_cell(name) if name and m["kind"] == "model" else "---",
                     f"[{_cell(title)}]({link})" if link else _cell(title),
                     *([_cell(cls.label)] if with_class else []), *extra, f"[Code]({code})" if code else "---"]
            lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _is_grouping(section: OutlineSection) -> bool:
    """A top concept the version derived from its headings (a fusion level, "No fusion") and
    no heading of the list itself: its classes are the list's headings."""
    return heading_shape(section.label).level == section.label and [c.label for c in section.classes] != [
        section.label]


def version_tables(store: GraphStore, scheme: str) -> list[str]:
    """The list's tables in the structure of ``scheme`` (a version read from a later list):
    a grouping's classes each under a heading of their own, as the later list writes them; a
    section of classes under one heading with the class column; entries in each class in the
    order of the survey's own list (entries new since, by title, after them)."""
    outline = scheme_outline(store, scheme)
    entries = sorted({str(m["x"]) for s in outline for c in s.classes for m in c.members})
    facts = _entry_rows(store, entries) if entries else {}
    out: list[str] = []
    for section in outline:
        if _is_grouping(section):
            for cls in section.classes:
                out += _version_table(cls.label, [cls], False, facts)
        else:
            own = [c.label for c in section.classes] == [section.label]
            out += _version_table(section.label, section.classes, not own, facts)
    return out


def _key(row: SurveyListRow) -> set[str]:
    keys = {f"title:{normalise_title(row.title)}"}
    if row.link:
        keys.add(f"link:{row.link.strip().lower()}")
    if row.arxiv_id:
        keys.add(f"arxiv:{row.arxiv_id}")
    if row.doi:
        keys.add(f"doi:{row.doi}")
    if row.name:
        keys.add(f"name:{slugify(row.name)}")
    return keys


def _insertions(upstream: list[SurveyListRow], new: list[SurveyListRow], lines: list[str]) -> dict[int, list[str]]:
    """Line index -> rows to insert after it (the last upstream row of the class, else of
    the section); a row whose section upstream lacks goes before '## Reference' (or the end)."""
    with_class = {r.section for r in upstream if r.category != r.section}
    reference = next((i - 1 for i, line in enumerate(lines) if line.strip().lower().startswith("## reference")),
                     len(lines) - 1)
    out: dict[int, list[str]] = {}
    sections: dict[str, list[str]] = {}
    for row in new:
        same_class = [r.line - 1 for r in upstream if (r.section, r.category) == (row.section, row.category)]
        same_section = [r.line - 1 for r in upstream if r.section == row.section]
        anchor = max(same_class or same_section or [-1])
        if anchor >= 0:
            out.setdefault(anchor, []).append(render_row(row, row.section in with_class))
        else:
            own = row.category != row.section
            sections.setdefault(row.section, [f"## {row.section}", "", *HEADER[own]]).append(render_row(row, own))
    for block in sections.values():
        out.setdefault(reference, []).extend([*block, ""])
    return out


def survey_diff(store: GraphStore, path: str | Path) -> str:
    """A unified diff from the upstream README at ``path`` to that README with the accepted
    models the graph has and it lacks ('' when there is nothing to propose)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    upstream = parse_survey_list(path, text=text).rows
    known = set().union(*(_key(r) for r in upstream)) if upstream else set()
    new = [x.row for x in list_rows(store) if x.accepted and not (_key(x.row) & known)]
    lines = text.splitlines()
    inserts = _insertions(upstream, new, lines)
    merged = []
    for i, line in enumerate(lines):
        merged.append(line)
        merged += inserts.get(i, [])
    diff = difflib.unified_diff(lines, merged, fromfile=f"{path.name} (upstream)",
                                tofile=f"{path.name} (from the graph)", lineterm="")
    return "\n".join(diff) + ("\n" if new else "")
