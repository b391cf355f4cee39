"""How each step's time grows with the graph: `kg bench` at several sizes, and the cost
exponent of every step between two sizes (t ~ n^k, so k = log(t2/t1) / log(n2/n1); 1 is
linear, 0 is a step that does not grow).

    python scripts/bench_sizes.py --sizes 10000,100000,1000000 --json-dir bench-sizes
    python scripts/bench_sizes.py --from-json a.json b.json     # runs made before

Each size is one `kg bench --no-baseline` run in a process of its own (rdflib is left out: at
1M papers it would not finish); its JSON is kept in --json-dir. The table prints load, peak
memory and every saved question's p50, and the exponent from each size to the next.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path


def run_size(papers: int, out: Path, workdir: Path | None, repeats: int) -> dict:
    cmd = [sys.executable, "-m", "kg.cli", "bench", "--papers", str(papers), "--no-baseline",
           "--repeats", str(repeats), "--query-timeout", "600", "--json", str(out)]
    if workdir is not None:
        cmd += ["--workdir", str(workdir)]
    print(f"# {' '.join(cmd[2:])}", flush=True)
    subprocess.run(cmd, check=True)
    return json.loads(out.read_text())


def steps(run: dict) -> dict[str, float]:
    """Seconds (or MB) per step of one run, by name."""
    out = {"generate (s)": run["generate_s"], "load with compaction (s)": run["load_s"],
           "bulk load (s)": run.get("bulk_load_s"), "compaction (s)": run.get("compact_s"),
           "export N-Quads (s)": run.get("export_s"), "load peak RSS (MB)": run.get("load_peak_rss_mb"),
           "store on disk (MB)": run.get("store_mb")}
    for q in run["queries"]:
        if q.get("p50_ms") is not None:
            out[f"{q['name']} p50 (ms)"] = q["p50_ms"]
    return {k: v for k, v in out.items() if v is not None}


def exponent(n1: int, t1: float, n2: int, t2: float) -> float | None:
    if t1 <= 0 or t2 <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def table(runs: list[dict]) -> str:
    runs = sorted(runs, key=lambda r: r["papers"])
    sizes = [r["papers"] for r in runs]
    per = [steps(r) for r in runs]
    names = list(dict.fromkeys(k for p in per for k in p))
    head = ["step", *[f"{n:,} papers" for n in sizes],
            *[f"k {a:,}->{b:,}" for a, b in zip(sizes, sizes[1:])]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        cells = [f"{p[name]:,.1f}" if name in p else "-" for p in per]
        for (a, pa), (b, pb) in zip(zip(sizes, per), zip(sizes[1:], per[1:])):
            k = exponent(a, pa[name], b, pb[name]) if name in pa and name in pb else None
            cells.append("-" if k is None else f"{k:.2f}")
        lines.append("| " + " | ".join([name, *cells]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="papers per run, comma separated")
    ap.add_argument("--json-dir", type=Path, default=Path("bench-sizes"), help="where each run's JSON goes")
    ap.add_argument("--workdir", type=Path, help="where the runs' data and stores go (a disk with room: "
                    "1M papers take about 10 GB while they run)")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per question")
    ap.add_argument("--from-json", nargs="+", type=Path, help="tabulate runs made before instead")
    args = ap.parse_args(argv)
    if args.from_json:
        runs = [json.loads(p.read_text()) for p in args.from_json]
    else:
        args.json_dir.mkdir(parents=True, exist_ok=True)
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
        runs = [run_size(n, args.json_dir / f"bench-{n}.json", args.workdir, args.repeats) for n in sizes]
    print(table(runs))


if __name__ == "__main__":
    main()
