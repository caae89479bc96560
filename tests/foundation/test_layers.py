"""The packages stand in layers: the pure core at the bottom, nothing imports upwards, no cycles.

Every import is read, those inside functions too (the commands import lazily): a package may import
only the packages below it. The app never imports the CSV audit (both feed pipeline_report).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW: dict[str, frozenset[str]] = {
    "sales_process": frozenset(),
    "site_builder": frozenset({"sales_process"}),
    "deal_records": frozenset({"sales_process"}),
    "verdict_sql": frozenset({"sales_process"}),
    "pipeline_report": frozenset({"sales_process"}),
    "pipeline_audit": frozenset({"sales_process", "verdict_sql", "pipeline_report"}),
    "forecast": frozenset({"sales_process", "deal_records", "pipeline_audit", "pipeline_report", "verdict_sql"}),
    "assess_app": frozenset(
        {"sales_process", "deal_records", "site_builder", "pipeline_report", "verdict_sql", "forecast"}
    ),
}
PACKAGES = frozenset({*BELOW, "playbook_cli", "benchmarks", "docs_tools", "tests"})


def _imported(package: str) -> dict[str, list[str]]:
    """The project's packages each module of `package` imports, by module path."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in PACKAGES and top != package:
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", sorted(BELOW))
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    upward = {top: paths for top, paths in _imported(package).items() if top not in BELOW[package]}
    assert upward == {}, f"{package} imports {sorted(upward)} from {upward}"


def test_the_tests_take_their_data_and_servers_from_tests_support_never_from_the_benchmarks() -> None:
    # The benchmarks import tests.support, not the other way round: a benchmark can change its
    # figures without changing what a test checks.
    assert "benchmarks" not in _imported("tests"), _imported("tests")["benchmarks"]
