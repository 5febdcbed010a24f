"""Every docstring example of the package runs and prints what it shows (numpydoc's Examples)."""

import doctest
import importlib
import pkgutil

import pytest

import sklearn_alrnn

#: Examples in these modules need an optional package.
OPTIONAL_PACKAGES = {"sklearn_alrnn.plotting": "matplotlib", "sklearn_alrnn.tabular": "pandas"}


def _modules():
    """Every module of the package but ``__main__``, which runs the command line on import."""
    walked = pkgutil.walk_packages(sklearn_alrnn.__path__, "sklearn_alrnn.")
    return ["sklearn_alrnn"] + sorted(info.name for info in walked if not info.name.endswith("__main__"))


def _examples():
    """Docstrings with examples by name, with their module; the finder takes each object in the module
    that defines it, so a re-exported function runs once."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    return {test.name: (module, test) for module in _modules()
            for test in finder.find(importlib.import_module(module)) if test.examples}


EXAMPLES = _examples()


@pytest.mark.parametrize(
    "owner",
    ["estimators.ALRNNClassifier", "estimators.ALRNNRegressor", "forecasting.ALRNNForecaster",
     "forecasting.ALRNNForecaster.observe",
     "regimes.RegimeDecomposer", "metrics.state_space_divergence", "metrics.power_spectrum_distance",
     "metrics.prediction_error", "metrics.max_lyapunov_exponent", "metrics.lyapunov_spectrum",
     "metrics.kaplan_yorke_dimension", "metrics.correlation_dimension", "metrics.return_period",
     "analysis.fixed_point", "_cycles.find_cycles", "_attractors.find_attractors",
     "analysis.iterate_map", "datasets.make_lorenz63", "datasets.make_roessler", "io.save", "io.load",
     "nonlinearity.nonlinearity_profile", "formats.to_aeon", "tabular.to_sequences"],
)
def test_the_public_api_shows_how_it_is_called(owner):
    assert f"sklearn_alrnn.{owner}" in EXAMPLES


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_docstring_example_runs(name, tmp_path, monkeypatch):
    module, test = EXAMPLES[name]
    if module in OPTIONAL_PACKAGES:
        pytest.importorskip(OPTIONAL_PACKAGES[module])
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)  # an example that writes a file by a relative name writes it here
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.append, clear_globs=True)
    assert runner.failures == 0, "".join(report)
