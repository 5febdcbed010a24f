"""The parameter and attribute sections that both estimators' docstrings share."""

_COMMON_PARAMETERS_DOC = """
    n_hidden : int, default=32
        Number of hidden units M.

    n_nonlinear : int, default=2
        Number P of ReLU units, 0 <= P <= n_hidden; the last P units are
        ReLU, the others linear. P=0 is a linear RNN, P=n_hidden a
        piecewise-linear RNN (PLRNN). The state space splits into at most
        2**P linear regimes.

    max_iter : int, default=500
        Maximum number of epochs (passes over the training sequences).

    batch_size : int or "auto", default="auto"
        Sequences per mini-batch; "auto" is ``min(32, n_samples)``.

    learning_rate : {"adaptive", "constant"}, default="adaptive"
        "adaptive" divides Adam's step size by 5 when the stopping criterion
        stalls for ``n_iter_no_change`` epochs, at most twice, and stops at
        the third stall; "constant" stops at the first stall (MLP's Adam).
        Measured on memory tasks: a constant 3e-3 leaves the loss noisy and
        stops early, the two reductions finish the fit.

    learning_rate_init : float, default=3e-3
        Initial Adam step size. Higher than MLP's 1e-3: recurrent training
        first sits on a plateau at the loss of a constant prediction, and
        1e-3 leaves it too slowly; 1e-2 often diverges from it.

    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates for the first and second moment estimates.

    epsilon : float, default=1e-8
        Adam's numerical stability term.

    alpha : float, default=1e-4
        L2 penalty on the weight matrices W, C and B (not on the diagonal a
        or the biases), scaled like MLP's: ``0.5 * alpha * ||w||^2 / batch``.

    clip_norm : float or None, default=1.0
        Rescale each mini-batch gradient to at most this global L2 norm,
        which tames the gradient explosions of recurrent training. None
        disables clipping.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training sequences, stop when
        the validation score has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and restore the best parameters.

    validation_fraction : float, default=0.1
        Share of the training sequences held out for early stopping.

    n_iter_no_change : int, default=20
        Epochs without improvement of more than ``tol`` before the step size
        is reduced or training stops. Unlike MLP, epochs do not count while
        the training loss is still within 2% of the loss of the best constant
        prediction: RNN training sits on that plateau for tens of epochs
        before the loss drops, and MLP's rule (10 epochs) stops there at
        chance level.

    tol : float, default=1e-4
        Improvement below which an epoch counts as "no change".

    shuffle : bool, default=True
        Shuffle the sequences every epoch.

    warm_start : bool, default=False
        Start ``fit`` from the previous solution (the optimiser is reset).

    random_state : int, RandomState instance or None, default=None
        Determines initialisation, shuffling and the early-stopping split.
        An int makes a fit bit-for-bit reproducible.

    verbose : int, default=0
        0: silent. 1: a progress bar (tqdm) with epoch, loss, validation score
        and ETA (``partial_fit`` prints one line instead). 2: one line per
        epoch (loss, and validation score when early stopping), MLP style.

    n_jobs : int or None, default=None
        Threads that advance chunks of sequences in parallel during fit and
        prediction (None means 1). Fitted parameters do not depend on it.
        The BLAS library's own threads (weight-gradient GEMMs) are set as
        usual, e.g. with threadpoolctl.

    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where training runs. "cuda" uses the numba-cuda kernels (the ``cuda``
        extra) and raises a clear error without a GPU; "auto" uses a GPU only
        when a real one is available. Fitted parameters are numpy arrays
        either way, and prediction runs on the CPU.

    dtype : {"float64", "float32"} or None, default=None
        Floating type of the parameters and the computation; None means
        float64 on the CPU and float32 on a GPU.
"""

_COMMON_ATTRIBUTES_DOC = """
    a_ : ndarray of shape (n_hidden,)
        Diagonal of the linear self-connection matrix A.

    W_ : ndarray of shape (n_hidden, n_hidden)
        Recurrent weights applied to phi(z).

    h_ : ndarray of shape (n_hidden,)
        Recurrent bias.

    C_ : ndarray of shape (n_hidden, n_features_in_)
        Input weights.

    B_ : ndarray of shape (n_outputs, n_hidden)
        Readout weights.

    b_ : ndarray of shape (n_outputs,)
        Readout bias.

    n_nonlinear_ : int
        Number P of ReLU units of the fitted model (the hyper-parameter
        ``n_nonlinear`` may change after fitting; readers of the fitted model
        use this).

    n_features_in_ : int
        Number of features per time step (the last axis of X).

    loss_curve_ : list of float
        Mean training loss of each epoch.

    best_loss_ : float
        Lowest training loss seen (inf before the first epoch).

    validation_scores_ : list of float or None
        Validation score of each epoch when ``early_stopping``, else None.

    best_validation_score_ : float or None
        Best of ``validation_scores_``, else None.

    n_iter_ : int
        Number of epochs run.

    t_ : int
        Number of training sequences seen.
"""


def fill_docstring(cls):
    cls.__doc__ = cls.__doc__.format(
        parameters=_COMMON_PARAMETERS_DOC.strip("\n"), attributes=_COMMON_ATTRIBUTES_DOC.strip("\n")
    )
    return cls
