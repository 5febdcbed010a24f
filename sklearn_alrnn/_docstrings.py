"""The parameter and attribute sections that both estimators' docstrings share."""

import inspect

_COMMON_PARAMETERS_DOC = """
    n_hidden : int, default=32
        Number of hidden units M.

    n_nonlinear : int, default=2
        Number P of ReLU units, 0 <= P <= n_hidden; the last P units are
        ReLU, the others linear. P=0 is a linear RNN, P=n_hidden a
        piecewise-linear RNN (PLRNN). The state space splits into at most
        2**P linear regimes.

    max_iter : int, default={max_iter}
        Maximum number of epochs (passes over the training sequences). The
        classifier's 300: on the archive sets every fit that ran longer
        (ACSF1, Covid3Month_disc, PLAID) scored as well or better when cut
        there (ACSF1 0.703 -> 0.719, PLAID 0.873 -> 0.881) in 60% of the
        time, and the others stop earlier (RESULTS.md).

    batch_size : int or "auto", default={batch_size}
        Sequences per mini-batch (at most ``n_samples``); "auto" is 32.
        The classifier's 16, with its step size 5e-3, gave the best archive
        accuracy over 3 seeds (mean gap to MiniRocket 0.078 against 0.099
        at 32 and 3e-3) and passes the sign-memory task on every seed; the
        regressor overfitted small sets with them (RESULTS.md).

    learning_rate : {{"adaptive", "constant"}}, default="adaptive"
        "adaptive" divides Adam's step size by 5 when the stopping criterion
        stalls for ``n_iter_no_change`` epochs, at most twice, and stops at
        the third stall; "constant" stops at the first stall (MLP's Adam).
        Measured on memory tasks: a constant 3e-3 leaves the loss noisy and
        stops early, the two reductions finish the fit. A loss or gradient
        that overflows restores the parameters of the last finite step and
        spends one of these reductions (with none left, the fit stops), so a
        float32 fit on long sequences goes on where it would have ended.

    learning_rate_init : float or "auto", default={learning_rate_init}
        Initial Adam step size. Higher than MLP's 1e-3 on short sequences:
        recurrent training first sits on a plateau at the loss of a constant
        prediction, and 1e-3 leaves it too slowly; 1e-2 often diverges from
        it. "auto" is the classifier's 5e-3 (the regressor's 3e-3), or 1e-3
        when the training sequences are tokens, 100 or more per sequence on
        average: a step of 5e-3 lifts the map of such a network above a
        spectral radius of 1, and its states then grow over a document's
        hundreds of tokens (losses of 1e10 to 1e62 on DNA and speeches).

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

    early_stopping : bool or "auto", default={early_stopping}
        Hold out ``validation_fraction`` of the training sequences, stop when
        their score, averaged over the last 5 epochs, has not improved by
        ``tol`` for ``n_iter_no_change`` epochs, and restore the parameters
        of the best (averaged) epoch. On for the regressor: on small, noisy
        regression sets it keeps the model from fitting the noise (aeon's
        CardanoSentiment and Covid3Month: RMSE 2% above and 0.4% below ridge
        regression instead of 33% and 9% above). "auto", the classifier's
        default: on from 2,000 training sequences with one label each, where
        a network memorises its training set within a few dozen epochs
        (10,246 texts of Rotten Tomatoes: accuracy 0.775 against 0.732
        without it, in 72 epochs instead of 226); off below, where the
        held-out 10% costs more than it saves (a small archive set's split,
        4 of ArrowHead's 36 sequences, is too noisy to stop on: mean archive
        accuracy 0.11 lower with it), and for per-step labels (RESULTS.md).

    validation_fraction : float, default={validation_fraction}
        Share of the training sequences held out for early stopping. 0.2 for
        the regressor: a 10% split of a small set (8 of CardanoSentiment's 74
        sequences) scores too noisily to stop on (RMSE 1.14 times ridge
        regression's over 8 seeds, 1.04 with 20%; RESULTS.md).

    n_iter_no_change : int, default=20
        Epochs without improvement of more than ``tol`` before the step size
        is reduced or training stops. Unlike MLP, epochs do not count while
        the training loss is still within 2% of the loss of the best constant
        prediction: RNN training sits on that plateau for tens of epochs
        before the loss drops, and MLP's rule (10 epochs) stops there at
        chance level.

    tol : float, default=1e-4
        Improvement below which an epoch counts as "no change".

    parameter_averaging : float in [0, 1), default=0.9
        Decay per epoch of a moving average of the parameters (Polyak
        averaging): a fit ends with the average, not the last epoch's
        parameters (with early stopping, the average of the best epoch,
        which is also what the validation set scores). The first
        ``1 / (1 - parameter_averaging)`` epochs are averaged uniformly.
        Averaging the last ten or so epochs smooths out the noise of the
        last mini-batch steps: the regressor's RMSE on CardanoSentiment and
        Covid3Month fell by 1% over 8 seeds, Tecator's stayed. Classifier fits
        on the short archive sets end at small step sizes, where the average
        is close to the last parameters: over 20 seeds their mean accuracy
        moved by at most 0.003 per set (RESULTS.md). 0 keeps the last
        epoch's parameters. ``partial_fit`` steps the parameters themselves.

    readout : {{"last", "mean", "max", "mean+max", "positive_mean+max", "mean+last", "auto"}}, default={readout}
        What a sequence-to-one readout sees (per-step targets always read
        every step): "last", the state at each sequence's last valid step
        (the classical RNN readout); "mean" or "max", the mean or the
        maximum of each unit's state over the valid steps (never over
        padding); "mean+max", both (``B_`` then has ``2 * n_hidden``
        columns, mean first); "positive_mean+max", the mean of each unit's
        positive part ``max(z, 0)`` over the valid steps (how long and how
        far the unit stays above zero, a smooth cousin of MiniRocket's
        proportion of positive values), then the maximum (``2 * n_hidden``
        columns); "mean+last", the mean, then the last valid step's state
        (``2 * n_hidden`` columns): for regression targets tied to the end of
        the window, such as the next values of a recorded series, where the
        mean alone cannot isolate the last steps (RESULTS.md, "Regression
        targets at the end of the window"); "auto", chosen at the first fit
        (``readout_`` says which): for the classifier "positive_mean+max" when
        the dense training sequences are 100 steps long or more on average,
        else "max"; for the regressor, when it stops early (its default),
        "mean+last" from ``4 * n_hidden`` training sequences on (two per
        readout column), else "mean": with more columns than sequences the
        readout fits noise, and without a validation split to stop on its
        fits of "mean+last" stalled on a plateau of scikit-learn's check data
        (RESULTS.md, "Regression targets at the end of the window"). The defaults were measured on the UCR/UEA
        archive sets, targets cut from recorded series and the research tasks
        (RESULTS.md, "How well the defaults learn"): a maximum over time lifts the archive accuracy most (it acts
        like a learned shapelet detector); the positive part's mean beside it
        lifted the sets of 100 steps and more over 20 seeds and cost the
        short ones and the 30-step sign-memory task, hence the classifier's
        "auto"; the regressor's readouts are linear in the states, which
        keeps the adding problem's P = 0 / P = 2 contrast. The readouts with
        a maximum or a positive part add a nonlinearity over time at the
        readout (a linear RNN with "max" solves the adding problem): to study
        how many nonlinear units a sequence-to-one task needs, use "last",
        "mean" or "mean+last".

    init : {{"dsr", "lru"}}, default={init}
        Initialisation. "dsr", the AL-RNN dynamical-systems literature's:
        ``a`` from the diagonal of a normalised random positive-definite
        matrix, C Glorot-uniform. "lru", the linear recurrent unit's
        (Orvieto et al., 2023): ``a`` uniform on the ring [0.9, 0.999] (time
        constants 10 to 1000 steps) and C's rows scaled by
        ``sqrt(1 - a_i^2)`` so the states' variance stays near the inputs';
        where the coupling W would lift the slowest modes above 1 enough to
        amplify a state more than 100-fold over the longest training sequence, ``a``
        and W are scaled together to spectral radius 0.999 (without it,
        ACSF1's 1460-step series reached states of 1e12 at the start).
        Both: ``W ~ N(0, 0.01^2)``, ``h = 0``, B Glorot-uniform. The classifier starts from "lru": with the max
        readout it learns long archive sequences that "dsr" does not
        (ArrowHead 0.75 against 0.52, OSULeaf 0.81 against 0.68). The
        regressor starts from "lru" too, with input differences: on Tecator
        (near-infrared spectra, fat content) "dsr" learned nothing (RMSE 12.0
        against ridge regression's 2.7, "lru" with differences 1.9), at a
        small cost on Covid3Month (0.047 against 0.043; RESULTS.md).

    n_init : int, default=1
        Number of initialisations, as in KMeans: each is trained from its own
        seed (drawn from ``random_state``), up to ``n_jobs`` of them at once
        in threads, and the best is kept: by validation score with
        ``early_stopping``, else by final training loss. ``init_scores_``
        records each one's score. The result does not depend on ``n_jobs``.
        On the small archive sets the lowest training loss did not pick
        better models (RESULTS.md); with ``early_stopping`` the choice is
        made on held-out sequences.

    n_members : int or "auto", default=1
        Number of networks trained from their own seeds (drawn from
        ``random_state``, up to ``n_jobs`` at once in threads), then joined
        into one AL-RNN: their units side by side, ``W`` block-diagonal, the
        readout averaging the members' outputs (the classifier's logits). The
        fitted model is an AL-RNN of ``n_members * n_hidden`` units,
        ``n_members * n_nonlinear`` of them ReLU (``n_nonlinear_``), whose
        prediction is the members' mean; each member is a block of it.
        "auto": as many as keep ``n_members * n_samples * n_timesteps``
        within 150,000 steps, at most 5 (one on long or large data sets,
        where one fit already takes tens of seconds). Averaging members
        cancels much of the seed-to-seed variance of fits on small data: over
        30 seeds, five members lifted ArrowHead from 0.767 to 0.804 and
        PickupGestureWiimoteZ from 0.696 to 0.743, and over 15 seeds cut
        CardanoSentiment's RMSE from 0.305 to 0.293 (RESULTS.md). The default
        stays one network, so that the fitted model has ``n_hidden`` units
        and ``2**n_nonlinear`` regimes as set. ``partial_fit`` trains one
        network; ``warm_start`` continues the joined one (another
        ``n_members`` is another architecture: a ValueError).

    input_type : {{"auto", "dense", "tokens"}}, default="auto"
        "dense": X holds numeric features. "tokens": X holds integer ids
        (text, event codes...): a list of 1-D id arrays or a 2-D integer
        array padded with -1; each step adds one column of C (an embedding,
        O(M) per step instead of O(M V) for one-hot input of V columns).
        The vocabulary size is the largest id seen in fit plus one
        (``n_tokens_``, also ``n_features_in_``); a larger id at predict time
        is an error. ``SequenceTokenizer`` turns raw texts into such ids.
        "auto": tokens for what ``SequenceTokenizer`` returns, so that
        ``make_pipeline(SequenceTokenizer(), estimator)`` reads texts as
        words, dense otherwise, with a warning where X is laid out as ids
        are (a list of 1-D integer sequences or a 2-D integer array: ids
        read as numbers make a model of nothing, 0.58 against 0.77 on
        Rotten Tomatoes). Fixed by the first fit.

    n_tokens : int, default=None
        Token input: the vocabulary's size, so that ids 0..n_tokens-1 are
        accepted whether or not the first fit's sequences hold them (texts
        tokenized first and split after, ids of another tokenizer). None:
        ``SequenceTokenizer``'s vocabulary for its output, else the largest
        id of the first fit plus one. Ignored for dense input.

    input_differences : bool or "auto", default={input_differences}
        Dense input only: the network also reads each feature's first
        difference ``x_t - x_(t-1)`` (0 at the first step), divided by its
        standard deviation over the training set (``input_difference_scale_``),
        so C has ``2 * n_features_in_`` columns, the differences' last. A
        linear recurrence could form them itself but learns to slowly; read
        directly they expose the fast detail long series are told apart by.
        "auto": when the first fit's training sequences are 200 steps long
        or more on average. Measured on the archive sets (RESULTS.md): OSULeaf
        (427 steps) 0.78 -> 0.92, ACSF1 (1460) 0.63 -> 0.66, ArrowHead (251)
        0.79 -> 0.81; the shorter sets and the sign-memory task (30 steps)
        lost (PickupGestureWiimoteZ 0.69 -> 0.64, sign memory 0.96 -> 0.89
        mean accuracy): "auto" is the classifier's default. The regressor
        reads them always (True): with its linear "mean" readout they took
        Tecator from RMSE 8.4 to 1.9 (ridge regression 2.7) and keep the
        adding problem's contrast.

    elapsed_steps : bool or "auto", default={elapsed_steps}
        Dense input only: the network also reads the step index t (0 at each
        sequence's first step), standardised by its mean and standard
        deviation over the training set's valid steps
        (``elapsed_steps_moments_``), as the last column of C. A pooled
        readout (mean, max) does not see where in a sequence, or how late, a
        pattern occurred; a clock input lets the units tell. "auto": for
        sequence-to-one targets when the first fit's training sequences
        differ in length. Measured with the classifier (RESULTS.md, 10
        seeds): PickupGestureWiimoteZ (29-361 steps) 0.724 -> 0.808, PLAID
        (100-1,344) 0.866 -> 0.873, JapaneseVowels level; on sequences of one
        length it helped some sets and cost others (PickupGestureWiimoteZ_eq
        +0.09, ACSF1 -0.08, ItalyPowerDemand -0.01), so "auto" leaves them.
        The regressor's default is False (not measured on regression sets).

    time_warping : float >= 0 or "auto", default={time_warping}
        Dense input with sequence-to-one targets only: every epoch, each
        training sequence is read along a fresh random time warp, its values
        interpolated at a warped clock whose speed, drawn at 18 knots over the
        sequence as ``max(0.1, 1 + time_warping * N(0, 1))``, changes smoothly;
        the length and the first and last values stay (the elapsed-steps
        clock is not warped). A small training set then teaches the network
        that a pattern a little early, late, fast or slow is the same pattern,
        as nearest-neighbour classification with dynamic time warping assumes.
        0 turns it off. "auto": 0.3 when the first fit's inputs are sampled
        smooth signals (their mean lag-one autocorrelation is 0.3 or more),
        else 0 (sequences of independent draws, such as the research tasks',
        where a value moved by a step is another value). The classifier's
        default; measured on the archive sets (RESULTS.md, seeds 0-4):
        ArrowHead 0.763 -> 0.842, PickupGestureWiimoteZ_eq 0.652 -> 0.748,
        OSULeaf (seeds 0-2) 0.904 -> 0.944, UnitTest 0.945 -> 0.955; ACSF1
        (lag-one autocorrelation -0.2, not warped by "auto") lost 0.66 -> 0.47
        with warps, the sign-memory task 0.97 -> 0.91. The regressor's default
        is 0 (not measured on regression sets). The strength used is
        ``time_warping_``.

    standardize_inputs : bool or "per_sequence", default=True
        Dense input only: training reads each feature minus its mean,
        divided by its standard deviation, both over the valid steps of the
        first fit or ``partial_fit`` call (weighted like the loss; a warm
        start keeps them), so that features of any scale train with the same
        step size and initialisation. The fitted ``C_`` and ``h_`` are
        converted back: the model reads the features as given and needs no
        scaler in front (an AL-RNN on the user's inputs, for analysis too).
        On the archive files read as they are it gives the accuracy of
        standardised ones (mean gap to MiniRocket 0.055 against 0.061
        without it; CardanoSentiment, volumes of scale 1e4: RMSE 0.30
        against 1.24; RESULTS.md); on the sign-memory task it lifted the
        mean accuracy of 10 seeds from 0.947 to 0.973. ``h_`` then holds
        ``-C_ @ mean``: in float32 a feature whose mean exceeds 10^4 times its
        standard deviation keeps fewer than 3 significant digits, and fit
        warns. A feature whose sequences' standard deviations spread over
        more than 10^4-fold (95th over 5th percentile) is read per sequence
        instead (``per_sequence_features_``): each sequence's values minus
        their own mean, divided by their own standard deviation, with that
        mean and the log of that deviation as two more features, constant
        over the sequence (standardised like the others): nothing is lost,
        and the small sequences are not nearly constant to the network
        (PLAID, appliance currents spread 7e5-fold: accuracy 0.50 -> 0.83;
        RESULTS.md). "per_sequence" reads every feature so. False trains on
        the features as given (and warns when one is far from unit scale or
        its amplitudes spread so).

    shuffle : bool, default=True
        Shuffle the sequences every epoch.

    warm_start : bool, default=False
        Start ``fit`` from the previous solution (the optimiser is reset).
        The architecture must be the fitted one (units, ReLU units, members,
        dtype, readout): else a ValueError names both.

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

    device : {{"cpu", "cuda", "auto"}}, default="cpu"
        Where training runs. "cuda" uses the numba-cuda kernels (the ``cuda``
        extra) and raises a clear error without a GPU; "auto" uses a GPU only
        when a real one is available. Fitted parameters are numpy arrays
        either way, and prediction runs on the CPU.

    dtype : {{"float64", "float32"}} or None, default=None
        Floating type of the parameters and the computation; None means
        float64 on the CPU and float32 on a GPU.
"""

_COMMON_ATTRIBUTES_DOC = """
    a_ : ndarray of shape (n_hidden,)
        Diagonal of the linear self-connection matrix A. Here and below,
        n_hidden stands for the fitted model's units, ``n_members_ * n_hidden``.

    W_ : ndarray of shape (n_hidden, n_hidden)
        Recurrent weights applied to phi(z).

    h_ : ndarray of shape (n_hidden,)
        Recurrent bias.

    C_ : ndarray of shape (n_hidden, n_read) or (n_hidden, 2 * n_read), one more column with elapsed steps
        Input weights on the features as the network reads them, then on
        their scaled differences with ``input_differences``, then on the
        standardised step index with ``elapsed_steps``: ``n_read =
        n_features_in_ + 2 k``, the features (those read per sequence in its
        units), then the k sequence means and k log standard deviations of
        the ``per_sequence_features_``.

    per_sequence_features_ : ndarray of shape (k,)
        Indices of the features read per sequence (see ``standardize_inputs``);
        empty for most data.

    input_difference_scale_ : ndarray of shape (n_read,) or None
        Standard deviation of the first differences of each feature as read,
        in the training data, with ``input_differences``; else None.

    elapsed_steps_moments_ : ndarray of shape (2,) or None
        Mean and standard deviation of the step index over the training set's
        valid steps, with ``elapsed_steps``; else None.

    time_warping_ : float
        Strength of the random time warps of the training epochs (see
        ``time_warping``); 0.0 when the fit did not warp.

    readout_ : str
        The readout the model uses: ``readout``, with "auto" chosen at the
        first fit from the training sequences' mean length.

    B_ : ndarray of shape (n_outputs, n_hidden) or (n_outputs, 2 * n_hidden)
        Readout weights (``2 * n_hidden`` columns for the two-pooling readouts, "mean+max" and
        "positive_mean+max").

    b_ : ndarray of shape (n_outputs,)
        Readout bias.

    n_nonlinear_ : int
        Number P of ReLU units of the fitted model (the hyper-parameter
        ``n_nonlinear`` may change after fitting; readers of the fitted model
        use this): ``n_members_ * n_nonlinear`` for joined members.

    n_members_ : int
        Number of networks joined into the fitted model (``n_members``, fewer
        when Ctrl-C kept some from starting).

    member_losses_ : ndarray of shape (n_members_,) or None
        Each member's final training loss; None for a single network.

    n_features_in_ : int
        Number of features per time step (the last axis of X); with token
        input, the number of tokens (the columns of C).

    n_tokens_ : int or None
        With ``input_type="tokens"``, the vocabulary size (largest id seen in
        fit plus one); None for dense input.

    loss_curve_ : list of float
        Mean training loss of each epoch.

    best_loss_ : float
        Lowest training loss seen (inf before the first epoch).

    validation_scores_ : list of float or None
        Validation score of each epoch when ``early_stopping``, else None.

    best_validation_score_ : float or None
        Best mean of ``validation_scores_`` over 5 consecutive epochs (fewer
        at the start), else None.

    n_iter_ : int
        Number of epochs run.

    t_ : int
        Number of training sequences seen.

    init_scores_ : ndarray of shape (n_init,) or None
        With ``n_init > 1``, the score of each initialisation (validation
        score with ``early_stopping``, else minus the final training loss);
        the fitted model is the best (-inf: one that Ctrl-C kept from
        starting). None with ``n_init=1``.
"""


_FROM_PARAMETERS_DOC = """The network reads its inputs as given (no standardisation, input
        differences or elapsed steps), from a start at zero. ``predict``,
        ``score``, ``transform``, ``save``, ``RegimeDecomposer`` and
        ``partial_fit`` (training on from these weights) work on the result.

        Parameters
        ----------
        a, W, h, C : array-like
            As for :func:`sklearn_alrnn.analysis.check_parameters`: the diagonal
            of A (or A itself), W (n_hidden, n_hidden), h (n_hidden,) and the
            input weights C (n_hidden, n_features); with
            ``input_type="tokens"`` in ``params``, C's columns are the
            vocabulary's embeddings (``SequenceTokenizer(vocabulary=...)``
            gives texts the same ids).
        B : array-like of shape (n_outputs, n_hidden x the readout's poolings)
            Readout weights: n_hidden columns for ``readout="last"``.
        b : array-like of shape (n_outputs,), default=None
            Readout biases; None gives zeros.
        n_nonlinear : int
            Number P of ReLU units (the last P).
        readout : str, default="last"
            How the states are read, one of the estimator's readouts except
            "auto" (the research code reads the last state)."""


def with_from_parameters_doc(function):
    """``function`` with the estimators' shared ``from_parameters`` text in place of ``{doc}``."""
    if function.__doc__ is not None:  # None under ``python -OO``, which strips docstrings
        function.__doc__ = function.__doc__.replace("{doc}", _FROM_PARAMETERS_DOC)
    return function


def _format_default(value):
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and 0 < abs(value) < 1e-2:
        return f"{value:.0e}".replace("e-0", "e-")
    return repr(value)


def fill_docstring(cls):
    """Put the shared sections into ``cls``'s docstring, with the class's own defaults."""
    if cls.__doc__ is None:  # stripped by ``python -OO``
        return cls
    defaults = {
        name: _format_default(parameter.default)
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    cls.__doc__ = cls.__doc__.format(
        parameters=_COMMON_PARAMETERS_DOC.format(**defaults).strip("\n"),
        attributes=_COMMON_ATTRIBUTES_DOC.strip("\n"),
    )
    return cls
