"""The digest's account of a taxonomy change (issue #18): one section that says the survey's
taxonomy changed, shows the new structure and how the known models moved (the crosswalk,
with counts and strategies), instead of a "changed class" row per model.
``kg.tracker.digest`` calls :func:`scheme_change_markdown` inside its upstream-list part."""

from __future__ import annotations

from collections import Counter

from kg.tracker.schemes import SchemeChange
from kg.vocab import short_iri


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _structure(change: SchemeChange) -> list[str]:
    """The version's sections and classes, each class with its entries and facet."""
    per_class: dict[str, list[str | None]] = {}
    for p in change.rows.values():
        per_class.setdefault(p.label, []).append(p.strategy)
    lines = []
    for c in change.concepts:
        if c.broader is None:
            own = per_class.get(c.label)
            lines.append(f"- {c.label}" + (f": {len(own)} listed" if own is not None else ""))
            continue
        strategies = Counter(s for s in per_class.get(c.label, []) if s)
        column = change.columns.get(c.label)
        facet = ""
        if strategies:
            facet = f"; {column or 'strategy'}: " + ", ".join(f"{s} {n}" for s, n in strategies.most_common())
        elif column:
            facet = f"; {column}: kept as notes"
        lines.append(f"  - {c.label}: {len(per_class.get(c.label, []))} listed{facet}")
    return lines


def _crosswalk(change: SchemeChange) -> list[str]:
    if not change.links:
        return [f"No entry of {short_iri(change.previous)} is listed in this version: no crosswalk."]
    old = short_iri(change.previous)
    lines = [f"How the known models moved: the crosswalk from `{old}` ({len(change.links)} links, derived from the "
             "entries listed in both versions):", "",
             f"| class in {old} | now under | link | entries | strategies |", "|---|---|---|---|---|"]
    for link in change.links:
        gone = link.old_total - link.old_shared
        count = f"{link.shared} of {link.old_shared}" + (f" ({gone} no longer listed)" if gone else "")
        strategies = ", ".join(f"{s} {n}" for s, n in link.strategies)
        lines.append(f"| {_md(link.old_label)} | {_md(link.new_label)} | {link.match} | {count} | {_md(strategies)} |")
    return lines


def scheme_change_markdown(change: SchemeChange | None) -> list[str]:
    """The digest lines (a '### ' section) for the taxonomy version the list follows; none
    when the list follows the scheme in force."""
    if change is None or not change.changes_taxonomy:
        return []
    new, old, in_force = short_iri(change.scheme), short_iri(change.previous), short_iri(change.in_force)
    share = f"{round(100 * change.fit_in_force)}%"
    lines = ["### The survey's taxonomy changed", ""]
    if not change.staged_now:
        return lines + [f"The list still follows `{new}` (staged on {change.issued.isoformat()}, not adopted); "
                        f"the scheme in force stays `{in_force}` ({share} of the list's rows carry one of its "
                        "classes). "
                        f"Review the crosswalk and adopt it with `kg taxonomy adopt {new}`.", ""]
    what = "a new version" if change.first_seen else "the staged version, changed since the last run"
    lines += [f"The list no longer follows the scheme in force, `{in_force}` ({share} of its {len(change.rows)} rows "
              f"carry one of its classes): it follows {what}, staged as `{new}` in graph:taxonomy-staged beside "
              f"`{in_force}`, never inside it. Every model keeps its class in `{old}`; the models listed now also "
              f"have their place in `{new}`. Until a maintainer adopts it (`kg taxonomy adopt {new}`), "
              f"`{in_force}` stays in force everywhere.", "",
              "The new structure (sections, classes, and what each table's third column holds):", ""]
    lines += _structure(change) + [""] + _crosswalk(change) + [""]
    if change.new_entries:
        lines.append(f"- new in this version: {_md(', '.join(change.new_entries))} (queued; classed in `{in_force}` "
                     "through the crosswalk where it is clear, else by the classifier)")
    if change.removed:
        lines.append(f"- no longer listed: {_md(', '.join(change.removed))} (they keep their class in `{old}`)")
    return lines + [""] if change.new_entries or change.removed else lines
