"""Optimisers and gradient transforms for the fit loop."""

import numpy as np


def clip_by_global_norm(grads, max_norm):
    """Scale every gradient in place so that their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping. ``max_norm=None`` only measures it.
    """
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in grads:
            g *= scale
    return norm


class AdamOptimizer:
    """Adam (Kingma & Ba, 2014) with the semantics of scikit-learn's MLP solver.

    Parameters
    ----------
    params : list of ndarray
        Updated in place.
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
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def update_params(self, grads):
        """Take one step along ``grads`` (same order and shapes as ``params``)."""
        self.t += 1
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        for p, m, v, g in zip(self.params, self.ms, self.vs, grads):
            m *= self.beta_1
            m += (1 - self.beta_1) * g
            v *= self.beta_2
            v += (1 - self.beta_2) * (g * g)
            p -= (self.learning_rate * m / (np.sqrt(v) + self.epsilon)).astype(p.dtype, copy=False)
