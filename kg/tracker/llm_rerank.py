"""Optional second opinion: an LLM picks among the classifier's three most probable classes.

Off by default. Set ``MSKG_LLM_URL`` to an OpenAI-compatible chat endpoint (the base URL,
e.g. ``http://127.0.0.1:11434/v1`` for Ollama or ``http://127.0.0.1:8080/v1`` for a
llama.cpp server; ``/chat/completions`` is added unless the URL already ends with it),
``MSKG_LLM_MODEL`` to the model name, and ``MSKG_LLM_API_KEY`` if the server wants one.
``MSKG_LLM_TIMEOUT`` (seconds per request, default 20), ``MSKG_LLM_BUDGET`` (seconds for a
whole run, default 300) and ``MSKG_LLM_CACHE`` (a folder; default
``$XDG_CACHE_HOME/medseg-kg/llm``) bound what it may cost.

The model is shown the title, the abstract and the three classes with their
skos:definitions, and asked for JSON ``{"class": ..., "rationale": ...}``. Its answer and
rationale go into the prediction's evidence. Answers are cached on disk, keyed by the
request (endpoint, model, messages), so a paper seen again costs nothing and a run can be
replayed offline. A failure never stops a run: the answer carries the error, the
classifier keeps its own choice, and after a connection failure, a timeout or a spent
budget the rest of the run does not ask again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

__all__ = ["FROM_ENV", "Answer", "LlmReranker", "Reranker", "reranker_from_env"]

FROM_ENV = object()  # the classifier's default: whatever the environment configures

_SYSTEM = (
    "You file research papers on medical image segmentation into the classes of a survey taxonomy. "
    "Read the paper and the candidate classes with their definitions, and choose the one class that fits best. "
    'Answer with JSON only: {"class": "<the class label exactly as written>", "rationale": "<one sentence>"}.'
)


@dataclass(frozen=True)
class Answer:
    """What the LLM said, or why it said nothing."""

    choice: str | None
    rationale: str = ""
    model: str = ""
    cached: bool = False
    error: str | None = None

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "choice": self.choice, "rationale": self.rationale,
                               "cached": self.cached}
        if self.error:
            out["error"] = self.error
        return out


class Reranker(Protocol):
    def choose(self, title: str, abstract: str | None, top: Sequence[tuple[str, float, str]]) -> Answer: ...


def parse_answer(content: str, labels: Sequence[str]) -> tuple[str | None, str]:
    """(chosen label or None, rationale) from the model's reply: JSON if it gave JSON (also
    inside prose or a code fence), else the one label its text names."""
    data: Any = None
    for candidate in (content, *re.findall(r"\{.*?\}", content, re.DOTALL)):
        try:
            data = json.loads(candidate)
            break
        except ValueError:
            continue
    by_folded = {label.casefold(): label for label in labels}
    if isinstance(data, dict):
        said = str(data.get("class") or data.get("label") or "").strip()
        rationale = str(data.get("rationale") or data.get("reason") or "").strip()
        if said.casefold() in by_folded:
            return by_folded[said.casefold()], rationale
        content = said or content
    else:
        rationale = content.strip()[:500]
    named = [label for label in labels if label.casefold() in content.casefold()]
    # 'Zero-shot of SAM' is inside 'Zero-shot of SAM 2': keep only labels no other named label contains
    named = [label for label in named if not any(label != o and label.casefold() in o.casefold() for o in named)]
    return (named[0] if len(named) == 1 else None), rationale


class LlmReranker:
    """One OpenAI-compatible chat endpoint, with a disk cache, a timeout and a run budget."""

    def __init__(self, url: str, model: str, *, api_key: str | None = None, timeout: float = 20.0,
                 budget: float = 300.0, cache_dir: Path | None = None) -> None:
        base = url.rstrip("/")
        self.endpoint = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.model = model
        self._api_key = api_key
        self.timeout = timeout
        self.budget = budget
        self.cache_dir = cache_dir
        self._spent = 0.0
        self._stopped: str | None = None  # why this run asks no more
        self.requests_sent = 0

    def _messages(self, title: str, abstract: str | None,
                  top: Sequence[tuple[str, float, str]]) -> list[dict[str, str]]:
        classes = "\n".join(f"- {label}: {definition or '(no definition)'}" for label, _, definition in top)
        paper = f"Title: {title}\nAbstract: {abstract or '(none)'}"
        return [{"role": "system", "content": _SYSTEM},
                {"role": "user", "content": f"{paper}\n\nCandidate classes:\n{classes}\n\nWhich class?"}]

    def choose(self, title: str, abstract: str | None, top: Sequence[tuple[str, float, str]]) -> Answer:
        if not self.model:
            return Answer(None, error="MSKG_LLM_URL is set but MSKG_LLM_MODEL is not; "
                                      "set it to a model the server serves")
        labels = [label for label, _, _ in top]
        body = {"model": self.model, "messages": self._messages(title, abstract, top), "temperature": 0}
        key = hashlib.sha256(json.dumps({"endpoint": self.endpoint, "body": body}, sort_keys=True).encode()).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            choice, rationale = parse_answer(cached, labels)
            return self._answer(choice, rationale, cached=True)
        if self._stopped:
            return Answer(None, model=self.model, error=f"not asked: {self._stopped}")
        content = self._ask(body)
        if isinstance(content, Answer):
            return content
        self._store(key, content)
        choice, rationale = parse_answer(content, labels)
        return self._answer(choice, rationale)

    def _answer(self, choice: str | None, rationale: str, *, cached: bool = False) -> Answer:
        error = None if choice else "the answer names none of the three classes"
        return Answer(choice, rationale, self.model, cached, error)

    def _ask(self, body: dict[str, Any]) -> str | Answer:
        """The reply's text, or an Answer carrying the error (and, for a dead or slow server,
        the decision to stop asking for the rest of the run)."""
        if self._spent >= self.budget:
            self._stopped = f"the run's LLM budget of {self.budget:.0f} s is spent"
            return Answer(None, model=self.model, error=f"not asked: {self._stopped}")
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        started = time.monotonic()
        self.requests_sent += 1
        try:
            reply = requests.post(self.endpoint, json=body, headers=headers,
                                  timeout=(min(5.0, self.timeout), self.timeout))
            reply.raise_for_status()
            return str(reply.json()["choices"][0]["message"]["content"])
        except (requests.ConnectionError, requests.Timeout) as exc:
            self._stopped = f"{self.endpoint} did not answer ({type(exc).__name__}); the run goes on without the LLM"
            return Answer(None, model=self.model, error=self._stopped)
        except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
            return Answer(None, model=self.model, error=f"{self.endpoint}: unusable reply ({exc})")
        finally:
            self._spent += time.monotonic() - started

    def _cached(self, key: str) -> str | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}.json"
        try:
            return str(json.loads(path.read_text(encoding="utf-8"))["content"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, key: str, content: str) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f"{key}.tmp"
            tmp.write_text(json.dumps({"model": self.model, "content": content}), encoding="utf-8")
            tmp.replace(self.cache_dir / f"{key}.json")  # atomic: a reader never sees half an answer
        except OSError:
            pass  # a read-only cache only costs a repeated request next time


def _default_cache(env: Mapping[str, str]) -> Path:
    if env.get("MSKG_LLM_CACHE"):
        return Path(env["MSKG_LLM_CACHE"]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "medseg-kg" / "llm"


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        return default


def reranker_from_env(env: Mapping[str, str] | None = None) -> LlmReranker | None:
    """The reranker ``MSKG_LLM_URL`` / ``MSKG_LLM_MODEL`` configure, or None when the URL is unset."""
    env = os.environ if env is None else env
    url = (env.get("MSKG_LLM_URL") or "").strip()
    if not url:
        return None
    return LlmReranker(url, (env.get("MSKG_LLM_MODEL") or "").strip(), api_key=env.get("MSKG_LLM_API_KEY") or None,
                       timeout=_seconds(env, "MSKG_LLM_TIMEOUT", 20.0), budget=_seconds(env, "MSKG_LLM_BUDGET", 300.0),
                       cache_dir=_default_cache(env))
