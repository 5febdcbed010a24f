"""The optimiser, gradient clipping, parameter averaging, the recovery from a blow-up and the stopping
rule of the fit loop, on flat parameter vectors."""

from contextlib import contextmanager

import numpy as np

from ._kernels._cache import cached_njit
from ._readout import LONG_SEQUENCE_MEAN_LENGTH
from ._warnings import warn_user

#: With ``learning_rate_init="auto"``, token sequences at least ``LONG_SEQUENCE_MEAN_LENGTH``
#: tokens long on average train at this step size (RESULTS.md, "Long token sequences": at the
#: classifier's 5e-3, DNA sequences of up to 1,000 tokens and convention speeches of 714 words on
#: average trained through losses of 1e10 to 1e62; the DNA model ended at the majority class).
LONG_TOKEN_SEQUENCE_LEARNING_RATE = 1e-3


def chosen_learning_rate(learning_rate_init, short_sequence_rate, lengths, tokens):
    """The step size a fit on sequences of these ``lengths`` starts from: ``learning_rate_init``
    unless it is "auto", then ``short_sequence_rate``, or ``LONG_TOKEN_SEQUENCE_LEARNING_RATE``
    for long token sequences."""
    if learning_rate_init != "auto":
        return learning_rate_init
    if tokens and lengths.mean() >= LONG_SEQUENCE_MEAN_LENGTH:
        return LONG_TOKEN_SEQUENCE_LEARNING_RATE
    return short_sequence_rate


def clip_by_global_norm(grad, max_norm):
    """Scale the flat gradient in place so that its L2 norm is at most ``max_norm``.

    Returns the norm before clipping. ``max_norm=None`` only measures it. A finite gradient too
    large for its squared norm to be a float (entries above about 1e154) is measured in units of
    its largest entry, so that clipping scales it down instead of zeroing it; a non-finite one
    has a non-finite norm and is left as it is, for the caller to refuse.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        squared = np.dot(grad, grad)
    if np.isfinite(squared):
        norm = float(np.sqrt(squared))
    else:
        largest = float(np.max(np.abs(grad)))
        norm = largest * float(np.sqrt(np.dot(grad / largest, grad / largest))) if np.isfinite(largest) else largest
    if max_norm is not None and np.isfinite(norm) and norm > max_norm:
        grad *= max_norm / (norm + 1e-12)
    return norm


@cached_njit(error_model="numpy")  # no zero-division branch: the loop vectorises (3-5x faster, same bits)
def _adam_step(params, grad, m, v, step_size, beta_1, beta_2, epsilon):
    for i in range(params.shape[0]):
        g = grad[i]
        m[i] = beta_1 * m[i] + (1 - beta_1) * g
        v[i] = beta_2 * v[i] + (1 - beta_2) * g * g
        params[i] -= step_size * m[i] / (np.sqrt(v[i]) + epsilon)


class AdamOptimizer:
    """Adam (Kingma & Ba, 2014) with the semantics of scikit-learn's MLP solver.

    Parameters
    ----------
    params : ndarray of shape (n_parameters,)
        Flat parameter vector, updated in place.
    learning_rate_init : float
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Numerical stability term.

    Attributes
    ----------
    t : int
        Number of steps taken.
    learning_rate : float
        Bias-corrected step size of the last update.
    """

    def __init__(self, params, learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.params = params
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)

    def update_params(self, grad):
        """Take one step along the flat gradient ``grad``."""
        self.t += 1
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        _adam_step(
            self.params, grad, self.m, self.v, self.learning_rate, self.beta_1, self.beta_2, self.epsilon
        )

    def reduce_learning_rate(self, divisor):
        """Divide the step size of all later updates by ``divisor``."""
        self.learning_rate_init /= divisor

    def restart(self):
        """Forget the moment estimates and the step count, as a new optimiser would."""
        self.t = 0
        self.m.fill(0)
        self.v.fill(0)


@cached_njit(error_model="numpy")  # no zero-division branch: the loop vectorises (3-5x faster, same bits)
def _momentum_step(params, grad, m, v, step_size, beta_1, beta_2):
    for i in range(params.shape[0]):
        g = grad[i]
        m[i] = beta_1 * m[i] + (1 - beta_1) * g
        v[i] = beta_2 * v[i] + (1 - beta_2) * g * g
        params[i] -= step_size * m[i]


class RAdamOptimizer(AdamOptimizer):
    """Rectified Adam (Liu et al., 2020), the optimiser of the reconstruction literature.

    While the variance of the adaptive step is not yet tractable (the first
    few steps), it takes bias-corrected momentum steps; after that, Adam steps
    scaled by the rectification term r_t. Same parameters as
    ``AdamOptimizer``; ``learning_rate_init`` may be changed between steps
    (a schedule).
    """

    def update_params(self, grad):
        self.t += 1
        t, beta_1, beta_2 = self.t, self.beta_1, self.beta_2
        rho_inf = 2 / (1 - beta_2) - 1
        rho_t = rho_inf - 2 * t * beta_2**t / (1 - beta_2**t)
        momentum_correction = 1 - beta_1**t
        if rho_t > 5:  # as torch.optim.RAdam
            rectification = np.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            self.learning_rate = (
                self.learning_rate_init * rectification * np.sqrt(1 - beta_2**t) / momentum_correction
            )
            _adam_step(self.params, grad, self.m, self.v, self.learning_rate, beta_1, beta_2, self.epsilon)
        else:
            self.learning_rate = self.learning_rate_init / momentum_correction
            _momentum_step(self.params, grad, self.m, self.v, self.learning_rate, beta_1, beta_2)


#: Training counts as past the initial plateau once its loss is this fraction
#: below the loss of the best constant prediction; until then, epochs without
#: improvement do not count towards ``n_iter_no_change``.
PLATEAU_MARGIN = 0.02

#: A fit whose lowest training loss stays above this many times the loss of the best constant
#: prediction has diverged (a step size of 1 or 10 on standardised data: losses of 1e30 to 1e100
#: from the first epoch, finite, so no overflow stops it), and says so.
DIVERGED_LOSS_FACTOR = 100.0

#: With ``learning_rate="adaptive"``, a stall divides the step size by this,
#: at most ``MAX_LEARNING_RATE_REDUCTIONS`` times before training stops.
LEARNING_RATE_DIVISOR = 5.0
MAX_LEARNING_RATE_REDUCTIONS = 2

#: With early stopping, the monitored validation score is the mean of the last
#: this many epochs' scores: a validation set of a few dozen sequences scores
#: noisily, and the best single epoch is then often a lucky one.
VALIDATION_SMOOTHING = 5


def warn_of_diverged_training(what_happened, optimizer, goes_on, dtype, remedy):
    """Say ``what_happened`` (the loss became non-finite, and which parameters came back), then
    either that ``optimizer``'s step size was lowered (``goes_on``) or that training stopped, and
    ``remedy``: what to change."""
    outcome = f"the learning rate lowered to {optimizer.learning_rate_init:.2e}." if goes_on else \
        f"training stopped. {remedy}"
    if dtype == np.float32:
        outcome += " A float32 fit overflows first: dtype='float64' may keep it finite."
    warn_user(f"{what_happened} and {outcome}", RuntimeWarning)


class BlowUpRecovery:
    """A training loop's way on after its loss or gradient blows up (a step size too large for
    RAdam's first steps, which are momentum steps as large as the gradient): the parameters at the
    epoch's start come back (the last finite step's may already be far off: a loss from 27 to 1e16
    in one step) and the optimiser starts afresh at a fifth of the step size, at most
    ``MAX_LEARNING_RATE_REDUCTIONS`` times; then training stops. Each time with a warning.

    Parameters
    ----------
    flat : ndarray
        The parameter vector the optimiser updates in place.
    optimizer : AdamOptimizer
    remedy : str
        What the warning suggests when training stops.
    """

    def __init__(self, flat, optimizer, remedy):
        self.flat, self.optimizer, self.remedy = flat, optimizer, remedy
        self.epoch_start, self.reductions_left = flat.copy(), MAX_LEARNING_RATE_REDUCTIONS

    def start_epoch(self):
        np.copyto(self.epoch_start, self.flat)

    def recover(self, epoch):
        """Restore the epoch's start after a blow-up in ``epoch``; True to go on, False to stop."""
        np.copyto(self.flat, self.epoch_start)
        goes_on = self.reductions_left > 0
        if goes_on:  # afresh: the momentum holds the blow-up
            self.reductions_left -= 1
            self.optimizer.restart()
            self.optimizer.reduce_learning_rate(LEARNING_RATE_DIVISOR)
        # The message starts as it did before a blow-up could be recovered from (warning filters match it).
        warn_of_diverged_training(
            f"The training loss became non-finite in epoch {epoch}; the parameters at the epoch's start were restored",
            self.optimizer, goes_on, self.flat.dtype, self.remedy,
        )
        return goes_on


class StoppingRule:
    """When a fit has stalled, and whether a stall lowers the step size or ends the fit.

    An epoch *improves* when the monitored quantity (with early stopping, the
    validation score averaged over the last ``VALIDATION_SMOOTHING`` epochs,
    else the training loss) beats its best by more than ``tol``.
    ``n_iter_no_change`` epochs in a row without improvement make a stall, but
    epochs do not count while the training loss is still within
    ``PLATEAU_MARGIN`` of the loss of the best constant prediction: recurrent
    training sits on that plateau for tens of epochs before the loss drops,
    and MLP's rule would stop there at chance level. With ``adaptive``, the
    first ``MAX_LEARNING_RATE_REDUCTIONS`` stalls divide the optimiser's step
    size by ``LEARNING_RATE_DIVISOR``; the next one stops the fit.

    Parameters
    ----------
    n_iter_no_change : int
    tol : float
    constant_loss : float
        Training loss of the best constant prediction.
    adaptive : bool
        ``learning_rate="adaptive"``.
    monitor_score : bool
        Monitor a validation score (higher is better) instead of the training loss.
    best_loss, best_score : float
        Bests so far (a warm start carries them over).
    no_improvement_count : int
        Epochs without improvement so far.
    """

    def __init__(
        self, n_iter_no_change, tol, constant_loss, *, adaptive, monitor_score,
        best_loss=np.inf, best_score=-np.inf, no_improvement_count=0,
    ):
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.constant_loss = constant_loss
        self.plateau_loss = (1 - PLATEAU_MARGIN) * constant_loss
        self.past_plateau = self.plateau_loss <= 0
        self.reductions_left = MAX_LEARNING_RATE_REDUCTIONS if adaptive else 0
        self.monitor_score = monitor_score
        self.best_loss = best_loss
        self.best_score = best_score
        self.no_improvement_count = no_improvement_count
        self._recent_scores = []

    def record(self, loss, score=None):
        """Take in one epoch's training loss (and validation score).

        Returns
        -------
        new_best : bool
            True when the smoothed validation score (without a validation
            set, the training loss) is the best so far: the parameters to
            keep (without a validation set, only if the fit ends broken,
            ``ended_broken``).
        """
        new_best = not self.monitor_score and loss < self.best_loss
        if self.monitor_score:
            self._recent_scores = (self._recent_scores + [score])[-VALIDATION_SMOOTHING:]
            score = float(np.mean(self._recent_scores))
            improved = score >= self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                new_best = True
        else:
            improved = loss <= self.best_loss - self.tol
        self.best_loss = min(self.best_loss, loss)
        self.past_plateau = self.past_plateau or loss < self.plateau_loss
        self.no_improvement_count = 0 if improved or not self.past_plateau else self.no_improvement_count + 1
        return new_best

    def ended_broken(self, last_loss):
        """Whether a fit monitored on its training loss ended worse than the constant prediction it
        had beaten: a loss spike in its last epochs (long sequences at a large step size), which the
        parameters of its lowest-loss epoch undo."""
        return not self.monitor_score and self.best_loss < self.plateau_loss and last_loss > self.constant_loss

    def ended_badly(self, loss_curve, first_epoch):
        """Whether the fit whose epochs are ``loss_curve[first_epoch:]`` ended in a loss spike
        (``ended_broken``: its lowest-loss epoch's parameters are to be kept), with a warning; and a
        warning where none of its epochs came within ``DIVERGED_LOSS_FACTOR`` of the constant
        prediction's loss, a fit that diverged."""
        lowest = min(loss_curve[first_epoch:], default=0.0)
        if self.constant_loss > 0 and lowest > DIVERGED_LOSS_FACTOR * self.constant_loss:
            warn_user(
                f"The fit diverged: its lowest training loss, {lowest:.3g}, is {lowest / self.constant_loss:.3g} times "
                f"that of a constant prediction ({self.constant_loss:.3g}), so its predictions mean nothing. Lower "
                "learning_rate_init, or scale the inputs.", RuntimeWarning,
            )
        broken = bool(loss_curve) and self.ended_broken(loss_curve[-1])
        if broken:
            warn_user(f"The fit ended in a loss spike (last epoch's loss {loss_curve[-1]:.3g}, lowest "
                          f"{self.best_loss:.3g}); the parameters of the lowest-loss epoch are kept.", RuntimeWarning)
        return broken

    def act_on_stall(self, optimizer):
        """After ``record``: None while training goes on, else ``(message, stop)``.

        A stall that leaves a reduction lowers ``optimizer``'s step size and
        starts the count again (``stop`` False); the last one stops the fit.
        """
        if self.no_improvement_count <= self.n_iter_no_change:
            return None
        criterion = "Validation score" if self.monitor_score else "Training loss"
        message = (
            f"{criterion} did not improve more than tol={self.tol} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if not self.reduce_learning_rate(optimizer):
            return f"{message} Stopping.", True
        self.no_improvement_count = 0
        return f"{message} Learning rate set to {optimizer.learning_rate_init:.2e}.", False

    def reduce_learning_rate(self, optimizer):
        """Spend one of the step-size reductions on ``optimizer`` (after a stall, or a loss that
        overflowed); False when none is left."""
        if not self.reductions_left:
            return False
        self.reductions_left -= 1
        optimizer.reduce_learning_rate(LEARNING_RATE_DIVISOR)
        return True


class ParameterAverage:
    """Exponential moving average of the parameters over epochs (Polyak averaging).

    Epoch k enters with weight ``1 - min(decay, (k - 1) / k)``: the first
    epochs are averaged uniformly (as TensorFlow's ExponentialMovingAverage
    with ``num_updates``), so the starting point does not linger in the
    average of a short fit.

    Parameters
    ----------
    params : ndarray of shape (n_parameters,)
        Flat parameter vector; the average starts from its current values.
    decay : float in [0, 1)

    Attributes
    ----------
    average : ndarray of shape (n_parameters,)
    n_updates : int
    """

    def __init__(self, params, decay):
        self.average = params.copy()
        self.decay = decay
        self.n_updates = 0

    def update(self, params):
        """Fold in the parameters at the end of an epoch."""
        self.n_updates += 1
        decay = min(self.decay, (self.n_updates - 1) / self.n_updates)
        self.average *= decay
        self.average += (1 - decay) * params

    @contextmanager
    def swapped_into(self, params):
        """Within the block ``params`` holds the average; afterwards its own values again."""
        own = params.copy()
        np.copyto(params, self.average)
        try:
            yield
        finally:
            np.copyto(params, own)
