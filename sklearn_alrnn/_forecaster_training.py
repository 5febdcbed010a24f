"""The forecaster's fit loop: random teacher-forced windows, RAdam steps on a decaying learning
rate, and every ``evaluation_interval`` epochs free runs that score a checkpoint; the best is kept."""

import numpy as np

from ._forcing import (
    ALPHA_UPDATE_INTERVAL, FORECASTER_PARAMETER_NAMES, FreeRunEvaluation, TrainingWindows, adapted_alpha,
    evaluation_starts, forced_loss_and_gradients, forcing_schedule, jacobian_norm_bound)
from ._interrupts import raise_if_interrupted
from ._optim import BlowUpRecovery, RAdamOptimizer, clip_by_global_norm
from ._progress import ProgressReporter
from ._warnings import warn_user


def train_forecaster(model, engine, flat, views, scaled, inputs, rng, warm=False):
    """Train ``model``'s parameters ``flat`` (``views`` by name) on the standardised ``scaled`` series
    and ``inputs``; keep the best checkpoint by the evaluation free runs' score, and set the fitted
    training record (``loss_curve_``, ``evaluation_curve_``, ``best_epoch_``, ``n_iter_``, ``alpha_``,
    ``best_evaluation_score_``, ``best_state_space_divergence_``) and parameters on ``model``. With
    ``warm``, the starting parameters are the first checkpoint (epoch 0), so that training on cannot
    lose a better model, and an adaptive ``alpha_`` goes on from its fitted value."""
    sampler = TrainingWindows(scaled, inputs, model.sequence_length)
    window, longest = sampler.window, sampler.longest
    reference = scaled[longest]  # where evaluation free runs start, and what they are scored against
    n_batches_per_epoch = sampler.batches_per_epoch(model.batches_per_epoch, model.batch_size)
    adaptive = model.teacher_forcing == "generalized" and model.alpha is None
    if not (warm and adaptive):
        model.alpha_ = 1.0 if model.alpha is None else float(model.alpha)
    forcing = forcing_schedule(window, model.teacher_forcing, model.forcing_interval, model.alpha_, reference.dtype)
    optimizer = RAdamOptimizer(flat, model.learning_rate_init)
    decay = (model.learning_rate_end / model.learning_rate_init) ** (1.0 / model.max_iter)
    grad = np.empty_like(flat)
    blow_ups = BlowUpRecovery(flat, optimizer, "Lower learning_rate_init or set clip_norm.")
    states = np.empty((model.batch_size, window + 1, len(views["a"])), dtype=reference.dtype)
    n_evaluated = min(model.evaluation_steps, len(reference))
    evaluate = FreeRunEvaluation(reference, *evaluation_starts(reference, inputs[longest], n_evaluated))
    model.loss_curve_, model.evaluation_curve_ = [], []
    best, best_flat, model.best_epoch_ = (np.inf, np.inf, 1.0), flat.copy(), 0
    if warm:
        best = evaluate(engine, views)
        model.evaluation_curve_.append((0, best[0]))
    progress = ProgressReporter(model.verbose, model.max_iter, True, "ALRNNForecaster")
    n_batches = model.n_iter_ = 0
    try:
        for epoch in range(1, model.max_iter + 1):
            total, n_finite = 0.0, 0
            blow_ups.start_epoch()
            for _ in range(n_batches_per_epoch):
                raise_if_interrupted()
                windows, window_inputs = sampler.draw(model.batch_size, model.noise, rng)
                value, _ = forced_loss_and_gradients(views, windows, window_inputs, forcing, engine, grad, states)
                norm = clip_by_global_norm(grad, model.clip_norm)
                if not (np.isfinite(value) and np.isfinite(norm * norm)):  # a gradient past 1e154 has diverged
                    if not blow_ups.recover(epoch):
                        raise StopIteration
                    continue
                optimizer.update_params(grad)
                total += value
                n_finite += 1
                n_batches += 1
                if adaptive and n_batches % ALPHA_UPDATE_INTERVAL == 0:
                    model.alpha_ = adapted_alpha(model.alpha_, jacobian_norm_bound(views, states, engine.n_linear))
                    forcing[:] = model.alpha_
            optimizer.learning_rate_init *= decay
            model.n_iter_ = epoch
            model.loss_curve_.append(total / n_finite if n_finite else np.nan)
            progress.epoch(epoch, model.loss_curve_[-1])
            if epoch % model.evaluation_interval == 0 or epoch == model.max_iter:
                evaluation = evaluate(engine, views)
                model.evaluation_curve_.append((epoch, evaluation[0]))
                progress.message(f"Epoch {epoch}: free-run score {evaluation[0]:.4f} (D_stsp {evaluation[1]:.4f})")
                if evaluation[0] < best[0]:
                    best, model.best_epoch_ = evaluation, epoch
                    np.copyto(best_flat, flat)
    except StopIteration:
        pass
    except KeyboardInterrupt:
        warn_user("Training interrupted by user; the best checkpoint so far is kept.")
    finally:
        progress.close()
    if np.isfinite(best[0]):
        np.copyto(flat, best_flat)
    else:  # no evaluation ran, or every free run diverged: keep the last finite weights
        best = evaluate(engine, views)
        model.best_epoch_ = model.n_iter_
    model.best_evaluation_score_, model.best_state_space_divergence_, model._escaped_share = map(float, best)
    for name in FORECASTER_PARAMETER_NAMES:
        setattr(model, name + "_", views[name].copy())
