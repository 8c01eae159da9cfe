"""The test run never imports Locust (it patches the process with gevent), and pytest does
not collect the tool's folder."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pure_modules_and_the_cli_do_not_import_locust() -> None:
    code = (
        "import sys, runpy; sys.argv = ['x', '--help']\n"
        "import loadtests.mix, loadtests.scenarios, loadtests.verdict, loadtests.summary, loadtests.report\n"
        "import loadtests.seed, loadtests.verify_writes, loadtests.resources, loadtests.probe\n"
        "try:\n    runpy.run_path('loadtests/performance_test.py', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('locust', 'gevent') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "--find-max" in done.stdout


def test_this_process_has_no_locust() -> None:
    assert "locust" not in sys.modules


def test_pytest_collects_tests_only() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests"]
