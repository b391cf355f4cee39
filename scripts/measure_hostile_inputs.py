"""The closing numbers of issue #14, measured on whichever ``kg`` is first on PYTHONPATH (so the
same inputs can be run against an older checkout): hostile console queries refused / tried
(and requests a honeypot endpoint on 127.0.0.1 received), reads failed / tried while builds
rewrite the store, and what each bad input makes ``kg`` say (exit code, traceback or message,
store unchanged or not).

The corpus of queries and the bad inputs are the tests' own (tests/hostile_queries.py,
tests/test_hostile_inputs.py), so the numbers are those of the suite's cases.

usage: PYTHONPATH=TREE python scripts/measure_hostile_inputs.py [queries] [reads] [inputs]
       [--builds N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

KG = [sys.executable, "-m", "kg.cli"]
SURVEY_LIST = "https://w3id.org/medseg-kg/graph/survey-list"
RESULTS = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/medseg-kg/ontology#Result> }"


def kg(*args: str, store: Path, curation: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": str(store), "COLUMNS": "300",
           "MSKG_CURATION_FILE": str(curation or store.parent / "curation.toml")}
    try:
        return subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -9, "", f"timed out after {timeout:g} s")


def sizes(store: Path) -> dict[str, int]:
    from kg.store import Store

    return Store.open(store, read_only=True).graph_sizes()


def measure_queries(store: Path) -> dict:
    """Every query of the corpus through the console's path (check, then the worker)."""
    from hostile_queries import HOSTILE, Honeypot

    from kg.sparql_guard import run_guarded

    pot = Honeypot()
    leaked = []
    for query in HOSTILE:
        result = run_guarded(store, pot.fill(query), timeout_s=20)
        if not result.error or result.rows:
            leaked.append({"query": query[:200], "rows": str(result.rows)[:200]})
    pot.server.shutdown()
    return {"tried": len(HOSTILE), "refused": len(HOSTILE) - len(leaked), "answered": leaked,
            "requests the honeypot received": len(pot.hits)}


def measure_reads(store: Path, builds: int) -> dict:
    """``builds`` builds one after another on a thread; meanwhile ``kg query`` on a thread and
    read-only opens in this process, each counted ok only with the whole graph's answer."""
    from kg.store import Store

    outcomes: Counter = Counter()
    failures: list[str] = []
    done = threading.Event()
    build_failures: list[str] = []

    def build_loop() -> None:
        for _ in range(builds):
            proc = kg("build", store=store)
            if proc.returncode != 0:
                build_failures.append((proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1])
        done.set()

    def cli_loop() -> None:
        while not done.is_set():
            proc = kg("query", RESULTS, "-f", "csv", store=store)
            outcomes["cli tried"] += 1
            if not (proc.returncode == 0 and proc.stdout.split() == ["n", "1041"]):
                failures.append("kg query: " + (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1])

    threads = [threading.Thread(target=build_loop), threading.Thread(target=cli_loop)]
    for thread in threads:
        thread.start()
    while not done.is_set():
        outcomes["in-process tried"] += 1
        try:
            rows = Store.open(store, read_only=True).select(RESULTS).rows
        except Exception as exc:  # noqa: BLE001 - counting what a reader dies of is the point
            failures.append(f"in-process: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            continue
        if rows != [{"n": 1041}]:
            failures.append(f"in-process: a partial graph: {rows}")
    for thread in threads:
        thread.join()
    tried = outcomes["cli tried"] + outcomes["in-process tried"]
    return {"builds": builds, "build failures": build_failures, "reads tried": tried, "reads failed": len(failures),
            **dict(outcomes), "failures": Counter(f[:160] for f in failures).most_common(10)}


def _outcome(proc: subprocess.CompletedProcess, before: dict[str, int], store: Path) -> dict:
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    traceback = "Traceback" in proc.stderr
    message = lines[-1] if traceback and lines else " ".join(proc.stderr.split())
    after = sizes(store)
    return {"exit": proc.returncode, "traceback": traceback,
            "survey-list triples": f"{before.get(SURVEY_LIST, 0)} -> {after.get(SURVEY_LIST, 0)}",
            "graphs unchanged": after == before, "said": message.replace(str(store.parent), "<dir>")[:400]}


def measure_inputs(store: Path, scratch: Path) -> dict:
    """Each bad survey list and curation file of the tests given to ``kg build``, and a bad
    paper to ``kg review accept``, on a copy of the built store."""
    from test_hostile_inputs import CURATION, LISTS

    said: dict[str, dict] = {}
    for name, (data, _) in LISTS.items():
        copy = scratch / "inputs" / "store"
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.copytree(store, copy)
        path = copy.parent / ("empty.md" if name == "empty list" else "list.md")
        path.write_bytes(data)
        before = sizes(copy)
        said[f"survey list: {name}"] = _outcome(kg("build", "--survey-list", str(path), store=copy), before, copy)
    for name, (text, _) in CURATION.items():
        copy = scratch / "inputs" / "store"
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.copytree(store, copy)
        path = copy.parent / "curation.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        before = sizes(copy)
        said[f"curation file: {name}"] = _outcome(kg("build", store=copy, curation=path), before, copy)
    copy = scratch / "inputs" / "store"
    shutil.rmtree(copy.parent, ignore_errors=True)
    shutil.copytree(store, copy)
    path = copy.parent / "curation.toml"
    before = sizes(copy)
    proc = kg("review", "accept", "https://w3id.org/medseg-kg/id/paper/a b>", store=copy, curation=path)
    outcome = _outcome(proc, before, copy)
    outcome["appended"] = path.exists() and "a b>" in path.read_text(errors="replace")
    outcome["next build exit"] = kg("build", store=copy, curation=path).returncode
    said["kg review accept 'paper/a b>'"] = outcome
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", default=["queries", "reads", "inputs"])
    parser.add_argument("--builds", type=int, default=10, help="builds during the reads (default 10)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    import kg as package

    out: dict = {"kg": package.__file__ and Path(package.__file__).resolve().parent.parent.name}
    with tempfile.TemporaryDirectory(prefix="mskg-hostile-") as tmp:
        store = Path(tmp) / "store"
        built = kg("build", store=store)
        if built.returncode != 0:
            print(built.stderr, file=sys.stderr)
            return 1
        if "queries" in args.parts:
            out["queries"] = measure_queries(store)
        if "inputs" in args.parts:
            out["inputs"] = measure_inputs(store, Path(tmp))
        if "reads" in args.parts:
            out["reads"] = measure_reads(store, args.builds)
    text = json.dumps(out, indent=1, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
