"""ingest.curation: the append-only TOML file of review decisions (shared with the update run)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from kg.paths import curation_file as curation_path
from ingest.curation import (CurationError, Decision, append_decision, latest_decisions,
                         read_decisions)

PAPER = "https://w3id.org/medseg-kg/id/paper/arxiv/2501.00001"


def test_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "curation.toml"
    append_decision(path, Decision(PAPER, "accepted", "Adapters for SAM", date(2026, 1, 5)))
    append_decision(path, Decision(PAPER, "rejected", 'Odd "quoted" class\nwith newline', date(2026, 1, 6)))
    text = path.read_text()
    assert text.startswith("[[decision]]\npaper = \"https://") and "decided = 2026-01-05\n" in text
    raw = tomllib.loads(text)["decision"]
    assert raw[0] == {"paper": PAPER, "status": "accepted", "category": "Adapters for SAM", "decided": date(2026, 1, 5)}
    decisions = read_decisions(path)
    assert [d.status for d in decisions] == ["accepted", "rejected"]
    assert decisions[1].category == 'Odd "quoted" class\nwith newline'
    assert latest_decisions(path)[PAPER].status == "rejected"


def test_bad_decisions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CurationError):
        # "maybe" is a status now (the paper stays in the queue); "perhaps" is not
        append_decision(tmp_path / "c.toml", Decision(PAPER, "perhaps", "", date.today()))
    with pytest.raises(CurationError):
        append_decision(tmp_path / "c.toml", Decision("not an iri", "accepted", "", date.today()))
    assert read_decisions(tmp_path / "absent.toml") == []


def test_curation_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MSKG_CURATION_FILE", raising=False)
    assert curation_path(tmp_path / "store") == tmp_path / "curation.toml"
    monkeypatch.setenv("MSKG_CURATION_FILE", str(tmp_path / "x.toml"))
    assert curation_path(tmp_path / "store") == tmp_path / "x.toml"


def test_entries_are_read_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    append_decision(path, Decision(PAPER, "accepted", "", date(2026, 1, 5)))
    append_decision(path, Decision(PAPER, "rejected", "", date(2026, 1, 6)))
    assert [d.line for d in read_decisions(path)] == [1, 7]
    hand_written = '\n[[decision]]\npaper = "https://x/y"\nstatus = "perhaps"\ndecided = 2026-01-07\n'
    path.write_text(path.read_text() + hand_written)
    with pytest.raises(CurationError, match=r"c\.toml: line 13: status 'perhaps' is neither of accepted, rejected"):
        read_decisions(path)


@pytest.mark.parametrize("decision", [
    Decision(PAPER + " x>", "accepted", "", date(2026, 1, 5)),
    Decision(PAPER, "perhaps", "", date(2026, 1, 5)),
    Decision(PAPER, "accepted", 5, date(2026, 1, 5)),  # type: ignore[arg-type]
    Decision(PAPER, "accepted", "", "2026-01-05"),  # type: ignore[arg-type]
])
def test_a_bad_decision_is_never_appended(tmp_path: Path, decision: Decision) -> None:
    path = tmp_path / "c.toml"
    append_decision(path, Decision(PAPER, "accepted", "", date(2026, 1, 5)))
    before = path.read_text()
    with pytest.raises(CurationError):
        append_decision(path, decision)
    assert path.read_text() == before and len(read_decisions(path)) == 1
