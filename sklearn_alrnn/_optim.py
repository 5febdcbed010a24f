"""Optimisers and gradient transforms for the fit loop, on flat parameter vectors."""

import numpy as np
from numba import njit


def clip_by_global_norm(grad, max_norm):
    """Scale the flat gradient in place so that its L2 norm is at most ``max_norm``.

    Returns the norm before clipping. ``max_norm=None`` only measures it.
    """
    norm = float(np.sqrt(np.dot(grad, grad)))
    if max_norm is not None and norm > max_norm:
        grad *= max_norm / (norm + 1e-12)
    return norm


@njit(cache=True)
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
