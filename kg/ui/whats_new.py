"""What's new / review: the latest update digest and the candidate papers awaiting review.

Accept/reject appear only in maintainer mode (``MSKG_MAINTAINER=1`` when starting the app);
they append to the curation file (kg.tracker.curation), never to the store, which the app opens
read-only. The next update run applies the decisions."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.curation import CurationError, Decision, append_decision, latest_decisions
from kg.paths import curation_file, digest_dir
from kg.tracker.review import queue
from kg.ui.common import md_escape, open_store, paper_url, store_path

MAINTAINER_ENV = "MSKG_MAINTAINER"


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


def maintainer_mode() -> bool:
    return os.environ.get(MAINTAINER_ENV, "") == "1"


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
    if not maintainer_mode():
        st.caption(f"Review is read-only here. Start the app with {MAINTAINER_ENV}=1 to accept or reject; "
                   f"decisions go to {curation}.")
        return
    st.markdown(f"**Maintainer mode**: decisions are appended to `{curation}`.")
    for paper, title, category in cands[["paper", "title", "category"]].itertuples(index=False):
        first_class = (category or "").split(" | ")[0]
        c1, c2, c3 = st.columns([6, 1, 1])
        c1.markdown(md_escape(f"{title or paper} — {first_class or 'no class'}")
                 + (f" · decided: {decided[paper].status}" if paper in decided else ""))
        for col, status, label in ((c2, "accepted", "Accept"), (c3, "rejected", "Reject")):
            if col.button(label, key=f"w_{status}_{paper}"):
                append_decision(curation, Decision(paper, status, first_class, date.today()))
                st.toast(f"{status}: {title or paper}")
                st.rerun()
