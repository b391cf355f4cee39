"""The evaluation's numbers on orders and confidences small enough to check by hand."""

from __future__ import annotations

import pytest

from kg.tracker.classify_metrics import (
    Bin,
    confusion,
    expected_calibration_error,
    max_wss,
    reliability,
    rrf_at,
    wss_at,
)

T, F = True, False


def test_wss_at_95() -> None:
    # 20 papers, 2 relevant: 95% recall needs both; found at place 3, so 17 of 20 are left unread
    order = [T, F, T] + [F] * 17
    assert wss_at(order) == pytest.approx(17 / 20 - 0.05)
    assert max_wss(20, 2) == pytest.approx(18 / 20 - 0.05)
    assert wss_at([F] * 18 + [T, T]) == pytest.approx(-0.05)  # reading everything saves nothing
    assert wss_at([F, F]) == 0.0


def test_rrf_at_10() -> None:
    order = [F, T] + [F] * 8 + [T, T] + [F] * 8  # 20 papers: the first 10% is 2 papers
    assert rrf_at(order) == pytest.approx(1 / 3)
    assert rrf_at([T] * 3 + [F] * 18) == pytest.approx(1.0)  # 21 papers: 10% rounds up to 3


def test_reliability_and_ece() -> None:
    conf = [0.95, 0.92, 0.55, 0.51, 1.0]
    right = [T, F, T, T, T]
    assert reliability(conf, right) == [Bin(0.5, 0.6, 2, 0.53, 1.0), Bin(0.9, 1.0, 3, pytest.approx(0.9567, abs=1e-4),
                                                                        pytest.approx(2 / 3))]
    assert expected_calibration_error(conf, right) == pytest.approx(2 / 5 * 0.47 + 3 / 5 * abs(2 / 3 - 2.87 / 3))
    assert expected_calibration_error([], []) == 0.0


def test_confusion() -> None:
    assert confusion(["a", "a", "b"], ["a", "b", "b"]) == {("a", "a"): 1, ("a", "b"): 1, ("b", "b"): 1}
