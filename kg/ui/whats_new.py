"""What's new / review: the latest update digest and the candidate papers awaiting review.

The review actions (:mod:`kg.ui.review_actions`) appear when maintainer sign-in is configured
or ``MSKG_MAINTAINER=1`` is set, and write only for a signed-in maintainer
(:mod:`kg.ui.maintainer`); they append to the curation file, never to the store, which the
app opens read-only. The next `kg build` or `kg update` applies the decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.curation import CurationError, latest_decisions
from kg.paths import curation_file, digest_dir
from kg.tracker.review import queue
from kg.ui.common import md_escape, open_store, paper_url, store_path
from kg.ui.maintainer import current_access, render_sign_in, review_enabled
from kg.ui.review_actions import render_actions

@st.cache_data(show_spinner=False, ttl=60)
def candidates(path: str) -> pd.DataFrame:
    """The review queue's undecided papers (the same question `kg review list` asks)."""
    items = queue(open_store(path), "candidate")
    return pd.DataFrame([{"paper": i.paper, "title": i.title, "category": i.category or i.predicted or "",
                          "confidence": i.confidence, "arxiv": i.arxiv,
                          "evidence": json.dumps(i.evidence, ensure_ascii=False) if i.evidence else ""}
                         for i in items], columns=["paper", "title", "category", "confidence", "arxiv", "evidence"])


def latest_digest(folder: Path) -> Path | None:
    """The newest Markdown digest (by name, which the update run dates, then by time)."""
    if not folder.is_dir():
        return None
    files = sorted(folder.glob("*.md"), key=lambda p: (p.name, p.stat().st_mtime))
    return files[-1] if files else None


def readable_evidence(text: object) -> str:
    """mskg:evidence is JSON (matched phrases, nearest papers, how it was found): flatten it."""
    if not isinstance(text, str):
        return ""
    parts = []
    for chunk in text.split(" | "):
        try:
            data = json.loads(chunk)
        except ValueError:
            parts.append(chunk)
            continue
        if isinstance(data, dict):
            parts.append("; ".join(f"{k}: {json.dumps(v, ensure_ascii=False)[:160]}" for k, v in data.items()))
        else:
            parts.append(json.dumps(data, ensure_ascii=False)[:300])
    return " | ".join(parts)


def render() -> None:
    st.title("What's new")
    path = store_path()
    folder = digest_dir(path)
    digest = latest_digest(folder)
    if digest is None:
        st.info(f"No update run yet: no digest in {folder}. The weekly `kg update` writes one there.")
    else:
        st.subheader(f"Latest digest: {digest.stem}")
        with st.container(border=True):
            st.markdown(digest.read_text(encoding="utf-8", errors="replace"))  # Markdown only; HTML is not rendered
        older = sorted(folder.glob("*.md"))[:-1]
        if older:
            st.caption("Earlier digests: " + ", ".join(p.stem for p in reversed(older[-10:])))

    st.subheader("Candidates awaiting review")
    cands = candidates(path)
    curation = curation_file(path)
    try:
        decided = latest_decisions(curation) if curation is not None else {}
    except CurationError as exc:
        st.error(str(exc))
        decided = {}
    if cands.empty:
        st.info("No candidate papers: nothing awaits review.")
        return
    cands["decision"] = cands["paper"].map(lambda p: decided[p].status if p in decided else "")
    view = pd.DataFrame({
        "title": cands["title"], "page": cands["paper"].map(paper_url), "class": cands["category"],
        "confidence": cands["confidence"].astype(float), "evidence": cands["evidence"].map(readable_evidence),
        "arXiv": cands["arxiv"],
        "decision": cands["decision"],
    })
    st.dataframe(view, hide_index=True, width="stretch", column_config={
        "page": st.column_config.LinkColumn(display_text="open"),
        "confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")})

    if curation is None:
        st.caption("Review is read-only here: this store is a SPARQL endpoint, so decisions need a shared "
                   "curation file; set MSKG_CURATION_FILE when starting the app.")
        return
    if not review_enabled():
        st.caption(f"Review is read-only here: no maintainer sign-in is configured (see the README's review "
                   f"section); decisions go to {curation}.")
        return
    st.subheader("Review")
    access = current_access()
    render_sign_in(access)
    if access.by is not None:
        st.markdown(md_escape(f"Decisions by {access.by} are appended to {curation}."))
    render_actions(cands, path, curation)
