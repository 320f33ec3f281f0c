"""The layering contract (.importlinter) holds, and a backward import breaks it.

Each check copies the app's Python packages into a scratch folder and runs
import-linter there with the project's own contract file, so the failing case never
touches the working tree.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("amhe", "identify", "research", "deliver", "evaluate", "reports", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(dest: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            dest / package,
            ignore=lambda folder, names: [n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())],
        )
    shutil.copy(ROOT / ".importlinter", dest / ".importlinter")


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_tree_keeps_the_contract(tmp_path):
    _copy_tree(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "backward_import", "contract"),
    [
        ("amhe/core/models.py", "import identify.models", "the core know no step"),
        ("amhe/core/models.py", "import amhe.analysis.charts", "the core know no step"),
        ("amhe/analysis/breakdown.py", "import identify.engine", "shared layers and the core know no step"),
        ("amhe/analysis/charts.py", "import evaluate.views", "shared layers and the core know no step"),
        ("amhe/analysis/dimensions.py", "import amhe.surveys", "shared layers and the core know no step"),
        ("amhe/surveys/views_builder.py", "import identify.models", "shared layers and the core know no step"),
        ("amhe/surveys/models.py", "import evaluate.views", "shared layers and the core know no step"),
        ("amhe/analysis/downloads.py", "import amhe.core.models", "amhe.analysis holds no models"),
        ("amhe/analysis/csv_safe.py", "import amhe.core.access", "amhe.analysis holds no models"),
        ("identify/models.py", "import research.views", "Steps build on earlier steps"),
        ("research/views.py", "import evaluate.views", "Steps build on earlier steps"),
        ("amhe/stats/intervals.py", "import django.db", "amhe.stats is pure"),
        (
            "research/plans/layout.py",
            "import django.utils.html",
            "research.plans.layout (diagram layout and SVG) is pure",
        ),
        (
            "research/plans/layout.py",
            "import research.models",
            "research.plans.layout (diagram layout and SVG) is pure",
        ),
    ],
)
def test_a_backward_import_breaks_the_contract(tmp_path, module, backward_import, contract):
    _copy_tree(tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{backward_import}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert contract in result.stdout
    assert "BROKEN" in result.stdout
