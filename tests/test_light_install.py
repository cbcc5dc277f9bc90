"""The light validator install (`pip install casegraph`: rdflib + pyshacl only) validates a
partner's repository through its console script, without the extractor or the server.

The wheel is built from a copy of this tree and installed into a fresh venv with no pip; the
venv sees only rdflib, pyshacl and what they require (linked from this environment, so the
test needs no network), never spaCy, FastAPI or pyoxigraph."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from rdflib import Dataset, Graph

from ingest.safe_rdf import FORMATS

ROOT = Path(__file__).resolve().parent.parent
LIGHT = ("rdflib", "pyshacl")
# Nothing from this checkout may leak into the light venv (PYTHONPATH would put it first).
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
BROKEN = (
    (ROOT / "tests" / "test_validate_cli.py").read_text(encoding="utf-8").split('BROKEN_TTL = """')[1].split('"""')[0]
)


def _closure(names: tuple[str, ...]) -> list[metadata.Distribution]:
    """The installed distributions `names` need, extras left out."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen.values())


def _link_site(dists: list[metadata.Distribution], site: Path) -> None:
    """Symlink each distribution's top-level modules and its metadata into `site`."""
    site.mkdir(parents=True)
    for dist in dists:
        base = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith((".", "/"))}
        for top in tops:
            source = base / top
            if source.exists() and not (site / top).exists() and top != "bin":
                (site / top).symlink_to(source)


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("light")
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("casegraph", "ingest", "api", "ontology", "shapes"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = work / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(src)],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
            env=CLEAN_ENV,
        ).stdout.strip()
    )
    _link_site(_closure(LIGHT), work / "light-site")
    (site / "light-deps.pth").write_text(str(work / "light-site") + "\n", encoding="utf-8")
    [wheel] = wheels.glob("casegraph-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    return env_dir


def test_the_base_install_pulls_only_rdflib_and_pyshacl() -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        import tomllib

        project = tomllib.load(f)["project"]
    assert sorted(Requirement(r).name for r in project["dependencies"]) == sorted(LIGHT)


def test_the_hook_pattern_covers_every_format_validate_reads() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "casegraph validate" and hook["language"] == "python"
    for suffix in FORMATS:
        assert re.search(hook["files"], f"data/file{suffix}"), suffix
    assert not re.search(hook["files"], "notes.txt")


@pytest.mark.slow
def test_a_partner_repo_validates_with_the_light_install(light_venv: Path, tmp_path: Path) -> None:
    python, casegraph = light_venv / "bin" / "python", light_venv / "bin" / "casegraph"
    for heavy in ("spacy", "fastapi", "pyoxigraph", "yaml"):
        done = subprocess.run([str(python), "-c", f"import {heavy}"], capture_output=True, env=CLEAN_ENV)
        assert done.returncode != 0, f"{heavy} is importable in the light install"
    partner = tmp_path / "partner"
    (partner / "data").mkdir(parents=True)
    good = partner / "data" / "case.ttl"  # the worked example, as the one Turtle file of the repo
    example = Dataset()
    example.parse(ROOT / "ontology" / "examples" / "veloria-case.trig", format="trig")
    union = Graph()
    for s, p, o, _g in example.quads((None, None, None, None)):
        union.add((s, p, o))
    good.write_text(union.serialize(format="turtle"), encoding="utf-8")
    done = subprocess.run(
        [str(casegraph), "validate", "data/case.ttl"], capture_output=True, text=True, cwd=partner, env=CLEAN_ENV
    )
    assert done.returncode == 0 and "data/case.ttl: conforms" in done.stdout, done.stderr
    bad = partner / "data" / "broken.ttl"
    bad.write_text(BROKEN, encoding="utf-8")
    done = subprocess.run(
        [str(casegraph), "validate", str(bad)], capture_output=True, text=True, cwd=partner, env=CLEAN_ENV
    )
    assert done.returncode == 1 and "no destination" in done.stdout, done.stderr
    shapes = partner / "casegraph-shapes.ttl"
    done = subprocess.run(
        [str(casegraph), "shapes", "--out", str(shapes)], capture_output=True, text=True, env=CLEAN_ENV
    )
    assert done.returncode == 0 and shapes.stat().st_size > 10_000, done.stderr
    done = subprocess.run([str(casegraph), "build", "x"], capture_output=True, text=True, env=CLEAN_ENV)
    assert done.returncode == 2 and "needs the full install" in done.stderr
