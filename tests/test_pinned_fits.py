"""Fitted parameters and predictions pinned to values recorded before the engine refactor (issue 11).

The cases cover the paths a refactor of the fit loop can disturb: learning-rate
reductions and stopping, early stopping with best-weight restoring, warm starts,
``partial_fit``, sample weights, per-step targets, ragged batches, batches run in
parts (long sequences), float32 and float64, one and two threads.

The recorded arrays are bit-identical on the machine kind they were recorded on
(same CPU features, same NumPy). Elsewhere NumPy's BLAS may round the readout
products differently, so the comparison is then to a tolerance.

Record again only after a change that is *meant* to change training:
``python -m tests.test_pinned_fits --record``. Every case reads the features alone
(``input_differences=False``) as given (``standardize_inputs=False``), keeps the last epoch's
parameters (``parameter_averaging=0``), the classifiers read the maximum (``readout="max"``) and
the regressors start from ``init="dsr"`` (and stop early only where asked), the paths recorded;
tests/test_input_differences.py covers differences, tests/test_optim.py and tests/test_estimators.py
the averaging and the standardisation, tests/test_readout.py the other readouts.
"""

import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from sklearn_alrnn import ALRNNClassifier, ALRNNRegressor

from .conftest import make_linear_recurrence, make_sign_memory

RECORD = Path(__file__).parent / "data" / "pinned_fits.npz"
FITTED = ("a_", "W_", "h_", "C_", "B_", "b_")


def _ragged(X, lo, hi):
    return [x[: lo + i % (hi - lo)] for i, x in enumerate(X)]


def _classifier_with_stalls(dtype, n_jobs):
    X, y = make_sign_memory(120, n_timesteps=10, n_cue=3, random_state=21)
    clf = ALRNNClassifier(
        n_hidden=6, n_nonlinear=2, max_iter=60, n_iter_no_change=2, tol=5e-3, dtype=dtype, n_jobs=n_jobs,
        input_differences=False, elapsed_steps=False, standardize_inputs=False, parameter_averaging=0.0, readout="max",
        random_state=0,
    ).fit(_ragged(X, 4, 10), y)
    return clf, {"proba": clf.predict_proba(X[:20]), "states": clf.hidden_states(X[:5])}


def _regressor_early_stopping_per_step(dtype, n_jobs):
    X, _ = make_linear_recurrence(80, n_timesteps=9, random_state=22)
    X[::3, 6:] = np.nan
    Y = np.nan_to_num(np.cumsum(X[:, :, :1], axis=1))
    reg = ALRNNRegressor(
        n_hidden=5, n_nonlinear=2, max_iter=40, early_stopping=True, validation_fraction=0.1, n_iter_no_change=3,
        tol=1e-2, batch_size=16, init="dsr", input_differences=False, standardize_inputs=False,
        parameter_averaging=0.0, dtype=dtype, n_jobs=n_jobs, random_state=1,
    ).fit(X, Y)
    return reg, {"predict": np.nan_to_num(reg.predict(X[:10]), nan=-1.0)}


def _weighted_regressor_warm_start_and_partial_fit(dtype, n_jobs):
    X, Y = make_linear_recurrence(70, n_timesteps=8, random_state=23)
    weight = 1.0 + (np.arange(70) % 4)
    reg = ALRNNRegressor(
        n_hidden=4, n_nonlinear=1, max_iter=8, alpha=0.05, warm_start=True, init="dsr",
        input_differences=False, standardize_inputs=False, early_stopping=False, parameter_averaging=0.0,
        dtype=dtype, n_jobs=n_jobs, random_state=2,
    )
    reg.fit(X, Y, sample_weight=weight).fit(X[:50], Y[:50])
    reg.partial_fit(X[50:], Y[50:]).partial_fit(X, Y, sample_weight=weight)
    return reg, {"predict": reg.predict(X[:10]), "transform": reg.transform(X[:10])}


def _long_sequences_in_parts(dtype, n_jobs):
    # 40 sequences of 900 steps at M = 24 exceed the engine's 4 MB state budget:
    # each batch runs in parts.
    X, y = make_sign_memory(40, n_timesteps=900, n_cue=3, random_state=24)
    clf = ALRNNClassifier(
        n_hidden=24, n_nonlinear=3, max_iter=2, batch_size=40, dtype=dtype, n_jobs=n_jobs,
        input_differences=False, standardize_inputs=False, parameter_averaging=0.0, readout="max", random_state=3,
    ).fit(X / 10, y)
    return clf, {"proba": clf.predict_proba(X[:8] / 10)}


def _partial_fit_classifier(dtype, n_jobs):
    X, y = make_sign_memory(60, n_timesteps=7, random_state=25)
    clf = ALRNNClassifier(
        n_hidden=5, n_nonlinear=5, dtype=dtype, n_jobs=n_jobs, input_differences=False, standardize_inputs=False,
        readout="max", random_state=4,
    )
    for start in range(0, 60, 20):
        clf.partial_fit(X[start : start + 20], y[start : start + 20], classes=[0, 1])
    return clf, {"decision": clf.decision_function(X[:10])}


CASES = {
    "stalls": _classifier_with_stalls,
    "early_stopping_per_step": _regressor_early_stopping_per_step,
    "warm_start_partial_fit": _weighted_regressor_warm_start_and_partial_fit,
    "long_sequences_in_parts": _long_sequences_in_parts,
    "partial_fit": _partial_fit_classifier,
}
SETTINGS = [(dtype, n_jobs) for dtype in ("float64", "float32") for n_jobs in (1, 2)]


def _arrays_of(case, dtype, n_jobs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, outputs = CASES[case](dtype, n_jobs)
    arrays = {name: getattr(model, name) for name in FITTED}
    arrays.update(outputs)
    arrays["loss_curve_"] = np.array(model.loss_curve_)
    arrays["n_iter_"] = np.array(model.n_iter_)
    return arrays


def _machine():
    """What decides the rounding of NumPy's own products: CPU model and NumPy's build."""
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        pass
    simd = ",".join(f for f in ("avx512f", "avx2", "fma") if f" {f}" in flags)
    return f"{platform.machine()} {simd} numpy {np.__version__}"


@pytest.fixture(scope="module")
def recorded():
    with np.load(RECORD) as record:
        return {key: record[key] for key in record.files}


@pytest.mark.parametrize("dtype, n_jobs", SETTINGS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_fits_match_the_recorded_ones(recorded, case, dtype, n_jobs):
    same_machine = str(recorded["machine"]) == _machine()
    got = _arrays_of(case, dtype, n_jobs)
    if not same_machine and got["n_iter_"] != recorded[f"{case}/{dtype}/{n_jobs}/n_iter_"]:
        pytest.skip(
            f"recorded on {recorded['machine']}, running on {_machine()}: last-bit differences of "
            "NumPy's products changed a stopping decision, so the fits cannot be compared"
        )
    for name, value in got.items():
        expected = recorded[f"{case}/{dtype}/{n_jobs}/{name}"]
        assert value.dtype == expected.dtype and value.shape == expected.shape, name
        if same_machine:
            np.testing.assert_array_equal(value, expected, err_msg=f"{case} {dtype} n_jobs={n_jobs} {name}")
        else:
            rtol = 1e-2 if dtype == "float32" else 1e-6
            np.testing.assert_allclose(value, expected, rtol=rtol, atol=rtol, err_msg=name)


def _record():
    arrays = {"machine": np.array(_machine())}
    for case in CASES:
        for dtype, n_jobs in SETTINGS:
            for name, value in _arrays_of(case, dtype, n_jobs).items():
                arrays[f"{case}/{dtype}/{n_jobs}/{name}"] = value
    RECORD.parent.mkdir(exist_ok=True)
    np.savez(RECORD, **arrays)
    print(f"{len(arrays)} arrays written to {RECORD} ({arrays['machine']})")


if __name__ == "__main__" and "--record" in sys.argv:
    _record()
