"""How long the What's new page takes for a maintainer: its first run (the accept-as-model
form's suggestion computed: gazetteer, linking, claims), cached reruns, and one submit.

Run:  PYTHONPATH=. .venv/bin/python scripts/measure_review_page.py

It builds the survey graph plus one candidate paper in a temporary folder (the store the
review tests use), runs the page with Streamlit's AppTest in local maintainer mode
(MSKG_MAINTAINER=1, server.address 127.0.0.1) and prints seconds; nothing is asserted.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from apptest import REVIEW_PAPER, build_review_store, page  # noqa: E402 - after the path
from streamlit import config  # noqa: E402



def seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.3f} s"


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    build_review_store(tmp / "store")
    print(f"build the store: {seconds(started)}")
    os.environ.update(MSKG_STORE=str(tmp / "store"), MSKG_DIGEST_DIR=str(tmp / "digests"),
                      MSKG_CURATION_FILE=str(tmp / "curation.toml"), MSKG_RESULTS_FILE=str(tmp / "results.csv"),
                      MSKG_MAINTAINER="1")
    config.set_option("server.address", "127.0.0.1")
    for label in ("first run (cold caches, suggestion computed)", "rerun (cached)", "rerun (cached)"):
        at = page("whats-new")
        started = time.perf_counter()
        at.run()
        print(f"What's new, {label}: {seconds(started)}")
    at.button(key=f"FormSubmitter:w_am_form_{REVIEW_PAPER}-Accept as a model").click()
    started = time.perf_counter()
    at.run()
    print(f"submit accept-as-model (check, write, rerun): {seconds(started)}")
    print("decisions written:", (tmp / "curation.toml").read_text().count("[[decision]]"))


if __name__ == "__main__":
    main()
