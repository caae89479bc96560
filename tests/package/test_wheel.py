"""The built wheel works outside the checkout: init, build, audit and serve in an empty folder.

The fresh virtual environment sees the shared environment's third-party packages through a .pth
line (installing them again would take minutes), but the project's own code comes only from the
wheel: PYTHONPATH is dropped, the folder is outside the checkout, and the test asserts where
`playbook_cli` and `site_builder` are imported from.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the wheel is built from: the packaging files and the packages (a copy, so no stale build/ folder leaks in).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "process.yaml")
# The packages pyproject.toml ships, read from it so a new package cannot be left out of this test.
PACKAGES = tuple(
    pattern.rstrip("*")
    for pattern in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
)
CSV = (
    "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
    "Contoso,qualifying,120000,yes,Reply to the recap email,2027-02-20\n"
    "Fabrikam,proposing,50000,no,,\n"
)

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def _build_wheel(tmp: Path, env: dict[str, str]) -> Path:
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, symlinks=True, ignore=ignore)
    dist = tmp / "dist"
    # No build isolation: setuptools comes from this environment, so building downloads nothing.
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), "."]
    _run([*pip_wheel, "--quiet"], source, env)
    (wheel,) = dist.glob("cvo_playbook-0.3.0-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path, env: dict[str, str]) -> Path:
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    site_packages = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).stdout.strip()
    )
    # A plain path line: the shared packages become importable, but that folder's own .pth files
    # (among them the editable install of this checkout) are not run.
    (site_packages / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        tmp,
        env,
    )
    return venv


def test_the_wheel_inits_builds_audits_and_serves_in_an_empty_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("wheel")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PLAYBOOK_PROCESS", "PLAYBOOK_DATABASE_URL")
    }
    env["NO_MKDOCS_2_WARNING"] = "1"
    venv = _fresh_venv(tmp, _build_wheel(tmp, env), env)
    assert not venv.is_relative_to(ROOT)
    bin_dir = venv / "bin"
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    folder = tmp / "empty"
    folder.mkdir()

    where = _run(
        [
            str(bin_dir / "python"),
            "-c",
            "import playbook_cli, site_builder; print(playbook_cli.__file__); print(site_builder.__file__)",
        ],
        folder,
        env,
    )
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(venv), line

    playbook = str(bin_dir / "playbook")
    _run([playbook, "init"], folder, env)
    assert (folder / "process.yaml").read_text(encoding="utf-8") == (ROOT / "process.yaml").read_text(encoding="utf-8")
    assert (folder / "process.schema.json").is_file()

    built = _run([playbook, "build"], folder, env)
    assert "6 stages" in built.stdout
    assert (folder / "site" / "stages" / "qualifying" / "index.html").is_file()
    assert (folder / "site" / "cvo" / "index.html").is_file()  # a hand-written page, shipped as package data

    (folder / "pipeline.csv").write_text(CSV, encoding="utf-8")
    audited = _run([playbook, "audit", "pipeline.csv", "--as-of", "2027-03-01"], folder, env)
    assert "Deals assessed: 2" in audited.stdout
    assert (folder / "audit-out" / "report.html").is_file()

    # gunicorn's settings ship in the package: the manual's command reads them from any folder.
    settings = _run(
        [
            str(bin_dir / "python"),
            "-m",
            "gunicorn",
            "-c",
            "python:assess_app.gunicorn_conf",
            "--print-config",
            "assess_app:create_app()",
        ],
        folder,
        env,
    ).stdout
    assert re.search(r"^preload_app += True$", settings, re.M) and re.search(r"^workers += 2$", settings, re.M)

    log = tmp / "serve.log"
    with (
        log.open("w", encoding="utf-8") as errors,
        subprocess.Popen(
            [playbook, "serve", "--port", "0", "--site-dir", "served"],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as server,
    ):
        try:
            assert server.stdout is not None
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
            assert match, log.read_text(encoding="utf-8")
            base = f"http://127.0.0.1:{match.group(1)}"
            with urllib.request.urlopen(f"{base}/stages/qualifying/", timeout=30) as page:
                assert page.status == 200 and "Qualifying" in page.read().decode("utf-8")
            with urllib.request.urlopen(f"{base}/check", timeout=30) as form:
                assert form.status == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
