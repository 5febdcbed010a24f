"""The quickest examples run end to end, as a newcomer runs them (they are scripts, outside the package)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(
    "script, arguments, printed",
    [
        ("anatomy_of_addition.py", [], "slowest mode"),
        ("flipflop_fixed_points.py", [], "rests"),
        # The SCAN classifier's per-step predictions on the tokenizer's ids, zipped with the targets.
        ("scan_commands.py", ["--max-iter", "2"], "per-step accuracy"),
    ],
)
def test_example_runs_and_saves_its_figure(script, arguments, printed, tmp_path):
    pytest.importorskip("matplotlib")
    environment = dict(os.environ, MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, str(EXAMPLES / script), *arguments], cwd=tmp_path, env=environment,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert printed in run.stdout
    assert list(tmp_path.glob("*.png")), run.stdout[-2000:]
