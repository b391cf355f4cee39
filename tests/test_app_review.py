"""The maintainer's review actions on the What's new page, through AppTest on a real built
store with one new candidate paper (MedSAM3, its abstract stating two Dice claims): accept
as a model (the same curation entry and results row as `kg review accept --model`), change
class, reject, maybe; and who may act: local mode only on 127.0.0.1, a maintainer token
from the secrets, an OpenID login on the maintainers list. A refusal writes nothing."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from apptest import REVIEW_PAPER, ROOT, build_review_store, no_exception, page
from streamlit import config
from streamlit.testing.v1 import AppTest

from kg.store import Store
from kg.tracker.suggest import default_decider

FAKE = REVIEW_PAPER
TOKEN = "s3cret-token-of-ada-0123456789"


@pytest.fixture(scope="module")
def review_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_review_store(tmp_path_factory.mktemp("review") / "store")


@pytest.fixture
def app(review_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The app's environment: the store, an empty curation file and results table, no sign-in."""
    monkeypatch.setenv("MSKG_STORE", str(review_store))
    monkeypatch.setenv("MSKG_DIGEST_DIR", str(tmp_path / "digests"))
    monkeypatch.setenv("MSKG_CURATION_FILE", str(tmp_path / "curation.toml"))
    monkeypatch.setenv("MSKG_RESULTS_FILE", str(tmp_path / "results.csv"))
    monkeypatch.delenv("MSKG_MAINTAINER", raising=False)
    before = config.get_option("server.address")
    yield tmp_path
    config.set_option("server.address", before)


def local_maintainer(monkeypatch: pytest.MonkeyPatch) -> None:
    """MSKG_MAINTAINER=1 on an app bound to 127.0.0.1 only (as `kg app` starts it)."""
    monkeypatch.setenv("MSKG_MAINTAINER", "1")
    config.set_option("server.address", "127.0.0.1")


def decisions(tmp: Path) -> list[dict]:
    path = tmp / "curation.toml"
    return tomllib.loads(path.read_text())["decision"] if path.exists() else []


def choose(at: AppTest, action: str) -> AppTest:
    at.selectbox(key="w_review_paper").set_value(FAKE).run()
    at.radio(key="w_review_action").set_value(action).run()
    no_exception(at)
    return at


def test_accept_as_model_writes_what_the_cli_writes(app: Path, review_store: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cli_store = app / "cli-store"
    shutil.copytree(review_store, cli_store)  # the CLI applies its decision: to a copy, not the app's store
    local_maintainer(monkeypatch)
    at = choose(page("whats-new").run(), "Accept as a model")
    assert at.text_input(key=f"w_am_name_{FAKE}").value == "MedSAM3"
    assert at.selectbox(key=f"w_am_class_{FAKE}").value == "Fine-tuning of SAM 2"
    assert at.text_input(key=f"w_am_based_{FAKE}").value == "MedSAM2"
    assert at.text_input(key=f"w_am_code_{FAKE}").value == "https://github.com/example/MedSAM3"
    assert at.selectbox(key=f"w_am_framework_{FAKE}").value == "generalist"
    claims = [at.checkbox(key=f"w_am_claim_{i}_{FAKE}") for i in range(2)]
    assert [c.label for c in claims] == ["Claim 1: Dice 89.2% on BTCV", "Claim 2: Dice 91.2% on AMOS"]
    assert not any(c.value for c in claims), "no result is proposed as confirmed without a human's yes"
    claims[1].check()
    at.text_input(key=f"w_am_reason_{FAKE}").input("new 3D model")
    at.button(key=f"FormSubmitter:w_am_form_{FAKE}-Accept as a model").click().run()
    no_exception(at)
    [written] = decisions(app)
    assert {k: v for k, v in written.items() if k != "decided"} == {
        "paper": FAKE, "status": "accepted", "category": "Fine-tuning of SAM 2", "reason": "new 3D model",
        "by": default_decider(), "model": "MedSAM3", "based_on": "MedSAM2",
        "code": "https://github.com/example/MedSAM3", "framework": "generalist"}
    assert "model = \"MedSAM3\"" in at.code[0].value and "AMOS: Dice 91.2" in at.code[0].value
    assert at.dataframe[0].value["decision"].iloc[0] == "accepted"

    env = {**os.environ, "MSKG_STORE": str(cli_store), "MSKG_CURATION_FILE": str(app / "cli.toml"),
           "MSKG_RESULTS_FILE": str(app / "cli.csv"), "PYTHONPATH": str(ROOT)}
    cli = subprocess.run([sys.executable, "-m", "kg.cli", "review", "accept", FAKE, "--model", "MedSAM3",
                          "--result", "2", "--reason", "new 3D model", "--by", default_decider(), "-y"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert (app / "cli.toml").read_text() == (app / "curation.toml").read_text()
    assert (app / "cli.csv").read_text() == (app / "results.csv").read_text()
    with (app / "results.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["ID"], r["Dataset"], r["Dice"], r["Source"]) for r in rows] == [("MedSAM3", "AMOS", "91.2", FAKE)]

    store = Store.open(review_store, read_only=True)  # the app wrote files only, never its store
    status = store.select("PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> "
                          f"SELECT ?s WHERE {{ <{FAKE}> mskg:reviewStatus ?s }}").rows
    assert [r["s"] for r in status] == ["candidate"]


def test_change_class_reject_and_maybe_each_write_one_decision(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    local_maintainer(monkeypatch)
    at = choose(page("whats-new").run(), "Change class")
    at.selectbox(key=f"w_Change class_class_{FAKE}").set_value("Adapters for SAM")
    at.button(key=f"FormSubmitter:w_Change class_form_{FAKE}-Change class").click().run()
    no_exception(at)
    assert [(d["status"], d["category"]) for d in decisions(app)] == [("maybe", "Adapters for SAM")]
    assert 'category = "Adapters for SAM"' in at.code[0].value
    at = choose(at, "Reject")
    at.text_input(key=f"w_Reject_reason_{FAKE}").input("not segmentation")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    no_exception(at)
    assert [(d["status"], d.get("reason")) for d in decisions(app)][-1] == ("rejected", "not segmentation")
    at = choose(at, "Maybe")
    at.button(key=f"FormSubmitter:w_Maybe_form_{FAKE}-Maybe").click().run()
    assert [d["status"] for d in decisions(app)] == ["maybe", "rejected", "maybe"]
    assert {d["by"] for d in decisions(app)} == {default_decider()}


def test_the_environment_variable_alone_is_refused_off_loopback(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSKG_MAINTAINER", "1")
    config.set_option("server.address", "0.0.0.0")
    at = choose(page("whats-new").run(), "Reject")
    assert any("counts only for an app listening on 127.0.0.1" in c.value for c in at.caption)
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    no_exception(at)
    assert [e.value for e in at.error] == [
        "Refused: MSKG_MAINTAINER=1 counts only for an app listening on 127.0.0.1 alone (server.address); this one "
        "listens on 0.0.0.0; no maintainer sign-in is configured: add [maintainer_tokens] or [auth] and maintainers "
        "to .streamlit/secrets.toml. Nothing was written."]
    assert not (app / "curation.toml").exists()


def test_nothing_configured_shows_no_actions(app: Path) -> None:
    at = page("whats-new").run()
    no_exception(at)
    assert not at.button and not at.radio
    assert any("no maintainer sign-in is configured" in c.value for c in at.caption)


def with_token(at: AppTest, typed: str) -> AppTest:
    at.secrets["maintainer_tokens"] = {"Ada Lovelace": TOKEN, "Bob": "short"}
    at.run()
    at.text_input(key="w_token").input(typed)
    at.button(key="FormSubmitter:w_token_form-Sign in with the token").click().run()
    no_exception(at)
    return at


def test_a_wrong_token_is_refused_and_a_right_one_signs_in(app: Path) -> None:
    at = with_token(page("whats-new"), TOKEN[:-1] + "X")
    assert [e.value for e in at.error] == [
        "That is not a maintainer token (see [maintainer_tokens] in secrets.toml); not signed in."]
    assert any("maintainer_tokens.Bob in secrets.toml is shorter than 16" in w.value for w in at.warning)
    at = choose(at, "Reject")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    assert at.error[0].value.startswith("Refused: sign in as a maintainer") and decisions(app) == []
    with_token(at, "short")  # a weak token is never accepted, even typed exactly
    assert at.error and decisions(app) == []

    at = with_token(page("whats-new"), TOKEN)
    assert any("Signed in as **Ada Lovelace** (token)" in m.value for m in at.markdown)
    at = choose(at, "Reject")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    assert [(d["status"], d["by"]) for d in decisions(app)] == [("rejected", "Ada Lovelace")]
    del at.secrets["maintainer_tokens"]["Ada Lovelace"]  # revoked while signed in: the next action is refused
    at.run()
    at = choose(at, "Maybe")
    at.button(key=f"FormSubmitter:w_Maybe_form_{FAKE}-Maybe").click().run()
    assert at.error and "no longer a maintainer token" in at.error[0].value
    assert len(decisions(app)) == 1


def test_an_openid_login_counts_only_on_the_maintainers_list(app: Path) -> None:
    at = page("whats-new")
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "medseg-kg", "client_secret": "y", "server_metadata_url": "http://127.0.0.1/x"}
    at.secrets["maintainers"] = ["ada@example.org"]
    at.user = {"is_logged_in": False}
    at.run().button(key="w_login").click().run()
    no_exception(at)  # whatever st.login cannot do here (no Authlib, no provider) is said, not raised
    assert at.error[0].value.startswith("OpenID sign-in is not usable: ")
    at.user = {"is_logged_in": True, "email": "eve@example.org"}
    at = choose(at.run(), "Reject")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    assert "signed in as eve@example.org, who is not in the maintainers list" in at.error[0].value
    assert decisions(app) == []
    at.user = {"is_logged_in": True, "email": "ada@example.org", "email_verified": False}
    at = choose(at.run(), "Reject")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    assert "signed in as ada@example.org, whose provider has not verified it" in at.error[0].value
    assert decisions(app) == []
    at.user = {"is_logged_in": True, "email": "Ada@example.org", "name": "Ada"}
    at = choose(at.run(), "Reject")
    at.button(key=f"FormSubmitter:w_Reject_form_{FAKE}-Reject").click().run()
    no_exception(at)
    assert [(d["status"], d["by"]) for d in decisions(app)] == [("rejected", "Ada@example.org")]
