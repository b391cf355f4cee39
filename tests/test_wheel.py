"""The wheel as a user gets it: built from the checkout, installed (not editable) into a fresh
venv whose dependencies come from the package index, and run from a directory outside the
repository, so only what the wheel carries is there to be read.

A checkout hides packaging mistakes (a subpackage or a .rq file left out of the wheel, the
ontology read from the top level); these tests are the place they show. The venv costs about
a minute, paid once per session by the module-scoped fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "ingest")

pytestmark = pytest.mark.wheel


def outside_checkout(path: Path) -> Path:
    assert not path.resolve().is_relative_to(ROOT), f"{path} is inside the checkout {ROOT}"
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without what would point Python or kg back at the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not k.startswith("MSKG_")}
    env.update(extra)
    return env


def run(args: list[str | Path], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(**env), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, (f"{' '.join(map(str, args))} exited {done.returncode}\n"
                                  f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = outside_checkout(tmp_path_factory.mktemp("wheel"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, ROOT], cwd=out)
    (built,) = out.glob("medseg_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed the ordinary way (dependencies from the index)."""
    where = outside_checkout(tmp_path_factory.mktemp("venv")) / "venv"
    run([sys.executable, "-m", "venv", where], cwd=where.parent)
    run([where / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=where.parent, timeout=900)
    return where


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the installed commands run: an empty directory outside the checkout."""
    return outside_checkout(tmp_path_factory.mktemp("work"))


@pytest.fixture(scope="module")
def built_store(venv: Path, workdir: Path) -> Path:
    store = workdir / "store"
    run([venv / "bin" / "kg", "--store", store, "build"], cwd=workdir)
    return store


def dist_info(wheel: Path) -> str:
    name, version = wheel.name.split("-")[:2]
    return f"{name}-{version}.dist-info"


def repo_files(pattern: str, under: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / under).glob(pattern)
            if p.is_file() and "__pycache__" not in p.parts}


def test_wheel_carries_every_package_its_queries_and_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        top = {n.split("/", 1)[0] for n in names}
        assert top == {*PACKAGES, dist_info(wheel)}, sorted(top)
        for package in PACKAGES:
            modules = repo_files("**/*.py", package)
            assert modules and modules <= names, sorted(modules - names)
        queries = repo_files("**/*.rq", "kg/queries") | repo_files("**/*.ru", "kg/queries")
        assert any(q.startswith("kg/queries/internal/") for q in queries)
        assert queries <= names, sorted(queries - names)
        data = repo_files("*", "kg/data") | repo_files("**/*", "ingest/data")
        assert data <= names, sorted(data - names)
        for name in ("ontology.ttl", "shapes.ttl"):
            assert zf.read(f"kg/{name}") == (ROOT / name).read_bytes(), f"kg/{name} differs from the top-level {name}"
        entry_points = zf.read(f"{dist_info(wheel)}/entry_points.txt").decode()
        assert "kg = kg.cli:main" in entry_points


def test_installed_package_is_the_one_imported(venv: Path, workdir: Path) -> None:
    probe = ("import json, sysconfig, kg, ingest, kg.resources as r; print(json.dumps({"
             "'site': sysconfig.get_paths()['purelib'], 'kg': kg.__file__, 'ingest': ingest.__file__,"
             "'ontology': str(r.ONTOLOGY_FILE), 'shapes': str(r.SHAPES_FILE)}))")
    found = json.loads(run([venv / "bin" / "python", "-c", probe], cwd=workdir).stdout)
    site = Path(found.pop("site")).resolve()
    assert site.is_relative_to(venv.resolve())
    for what, path in found.items():
        assert Path(path).resolve().is_relative_to(site), f"{what} comes from {path}, not the venv's {site}"
    assert Path(found["ontology"]).parent == Path(found["kg"]).parent


def test_installed_cli_builds_validates_and_answers(venv: Path, workdir: Path, built_store: Path) -> None:
    kg = venv / "bin" / "kg"
    run([kg, "--store", built_store, "validate"], cwd=workdir)
    answer = run([kg, "--store", built_store, "query", "-f", "json", "lineage-of-medsam2"], cwd=workdir)
    rows = json.loads(answer.stdout)
    assert [(r["ancestor"], int(r["distance"])) for r in rows] == [("SAM 2", 1), ("SAM", 2)]


APP_SMOKE = """
import json
from streamlit.testing.v1 import AppTest

seen = {}
for name, script in {"overview": "from kg.ui import overview\\noverview.render()",
                     "models": "from kg.ui import models\\nmodels.render()"}.items():
    at = AppTest.from_string(script, default_timeout=60).run()
    seen[name] = {
        "exceptions": [e.message for e in at.exception],
        "titles": [t.value for t in at.title],
        "metrics": {m.label: m.value for m in at.metric},
        "table_rows": len(at.dataframe[0].value) if at.dataframe else None,
    }
print(json.dumps(seen))
"""


def test_installed_app_pages_render(venv: Path, workdir: Path, built_store: Path) -> None:
    """The installed kg.ui pages against the built store, through Streamlit's AppTest."""
    done = run([venv / "bin" / "python", "-c", APP_SMOKE], cwd=workdir, MSKG_STORE=str(built_store),
               MSKG_DIGEST_DIR=str(workdir / "digests"), MSKG_CURATION_FILE=str(workdir / "curation.toml"))
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for name, page in seen.items():
        assert not page["exceptions"], (name, page["exceptions"])
        assert page["titles"], f"{name} shows no title"
    assert seen["overview"]["metrics"]["Models"] == "83"
    assert seen["models"]["table_rows"] == 83
