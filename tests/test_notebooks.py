"""Execute the research notebooks (slow): they show their figures and agree with the report.

A module fixture writes the report exactly as ``make report`` does (the CLI, the default
configuration, the mirror when present, else the synthetic market) into
``reports/notebooks/report/``. Each notebook runs top to bottom against the same data, keeps
an HTML copy under ``reports/notebooks/`` with its figures inline (PNG images, not
``<Figure size ...>`` placeholders), and its key numbers (placebo p-value, trial counts,
capex events, SPA, deflated Sharpe, PBO, ...) equal that report's ``metrics.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backtests.report.key_numbers import key_numbers

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = ROOT / "research"
HTML_OUT = ROOT / "reports" / "notebooks"
NOTEBOOKS = sorted(RESEARCH.glob("*.ipynb"))
KEY_LINE = "KEY NUMBERS "
MIRROR = Path(os.environ.get("SCARCITY_MIRROR", ROOT.parent / "shared" / "market-data"))


def _source() -> list[str]:
    if (MIRROR / "prices").is_dir():
        return ["--source", "mirror", "--mirror", str(MIRROR)]
    return ["--source", "synthetic"]


@pytest.fixture(scope="module")
def reference_report(tmp_path_factory) -> Path:
    """The report as ``make report`` writes it (same command line, default configuration).

    Written beside the notebooks' HTML copies (``reports/notebooks/report/``), so the report
    each executed notebook names is there to open.
    """
    out = HTML_OUT / "report"
    env = {**os.environ, "SCARCITY_CACHE": str(tmp_path_factory.mktemp("notebook-cache"))}
    cmd = [sys.executable, "-m", "backtests.cli", "report", *_source(), "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_shows_figures_and_agrees_with_the_report(
    path, reference_report, monkeypatch, tmp_path
):
    """Run a notebook, keep its HTML copy, check images and the key numbers."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    monkeypatch.delenv("SCARCITY_SOURCE", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebooks draw inline
    monkeypatch.setenv("SCARCITY_MIRROR", str(MIRROR))
    monkeypatch.setenv("SCARCITY_REPORT", str(reference_report))
    monkeypatch.setenv("SCARCITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SCARCITY_NOTEBOOK_FAST", "1")  # the power illustration only
    monkeypatch.setenv("PYTHONWARNINGS", "ignore::DeprecationWarning")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(RESEARCH)}}
    )
    client.execute()
    outputs = _outputs(nb)
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    text = "\n".join(o.get("text", "") for o in outputs)
    assert "data source:" in text
    if "data source: synthetic" in text:  # synthetic data is always labeled
        assert "SYNTHETIC DATA" in text
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    HTML_OUT.mkdir(parents=True, exist_ok=True)
    html_path = HTML_OUT / path.with_suffix(".html").name
    html_path.write_text(body)
    # figures render inline: PNG images in the executed HTML, no bare Figure placeholders
    assert body.count("<img") >= 2 and "data:image/png;base64," in body
    assert "&lt;Figure size" not in body and "<Figure size" not in body
    # the key numbers equal the report's metrics.json
    report = json.loads((reference_report / "metrics.json").read_text())
    lines = [ln for ln in text.splitlines() if ln.startswith(KEY_LINE)]
    assert len(lines) == 1, "the notebook prints its key numbers once"
    mine = json.loads(lines[0][len(KEY_LINE) :])
    assert set(mine) == set(key_numbers(report))
    for label, value in key_numbers(report).items():
        if isinstance(value, float):
            assert mine[label] == pytest.approx(value, rel=1e-9, abs=1e-12), label
        else:
            assert mine[label] == value, label
    assert "key numbers equal to the report's: yes" in text
    print(f"executed notebook: {html_path}")


def test_notebooks_exist_and_import_only_public_api():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_thesis.ipynb", "02_signal_diagnostics.ipynb", "03_robustness.ipynb"} <= names
    nbformat = pytest.importorskip("nbformat")
    for p in NOTEBOOKS:
        src = "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
        for line in src.splitlines():
            if (
                line.startswith(("import ", "from "))
                and " import " in line
                or line.startswith("import ")
            ):
                mod = line.split()[1]
                assert not mod.split(".")[-1].startswith("_"), f"{p.name}: private import {line}"


def test_notebooks_draw_inline_and_run_the_reports_pipeline():
    """Fast checks of the sources: inline backend, no Agg, no reduced resampling."""
    nbformat = pytest.importorskip("nbformat")
    for p in NOTEBOOKS:
        src = "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
        assert "%matplotlib inline" in src and 'matplotlib.use("Agg")' not in src, p.name
        assert "run_pipeline(cfg, market=market)" in src, p.name
        assert "bootstrap_reps" not in src and "placebo_reps" not in src, p.name
        assert "plt.close(" not in src, p.name
        assert KEY_LINE.strip() in src, p.name
