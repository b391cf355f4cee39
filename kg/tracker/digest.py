"""What a weekly update run did, for people: a Markdown digest and an Atom feed.

Every run writes ``<stamp>.md`` and refreshes ``latest.md`` and ``feed.atom`` in the
digest folder (default ``<store>/../digests/``). The feed keeps one entry per run and one
per newly queued paper (newest first, at most :data:`FEED_LIMIT`), so a feed reader shows
the new candidates themselves; re-writing a run's entries replaces them (same ids).

The Atom XML is small and regular, so it is written with :mod:`xml.etree.ElementTree`
rather than a feed library: one dependency fewer, and the output is deterministic.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from kg.tracker.scheme_digest import scheme_change_markdown

if TYPE_CHECKING:  # pragma: no cover
    from kg.tracker.report import UpdateReport

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 200
FEED_ID = "https://w3id.org/medseg-kg/digest"
ET.register_namespace("", ATOM)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _paper_link(arxiv: str | None, iri: str) -> str:
    return f"https://arxiv.org/abs/{arxiv}" if arxiv else iri


def markdown(report: UpdateReport) -> str:
    r = report
    lines = [f"# medseg-kg weekly update, {r.started.date().isoformat()}", ""]
    window = f"{r.window_start.isoformat()} to {r.window_end.isoformat()}"
    lines += [
        f"- window searched: {window}" + ("" if r.complete else
                                          " (incomplete: a source failed or a search did not finish; "
                                          "the next run searches it again)"),
        f"- run: `{r.activity or 'nothing written'}`, {r.seconds:.1f} s",
        f"- discovered {r.discovered} distinct papers; queued {len(r.candidates)}; skipped {len(r.skipped)}",
        f"- new citations of the anchor papers: {len(r.new_citations)}",
        "",
    ]
    lines += _sources(r) + _candidates(r) + _changes(r)
    lines += ["", f"## Accepted since the last run ({len(r.accepted)})", ""]
    lines += [f"- [{_md_escape(a.title or a.iri)}]({a.iri}) as {a.category or 'its predicted class'} ({a.decided})"
              for a in r.accepted] or ["None."]
    lines += ["", f"## New citations ({len(r.new_citations)})", ""]
    lines += [f"- {_md_escape(title)} cites {anchor}" for title, anchor in r.new_citations[:200]] or ["None."]
    if len(r.new_citations) > 200:
        lines.append(f"- ... and {len(r.new_citations) - 200} more")
    lines += _list_changes(r)
    lines += ["", f"## Failures ({len(r.failures)})", ""]
    lines += [f"- {_md_escape(f)}" for f in r.failures] or ["None."]
    lines += _skipped(r) + _notes(r)
    return "\n".join(lines) + "\n"


def _sources(r: UpdateReport) -> list[str]:
    lines = ["## Sources", ""]
    for s in r.sources:
        lines.append(f"- {s.name}: {'ok' if s.ok else ('INCOMPLETE' if s.usable else 'FAILED')}; {s.note}")
        lines += [f"  - did not finish: {_md_escape(what)}" for what in s.incomplete]
    return lines


def _withdrawn_iris(r: UpdateReport) -> set[str]:
    return {c.iri for s in r.sources for c in s.withdrawn}


def _candidates(r: UpdateReport) -> list[str]:
    lines = ["", f"## New candidates ({len(r.candidates)})", ""]
    if not r.candidates:
        return lines + ["No new candidates."]
    withdrawn = _withdrawn_iris(r)
    lines += ["| paper | class | confidence | found by | links |", "|---|---|---|---|---|"]
    for c in r.candidates:
        links = ", ".join(sorted({ln for ln in c.links}))
        flag = " (withdrawn)" if c.iri in withdrawn else ""
        lines.append(f"| [{_md_escape(c.title)}]({_paper_link(c.arxiv_id, c.iri)}){flag} | {_md_escape(c.category)} | "
                     f"{c.confidence:.2f} | {_md_escape('; '.join(c.found_by))} | {_md_escape(links)} |")
    return lines


def _changes(r: UpdateReport) -> list[str]:
    """Known papers with a new version (updated, not new) and withdrawn papers (flagged, kept)."""
    updated = [c for s in r.sources for c in s.updated]
    withdrawn = [c for s in r.sources for c in s.withdrawn]
    lines = ["", f"## Updated papers ({len(updated)})", ""]
    lines += [f"- [{_md_escape(c.title)}]({_paper_link(c.arxiv_id, c.iri)}): updated, {c.what}; "
              "already in the graph, not a new candidate" for c in updated] or ["None."]
    lines += ["", f"## Withdrawn papers ({len(withdrawn)})", ""]
    lines += [f"- [{_md_escape(c.title)}]({_paper_link(c.arxiv_id, c.iri)}): {c.what}; flagged mskg:withdrawn, kept"
              for c in withdrawn] or ["None."]
    return lines


def _list_changes(r: UpdateReport) -> list[str]:
    lc = r.list_changes
    lines = ["", "## Upstream survey list", ""]
    if lc is None:
        return lines + ["Not checked (disabled in the discovery config)."]
    if not lc.fetched:
        return lines + [f"Not compared: {lc.note}"]
    lines += [f"{lc.url}: {lc.rows} rows, compared with {lc.compared_with}.", ""]
    if lc.scheme_change is not None:  # a new taxonomy version: one section instead of dozens of "changed" rows
        lines += scheme_change_markdown(lc.scheme_change)
    lines.append(f"### New rows ({len(lc.new_rows)})")
    lines += [f"- line {row.line}: {row.name or '---'}: {_md_escape(row.title)} ({row.category})"
              + (" - new model, queued" if (row.name or row.title) in lc.new_models else "")
              for row in lc.new_rows] or ["None."]
    lines.append(f"### Rows that changed class ({len(lc.changed)})")
    lines += [f"- line {new.line}: {new.name or _md_escape(new.title)}: {old.category} -> {new.category}"
              for old, new in lc.changed] or ["None."]
    lines.append(f"### Removed rows ({len(lc.removed)})")
    lines += [f"- {row.name or '---'}: {_md_escape(row.title)} (was {row.category})"
              for row in lc.removed] or ["None."]
    lines.append(f"### Broken rows ({len(lc.broken)})")
    lines += [f"- line {p.line}: {p.reason}; {p.action}" for p in lc.broken] or ["None."]
    if lc.new_classes:
        lines.append(f"### Classes new to the taxonomy ({len(lc.new_classes)})")
        lines += [f"- {label}" for label in lc.new_classes]
    return lines


def _skipped(r: UpdateReport) -> list[str]:
    lines = ["", f"## Skipped ({len(r.skipped)})", ""]
    if not r.skipped:
        return lines + ["None."]
    by_reason: dict[str, int] = {}
    for s in r.skipped:
        by_reason[s.kind] = by_reason.get(s.kind, 0) + 1
    lines += [f"- {kind}: {n}" for kind, n in sorted(by_reason.items())]
    lines += ["", "| paper | why |", "|---|---|"]
    return lines + [f"| {_md_escape(s.title)} | {_md_escape(s.reason)} |" for s in r.skipped]


def _notes(r: UpdateReport) -> list[str]:
    """Every note the sources reported (the CLI prints a few and points here)."""
    notes = [(s.name, n) for s in r.sources for n in s.notes]
    lines = ["", f"## Notes from the sources ({len(notes)})", ""]
    return lines + ([f"- {name}: {_md_escape(n)}" for name, n in notes] or ["None."])


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    el.text = text
    return el


def _entry(entry_id: str, title: str, updated: str, link: str | None, summary: str,
           content: str | None = None) -> ET.Element:
    e = ET.Element(f"{{{ATOM}}}entry")
    _text(e, "id", entry_id)
    _text(e, "title", title)
    _text(e, "updated", updated)
    if link:
        ET.SubElement(e, f"{{{ATOM}}}link", {"href": link, "rel": "alternate"})
    _text(e, "summary", summary)
    if content:
        _text(e, "content", content, type="text")
    return e


def atom_entries(report: UpdateReport, markdown_text: str) -> list[ET.Element]:
    r = report
    updated = r.ended.isoformat(timespec="seconds")
    run_id = r.activity or f"{FEED_ID}/run/{r.started.strftime('%Y%m%dT%H%M%SZ')}"
    entries = [_entry(run_id, f"Weekly update {r.started.date().isoformat()}: {len(r.candidates)} new candidate(s)",
                      updated, None,
                      f"{len(r.candidates)} queued, {len(r.skipped)} skipped, {len(r.new_citations)} new citations, "
                      f"{len(r.failures)} failure(s)", markdown_text)]
    for c in r.candidates:
        entries.append(_entry(c.iri, c.title, updated, _paper_link(c.arxiv_id, c.iri),
                              f"Candidate for '{c.category}' (confidence {c.confidence:.2f}); "
                              f"found by {'; '.join(c.found_by)}"))
    return entries


def write_feed(path: Path, entries: list[ET.Element], now: datetime) -> None:
    """Merge ``entries`` into the feed at ``path`` (same id: replaced), newest first, capped."""
    old: list[ET.Element] = []
    if path.exists():
        try:
            old = ET.parse(path).getroot().findall(f"{{{ATOM}}}entry")
        except ET.ParseError:
            old = []  # a damaged feed is rebuilt from this run on
    ids = {e.findtext(f"{{{ATOM}}}id") for e in entries}
    merged = entries + [e for e in old if e.findtext(f"{{{ATOM}}}id") not in ids]
    merged.sort(key=lambda e: e.findtext(f"{{{ATOM}}}updated") or "", reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", FEED_ID)
    _text(feed, "title", "medseg-kg: new generalist medical image segmentation papers")
    _text(feed, "updated", now.isoformat(timespec="seconds"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "medseg-kg weekly update")
    _text(feed, "generator", "medseg-kg (kg update)")
    for e in merged[:FEED_LIMIT]:
        feed.append(e)
    ET.indent(feed)
    tmp = path.with_suffix(".atom.tmp")
    ET.ElementTree(feed).write(tmp, encoding="utf-8", xml_declaration=True)
    tmp.replace(path)


def write_run_log(folder: Path, command: str, started: datetime, lines: list[str]) -> Path:
    """The full list of a run's notes (the CLI prints the first ones): ``<command>-<stamp>.log``
    in the digest folder beside the store."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = started.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{command}-{stamp}.log"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def write_digest(report: UpdateReport, folder: Path) -> tuple[Path, Path]:
    """Write ``<stamp>.md``, ``latest.md`` and ``feed.atom`` into ``folder``; returns (markdown, feed)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    stamp = report.started.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    md = folder / f"update-{stamp}.md"
    md.write_text(text, encoding="utf-8")
    (folder / "latest.md").write_text(text, encoding="utf-8")
    feed = folder / "feed.atom"
    write_feed(feed, atom_entries(report, text), report.ended)
    return md, feed
