"""Readout, losses and the full loss-and-gradient evaluation of one mini-batch.

Losses follow ``sklearn.neural_network``: ``squared_error`` is half the mean
squared error over every valid (sample, step, output) element, ``log_loss`` the
mean softmax cross-entropy over valid rows, ``binary_log_loss`` (sets of labels)
the mean over rows of the sigmoid cross-entropies summed over outputs; ``alpha`` adds
``0.5 * alpha * ||w||^2 / n_samples`` for the weight matrices W, C and B.
"""

import numpy as np
from scipy.special import expit, log_softmax, softmax, xlogy

from ._model import PARAMETER_NAMES, PENALISED_PARAMETERS, split_flat
from ._readout import pool_gradient, pool_states
from ._weights import step_weights, valid_targets


def _loss_and_output_gradient(output, Y, weight, loss, n_rows):
    """Loss value and dL/d(output); ``weight`` is each row's sample weight, 0 at padding,
    and ``n_rows`` the total weight of the batch the mean runs over."""
    if loss == "squared_error":
        diff = output - Y
        weighted = diff * weight[..., None]
        n_elements = n_rows * output.shape[-1]
        return 0.5 * np.sum(weighted * diff) / n_elements, weighted / n_elements
    if loss == "binary_log_loss":  # -log(sigmoid) written as log(1 + e^x) - y x, stable for any logit
        value = np.sum((np.logaddexp(0, output) - Y * output) * weight[..., None]) / n_rows
        return value, (expit(output) - Y) * (weight[..., None] / n_rows)
    log_prob = log_softmax(output, axis=-1)
    value = -np.sum(Y * log_prob * weight[..., None]) / n_rows
    d_output = (softmax(output, axis=-1) - Y) * (weight[..., None] / n_rows)
    return value, d_output


def loss_and_gradients(
    params, X, lengths, Y, *, loss, alpha, per_step, engine, readout="last", grad_out=None, sample_weight=None,
    step_weight=None,
):
    """Mean loss over a batch and its gradient with respect to every parameter.

    Parameters
    ----------
    params : dict of str -> ndarray
        ``a, W, h, C, B, b`` (see ``_model``).
    X : ndarray of shape (n, T, K)
        Zero-padded inputs.
    lengths : ndarray of shape (n,)
    Y : ndarray of shape (n, O) or (n, T, O)
        Targets (one-hot for ``log_loss``, 0 / 1 per output for
        ``binary_log_loss``); zero beyond each length when per-step.
    loss : {"squared_error", "log_loss", "binary_log_loss"}
    alpha : float
        L2 penalty on W, C and B.
    per_step : bool
        Readout at every step (sequence-to-sequence) or once per sequence.
    engine : Engine
        Runs the recurrence (``_kernels.make_engine``); it knows the number of
        nonlinear units.
    readout : {"last", "mean", "max", "mean+max", "positive_mean+max", "mean+last"}, default="last"
        What a sequence-to-one readout sees (``_readout``); ignored per step.
    grad_out : ndarray of shape (n_parameters,), default=None
        Flat vector to write the gradient into (``grads`` are then views of it).
    sample_weight : ndarray of shape (n,), default=None
        Weight of each sequence (of each of its steps when per-step): the loss is
        the weighted mean, and the L2 term is divided by the sum of the weights,
        as in scikit-learn's MLP.
    step_weight : ndarray of shape (n, T), default=None
        Per-step targets: each step's weight on top of its sequence's (0 = no
        target there); the mean runs over the weighted steps.

    Returns
    -------
    value : float
    grads : dict of str -> ndarray, same keys and shapes as ``params``.
    """
    a, W, h, C, B, b = (params[name] for name in PARAMETER_NAMES)
    n, T = X.shape[:2]
    sw = np.ones(n, dtype=a.dtype) if sample_weight is None else np.asarray(sample_weight, dtype=a.dtype)
    weight = step_weights(lengths, T, sw, step_weight) if per_step else sw
    total_weight = weight.sum()

    shapes = {name: params[name].shape for name in PARAMETER_NAMES}
    if grad_out is None:
        grad_out = np.empty(sum(params[name].size for name in PARAMETER_NAMES), dtype=a.dtype)
    grad_out.fill(0)
    grads = split_flat(grad_out, shapes)
    value = 0.0
    # Long sequences: a part of the batch at a time, so that its states stay in
    # the cache between the forward pass, the carry and the weight gradients.
    pooled = not per_step and readout != "last"
    for rows, H in engine.readout_parts(a, W, h, C, X, lengths, per_step or pooled):
        if pooled:
            H, pooling_context = pool_states(H, lengths[rows], readout)
        output = H @ B.T + b
        part_value, d_output = _loss_and_output_gradient(output, Y[rows], weight[rows], loss, total_weight)
        value += part_value
        d_output_rows = d_output.reshape(-1, d_output.shape[-1])
        grads["B"] += d_output_rows.T @ H.reshape(-1, H.shape[-1])
        grads["b"] += d_output_rows.sum(axis=0)
        dH = d_output @ B
        if pooled:
            dH = pool_gradient(dH, lengths[rows], readout, X.shape[1], pooling_context)
        engine.backward_readout(
            a, W, C, X[rows], lengths[rows], per_step or pooled, dH,
            grads["a"], grads["W"], grads["h"], grads["C"],
        )
    if alpha:
        for name in PENALISED_PARAMETERS:
            value += 0.5 * alpha * np.sum(params[name] ** 2) / sw.sum()
            grads[name] += (alpha / sw.sum()) * params[name]
    return float(value), grads


def constant_prediction_loss(Y, lengths, per_step, loss, sample_weight, step_weight=None):
    """Loss of the best constant prediction (weighted class or label frequencies, or target means).

    The fit loop treats training as stuck on the initial plateau of RNN
    training while its loss has not fallen clearly below this value.
    """
    rows, weights = valid_targets(Y, lengths, per_step, sample_weight, step_weight)
    mean = np.average(rows, axis=0, weights=weights)
    if loss == "squared_error":
        return float(0.5 * np.mean(np.average((rows - mean) ** 2, axis=0, weights=weights)))
    if loss == "binary_log_loss":
        return float(-np.sum(xlogy(mean, mean) + xlogy(1 - mean, 1 - mean)))
    freq = mean[mean > 0]
    return float(-np.sum(freq * np.log(freq)))
