"""Adam, gradient clipping, parameter averaging and the stopping rule of the fit loop."""

import warnings

import numpy as np
import pytest

from sklearn_alrnn._optim import (
    LEARNING_RATE_DIVISOR,
    LONG_TOKEN_SEQUENCE_LEARNING_RATE,
    AdamOptimizer,
    BlowUpRecovery,
    ParameterAverage,
    RAdamOptimizer,
    VALIDATION_SMOOTHING,
    StoppingRule,
    chosen_learning_rate,
    clip_by_global_norm,
)


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    params = np.array([1.0, -2.0, 3.0])
    optimizer = AdamOptimizer(params, learning_rate_init=0.1)
    optimizer.update_params(np.array([0.5, -4.0, 0.0]))
    # Bias-corrected first step: m / sqrt(v) = sign(g) for g != 0.
    np.testing.assert_allclose(params, [0.9, -1.9, 3.0], rtol=1e-6)
    optimizer.reduce_learning_rate(4.0)
    assert optimizer.learning_rate_init == pytest.approx(0.025)


def test_clipping_rescales_to_the_global_norm():
    grad = np.array([3.0, 4.0])
    assert clip_by_global_norm(grad, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grad, [0.6, 0.8], rtol=1e-9)
    assert clip_by_global_norm(grad, None) == pytest.approx(1.0)


def test_a_finite_gradient_whose_squared_norm_overflows_is_clipped_not_zeroed():
    grad = np.array([3e200, 4e200])  # 2.5e401 would overflow the squared norm
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no NumPy overflow warning reaches the user
        assert clip_by_global_norm(grad, 1.0) == pytest.approx(5e200)
    np.testing.assert_allclose(grad, [0.6, 0.8], rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for bad in (np.inf, np.nan):  # left for the caller to refuse, without NumPy's "invalid value"
            assert not np.isfinite(clip_by_global_norm(np.array([1.0, bad]), 1.0))


def test_parameter_average_is_uniform_at_first_then_exponential():
    epochs = [np.array([float(k), -2.0 * k]) for k in range(1, 6)]
    average = ParameterAverage(np.array([100.0, 100.0]), decay=0.5)  # the start carries no weight
    for params in epochs:
        average.update(params)
    # Epochs 1 and 2 share the weight of the second update (decay min(0.5, 1/2)); each later one halves it.
    weights = [0.0625, 0.0625, 0.125, 0.25, 0.5]
    np.testing.assert_allclose(average.average, sum(w * p for w, p in zip(weights, epochs)), rtol=1e-12)
    uniform = ParameterAverage(np.zeros(2), decay=0.99)
    for params in epochs:
        uniform.update(params)
    np.testing.assert_allclose(uniform.average, np.mean(epochs, axis=0), rtol=1e-12)
    assert uniform.n_updates == 5


def test_parameter_average_swaps_in_and_restores_even_on_error():
    params = np.array([1.0, 2.0])
    average = ParameterAverage(params, decay=0.9)
    average.update(np.array([3.0, 4.0]))
    with pytest.raises(RuntimeError), average.swapped_into(params):
        np.testing.assert_array_equal(params, [3.0, 4.0])
        raise RuntimeError
    np.testing.assert_array_equal(params, [1.0, 2.0])


def _rule(**kwargs):
    settings = dict(n_iter_no_change=2, tol=0.01, constant_loss=1.0, adaptive=True, monitor_score=False)
    settings.update(kwargs)
    return StoppingRule(**settings)


def test_epochs_on_the_initial_plateau_do_not_count():
    rule = _rule()
    for _ in range(10):  # within 2% of the constant prediction's loss
        rule.record(0.99)
        assert rule.no_improvement_count == 0 and rule.act_on_stall(AdamOptimizer(np.zeros(1))) is None
    rule.record(0.5)  # past the plateau
    rule.record(0.5)
    assert rule.no_improvement_count == 1


def test_a_fit_is_broken_only_if_it_ends_worse_than_the_constant_prediction_it_had_beaten():
    rule = _rule()
    assert [rule.record(loss) for loss in (0.99, 0.6, 0.7, 0.4)] == [True, True, False, True]  # new lowest losses
    assert not rule.ended_broken(0.9) and rule.ended_broken(1.5)
    never_beaten = _rule()
    never_beaten.record(0.99)  # on the plateau: a fit that never learned is not broken by ending there
    assert not never_beaten.ended_broken(1.5)
    exact_constant = _rule(constant_loss=0.0)  # one sequence: its constant prediction is exact
    exact_constant.record(1e-3)
    assert not exact_constant.ended_broken(1e-3)
    assert not _rule(monitor_score=True).ended_broken(1.5)  # early stopping keeps its best epoch anyway


def test_a_fit_that_never_came_near_the_constant_prediction_is_said_to_have_diverged():
    import warnings

    from sklearn_alrnn import ALRNNRegressor

    rule = _rule()  # constant prediction's loss 1
    with pytest.warns(RuntimeWarning, match=r"The fit diverged: its lowest training loss, 150, is 150 times"):
        assert not rule.ended_badly([7.0, 1e30, 150.0, 2e3], first_epoch=2)  # an earlier fit's epochs do not count
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rule.ended_badly([1e30, 99.0], first_epoch=0)
        _rule(constant_loss=0.0).ended_badly([5.0], first_epoch=0)  # an exact constant prediction: no scale
    # A step size of 10 on standardised data: finite losses of 1e77 from the first epoch, which
    # no overflow stopped, fitted without a word but "max_iter reached".
    X = np.random.RandomState(0).normal(size=(60, 20, 2))
    with pytest.warns(RuntimeWarning, match="The fit diverged.*Lower learning_rate_init"):
        ALRNNRegressor(learning_rate_init=10.0, max_iter=5, random_state=0).fit(X, X[:, :, 0].sum(axis=1))


def test_two_reductions_of_the_step_size_then_a_stop():
    optimizer = AdamOptimizer(np.zeros(1), learning_rate_init=1.0)
    rule = _rule(constant_loss=0.0)  # no plateau
    actions = []
    for _ in range(12):
        rule.record(1.0)
        action = rule.act_on_stall(optimizer)
        if action is not None:
            actions.append(action)
            if action[1]:
                break
    assert [stop for _, stop in actions] == [False, False, True]
    assert optimizer.learning_rate_init == pytest.approx(1.0 / LEARNING_RATE_DIVISOR**2)
    assert "Learning rate set to 2.00e-01" in actions[0][0] and actions[-1][0].endswith("Stopping.")
    constant = _rule(constant_loss=0.0, adaptive=False)
    for _ in range(4):  # the first epoch improves on inf; three more without improvement
        constant.record(1.0)
    assert constant.act_on_stall(optimizer)[1] is True


def test_validation_score_is_monitored_and_the_best_is_reported():
    rule = _rule(monitor_score=True, constant_loss=0.0)
    assert rule.record(loss=1.0, score=0.5) is True
    assert rule.record(loss=0.9, score=0.51) is True  # mean 0.505: a new best, but not by tol
    assert rule.no_improvement_count == 1
    assert rule.record(loss=0.8, score=0.4) is False  # mean 0.47
    assert rule.best_score == pytest.approx(0.505) and rule.best_loss == 0.8


def test_one_lucky_validation_epoch_does_not_beat_a_steadily_better_stretch():
    rule = _rule(monitor_score=True, constant_loss=0.0, n_iter_no_change=100)
    scores = [0.1, 0.9, 0.1, 0.1, 0.1] + [0.6] * (VALIDATION_SMOOTHING + 1)
    kept = [epoch for epoch, score in enumerate(scores) if rule.record(loss=1.0, score=score)]
    # The spike (epoch 1) is a best of its short window, but the stretch of 0.6
    # overtakes it once its mean passes the spike's window mean.
    assert kept[-1] >= 5 + 2
    means = [np.mean(scores[max(0, e - VALIDATION_SMOOTHING + 1) : e + 1]) for e in range(len(scores))]
    assert rule.best_score == pytest.approx(max(means)) and max(means) < 0.9


def test_auto_learning_rate_is_smaller_only_for_long_token_sequences():
    long, short = np.array([150, 90]), np.array([20, 99])
    assert chosen_learning_rate("auto", 5e-3, long, tokens=True) == LONG_TOKEN_SEQUENCE_LEARNING_RATE
    assert chosen_learning_rate("auto", 5e-3, short, tokens=True) == 5e-3
    assert chosen_learning_rate("auto", 3e-3, long, tokens=False) == 3e-3
    assert chosen_learning_rate(2e-2, 5e-3, long, tokens=True) == 2e-2


def test_blow_up_recovery_restores_the_epoch_start_and_restarts_the_optimiser_twice():
    flat = np.array([1.0, -2.0])
    optimizer = RAdamOptimizer(flat, 1e-2)
    recovery = BlowUpRecovery(flat, optimizer, "Lower learning_rate_init.")
    recovery.start_epoch()
    for _ in range(3):  # steps that take it away from the epoch's start, and fill the moments
        optimizer.update_params(np.array([1e4, -1e4]))
    assert not np.allclose(flat, [1.0, -2.0]) and optimizer.t == 3
    with pytest.warns(RuntimeWarning, match=r"epoch 4; the parameters at the epoch's start were restored and the "
                                            r"learning rate lowered to 2\.00e-03"):
        assert recovery.recover(4)
    np.testing.assert_array_equal(flat, [1.0, -2.0])  # in place: the optimiser's view sees it
    assert optimizer.t == 0 and not optimizer.m.any() and not optimizer.v.any()
    with pytest.warns(RuntimeWarning, match=r"lowered to 4\.00e-04"):
        assert recovery.recover(4)
    flat += 1.0
    with pytest.warns(RuntimeWarning, match=r"training stopped\. Lower learning_rate_init\.$"):
        assert not recovery.recover(5)
    np.testing.assert_array_equal(flat, [1.0, -2.0])
    assert optimizer.learning_rate_init == pytest.approx(4e-4)  # stopping spends no reduction
