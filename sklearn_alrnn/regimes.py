"""RegimeDecomposer: sequences into regime codes, a fitted AL-RNN into its linear systems."""

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._interrupts import all_or_nothing
from ._kernels import make_engine
from ._model import regime_codes
from ._regime_counts import (
    regime_index, regime_sharing, regime_statistics, steps_per_regime, warn_of_states_out_of_range,
)
from ._regime_maps import analyse_regimes
from ._validation import check_sequences, model_name, real_array, step_mask
from ._warnings import warn_user
from .analysis import MAX_ENUMERATED_NONLINEAR, check_parameters, code_to_bits, find_attractors, find_cycles
from .tabular import table_of_columns

__all__ = ["RegimeDecomposer"]

#: ``from_parameters`` analyses every regime up front while 2**P * n_hidden**3 is at most this.
MAX_ENUMERATION_COST = 2**31


def _split_pipeline(estimator):
    """(preprocessing, network) of a fitted estimator: a Pipeline ending in an AL-RNN, or the network."""
    if isinstance(estimator, Pipeline):
        return estimator[:-1], estimator[-1]
    return None, estimator


def _is_forecaster(network):
    return hasattr(network, "generate")


def _check_clone_can_be_fitted(estimator, y):
    """With ``prefit=False`` a clone of ``estimator`` is fitted on (X, y): a classifier or regressor
    without y is refused, and an estimator fitted already is warned of, naming ``prefit=True``
    (a fitted forecaster passed alone was refitted, minutes on long series, without a word)."""
    network = _split_pipeline(estimator)[1]
    name = type(network).__name__
    try:
        check_is_fitted(estimator)
        fitted = True
    except (NotFittedError, TypeError):
        fitted = False
    hint = f"prefit=True reads the fitted {name} as it is"
    if y is None and not _is_forecaster(network):
        raise ValueError(
            f"RegimeDecomposer(prefit=False) fits a clone of the {name} on (X, y), and y was not given: "
            f"pass y, or {hint if fitted else f'prefit=True with a fitted {name}'}."
        )
    if fitted:
        warn_user(
            f"RegimeDecomposer(prefit=False) fits a clone of the {name} on the data given to fit, not the "
            f"fitted {name} itself; {hint}.",
            UserWarning,
        )


def _fitted_parameters(network):
    if not hasattr(network, "hidden_states"):
        raise ValueError(
            "RegimeDecomposer analyses an ALRNNClassifier, ALRNNRegressor or ALRNNForecaster (alone "
            f"or as the last step of a Pipeline); got {model_name(network)}."
        )
    check_is_fitted(network, "n_nonlinear_")
    a, W, h, C, n_nonlinear = check_parameters(network.a_, network.W_, network.h_, network.n_nonlinear_, network.C_)
    return {"a": a, "W": W, "h": h, "C": C}, n_nonlinear


class RegimeDecomposer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Read a fitted AL-RNN as a handful of linear dynamical systems.

    ``fit`` runs sequences through the network, records which of the 2**P
    linear regimes the hidden states visit, and analyses each visited regime:
    its linear system, eigenvalues, and fixed point. ``transform`` turns
    sequences into regime codes, or into the share of steps spent in each
    regime (features for a downstream model).

    A regime code is the integer whose binary digits are the P ReLU bits (bit
    = 1 where the unit is strictly positive), first ReLU unit most significant;
    :func:`sklearn_alrnn.analysis.code_to_bits` and :func:`sklearn_alrnn.analysis.bits_to_code`
    convert.

    Parameters
    ----------
    estimator : ALRNNClassifier, ALRNNRegressor, ALRNNForecaster or Pipeline, default=None
        The network, or a Pipeline whose last step is the network (its
        earlier steps, e.g. a SequenceScaler, are applied to X before the
        regimes are read). Cloned and fitted on (X, y) unless ``prefit``.
        For a forecaster, X are recorded series: ``fit`` records the regimes
        of the free run from each series' first observation (as long as the
        series), ``transform`` those of the states while reading X
        (``ALRNNForecaster.hidden_states``); states, fixed points and cycles
        are in the forecaster's standardised units, and ``constant_input``
        refers to its exogenous inputs.
    prefit : bool, default=False
        Use ``estimator`` as already fitted (like ``SelectFromModel``). With
        False, a clone is fitted, and a UserWarning says so where the
        estimator given is fitted already.
    output : {"codes", "occupancy"}, default="codes"
        What ``transform`` returns.
    constant_input : array-like of shape (n_features,), default=None
        Input held constant when computing fixed points; zero when None (for
        inputs far from zero, such as a stimulus around 300, pass a typical
        value: ``X.mean(axis=(0, 1))``, or a forecaster's ``exog.mean(axis=0)``).
        For a network that reads input differences (``input_differences``),
        the features alone: their differences are then zero.

    Attributes
    ----------
    estimator_ : estimator or None
        The fitted network (None for :meth:`from_parameters`).
    n_nonlinear_ : int
        Number P of ReLU units.
    n_features_in_ : int
        Number of input features.
    regimes_ : ndarray of shape (n_regimes_,)
        Codes of the visited regimes, most occupied first.
    n_regimes_ : int
        Number of visited regimes.
    occupancy_ : ndarray of shape (n_regimes_,)
        Share of all valid time steps spent in each regime of ``regimes_``.
    transition_matrix_ : ndarray or scipy.sparse.csr_array of shape (n_regimes_, n_regimes_)
        Row-stochastic Markov matrix between consecutive steps of the same
        sequence, rows and columns in the order of ``regimes_``; self-loops
        count dwell. A regime never left (seen only at sequence ends) gets
        a self-loop of 1. Sparse above 4,096 regimes (dense, 60,000 regimes
        would take 27 GiB).
    linear_systems_ : sequence of LinearSystem
        One per regime of ``regimes_``, its Jacobian built when read.
    eigenvalues_ : list of ndarray
        Eigenvalues of each regime's J, largest modulus first.
    spectral_radius_ : ndarray of shape (n_regimes_,)
    fixed_points_ : list of FixedPoint
        Fixed point of each regime of ``regimes_`` under ``constant_input``:
        the point, whether it is real (inside its own regime) or virtual, its
        stability type, time constants and rotation periods.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import ALRNNRegressor, RegimeDecomposer
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(50, 10, 1)); y = X.sum(axis=(1, 2))
    >>> dec = RegimeDecomposer(ALRNNRegressor(n_hidden=4, n_nonlinear=2, max_iter=3))
    >>> dec.fit(X, y).transform(X).shape
    (50, 10)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "prefit": ["boolean"],
        "output": [StrOptions({"codes", "occupancy"})],
        "constant_input": ["array-like", None],
    }

    def __init__(self, estimator=None, *, prefit=False, output="codes", constant_input=None):
        self.estimator = estimator
        self.prefit = prefit
        self.output = output
        self.constant_input = constant_input

    # ----------------------------------------------------------- construction
    @classmethod
    def from_parameters(cls, a, W, h, C=None, *, n_nonlinear, output="codes", constant_input=None):
        """A decomposer for parameters trained elsewhere (e.g. by the research code).

        The result is fitted: its analysis attributes cover every one of the
        2**P regimes until :meth:`fit` or :meth:`fit_states` is called with
        sequences, which then records the regimes those sequences visit. When
        P > 16, or when 2**P * n_hidden**3 exceeds 2**31 (an eigen-decomposition
        per regime, at most seconds in all: P > 13 at 64 units, P > 11 at 100,
        P > 10 at 128), it starts with none.

        Parameters
        ----------
        a : array-like of shape (n_hidden,)
            The diagonal of A (a diagonal (n_hidden, n_hidden) matrix is accepted too).
        W : array-like of shape (n_hidden, n_hidden)
        h : array-like of shape (n_hidden,)
            (or a column / row vector)
        C : array-like of shape (n_hidden, n_features), default=None
            Input matrix; None for an autonomous model (zero features).
        n_nonlinear : int
            Number P of ReLU units (the last P units).
        output, constant_input
            As in the constructor.

        Returns
        -------
        RegimeDecomposer

        Examples
        --------
        A linear unit reading a self-exciting ReLU unit: a stable rest in the
        regime where the unit is off, a saddle (the threshold) where it is on.

        >>> from sklearn_alrnn import RegimeDecomposer
        >>> decomposer = RegimeDecomposer.from_parameters(
        ...     [0.9, 0.5], [[0.0, 0.1], [0.0, 1.0]], [0.0, -0.25], n_nonlinear=1)
        >>> [(point.bits, point.real, point.stability) for point in decomposer.all_fixed_points()]
        [('0', True, 'stable node'), ('1', True, 'saddle')]
        >>> decomposer.linear_systems_[1].J
        array([[0.9, 0.1],
               [0. , 1.5]])
        """
        a, W, h, C, n_nonlinear = check_parameters(a, W, h, n_nonlinear, C)
        decomposer = cls(None, prefit=True, output=output, constant_input=constant_input)
        decomposer._validate_params()  # fit, which validates them otherwise, need not follow
        decomposer._set_parameters({"a": a, "W": W, "h": h, "C": C}, int(n_nonlinear))
        decomposer.estimator_ = None
        # Too many regimes, or too large ones, to analyse up front (the memory of their
        # Jacobians grows with them: 2 GiB at 64 units and P = 16): start with none and let
        # fit(X) record the visited ones.
        cost = 2**n_nonlinear * a.shape[0] ** 3
        enumerable = n_nonlinear <= MAX_ENUMERATED_NONLINEAR and cost <= MAX_ENUMERATION_COST
        decomposer._analyse(np.arange(2**n_nonlinear) if enumerable else [], occupancy=None, transitions=None)
        return decomposer

    def _set_parameters(self, params, n_nonlinear):
        self._parameters = params
        self.n_nonlinear_ = n_nonlinear
        self.n_features_in_ = params["C"].shape[1]

    # ---------------------------------------------------------------- fitting
    @all_or_nothing(deep=False)
    def fit(self, X, y=None, *, exog=None):
        """Fit the network (unless prefit) and record the regimes X visits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.
        y : array-like, default=None
            Targets for fitting the network; unused when prefit.
        exog : array-like, default=None
            A forecaster's exogenous inputs, one row per step of X (as for
            its ``fit``); the free runs read here are driven by them.

        Returns
        -------
        self : RegimeDecomposer
        """
        self._validate_params()
        if self.estimator is not None:
            if self.prefit:
                check_is_fitted(self.estimator)
                self.estimator_ = self.estimator
            else:
                _check_clone_can_be_fitted(self.estimator, y)
                params = self._exog_argument(exog, _split_pipeline(self.estimator)[1])
                if params and isinstance(self.estimator, Pipeline):
                    params = {f"{self.estimator.steps[-1][0]}__exog": exog}
                self.estimator_ = clone(self.estimator).fit(X, y, **params)
            self._preprocessing, network = _split_pipeline(self.estimator_)
            self._set_parameters(*_fitted_parameters(network))
            self._forecaster = network if _is_forecaster(network) else None
            self._network = network
            if self._forecaster is not None:
                self.n_features_in_ = network.n_features_in_
        elif getattr(self, "_parameters", None) is None:
            raise ValueError(
                "RegimeDecomposer needs an estimator (an ALRNNClassifier, ALRNNRegressor or ALRNNForecaster): "
                "RegimeDecomposer(model) fits a clone, RegimeDecomposer(fitted_model, prefit=True) reads it; "
                "or use RegimeDecomposer.from_parameters(a, W, h, C, n_nonlinear=P)."
            )
        codes, _ = self._codes(X, free_run=True, exog=exog)
        regimes, occupancy, transitions = regime_statistics(codes)
        self._analyse(regimes, occupancy, transitions)
        self._n_timesteps_fit = codes.shape[1]
        return self

    @all_or_nothing(deep=False)
    def fit_states(self, states):
        """Record the regimes visited by given hidden-state trajectories.

        For autonomous models (e.g. dynamical-systems reconstructions built with
        :meth:`from_parameters` and run with :func:`sklearn_alrnn.analysis.iterate_map`),
        which have no input sequences to pass to :meth:`fit`.

        Parameters
        ----------
        states : array-like of shape (n_timesteps, n_hidden) or (n_sequences, n_timesteps, n_hidden), or list
            Trajectories; trailing all-NaN steps are padding. A list of (n_timesteps, n_hidden)
            arrays of different lengths, as a forecaster's ``hidden_states`` of several series.

        Returns
        -------
        self : RegimeDecomposer
        """
        check_is_fitted(self, "n_nonlinear_")
        M = self._parameters["a"].shape[0]
        ragged = isinstance(states, (list, tuple)) and len(states) > 0 and all(np.ndim(s) == 2 for s in states)
        shapes = [np.shape(s) for s in states] if ragged else [np.shape(states)]
        if not ragged:
            states = np.asarray(states)  # as numbers, complex refused, by check_sequences below
            states = states[None] if states.ndim == 2 else states
        if any(len(shape) not in (2, 3) or shape[-1] != M for shape in shapes):
            raise ValueError(
                f"Expected states of shape (n_timesteps, {M}) or (n_sequences, n_timesteps, {M}), or a list "
                f"of (n_timesteps, {M}) trajectories; got {shapes[0] if not ragged else shapes}."
            )
        states, lengths = check_sequences(states, estimator_name=type(self).__name__)
        codes = regime_codes(states, self.n_nonlinear_)
        codes[~step_mask(lengths, codes.shape[1])] = -1  # padding
        self._analyse(*regime_statistics(codes))
        self._n_timesteps_fit = codes.shape[1]
        return self

    def _model_input(self, constant_input):
        """A constant input as the network reads it (None stays None), given as the network's
        features: a feature read per sequence reads as zero beside its mean and log standard
        deviation floor (a constant sequence's), input differences as zero."""
        if constant_input is None:
            return None
        constant_input = real_array(constant_input, "constant_input").reshape(-1)
        network = getattr(self, "_network", None)
        dense = getattr(network, "_tokens", True) is False  # a sequence estimator on dense input
        if dense and constant_input.shape[0] == network.n_features_in_:
            constant_input = network._model_inputs(constant_input[None, None, :], np.ones(1, dtype=np.int64))[0, 0]
        n_inputs = self._parameters["C"].shape[1]
        if constant_input.shape[0] != n_inputs:
            raise ValueError(f"constant_input has {constant_input.shape[0]} features; the model has {n_inputs} inputs.")
        return constant_input

    def _analyse(self, regimes, occupancy, transitions):
        p = self._parameters
        P = self.n_nonlinear_
        constant_input = self._model_input(self.constant_input)
        self.regimes_ = np.asarray(regimes, dtype=np.int64)
        self.n_regimes_ = self.regimes_.shape[0]
        self.occupancy_ = occupancy
        self.transition_matrix_ = transitions
        self.linear_systems_, self.fixed_points_ = analyse_regimes(
            p["a"], p["W"], p["h"], p["C"], self.regimes_, P, constant_input
        )
        self.eigenvalues_ = [fp.eigenvalues for fp in self.fixed_points_]
        self.spectral_radius_ = np.array([np.abs(ev).max() for ev in self.eigenvalues_])

    @staticmethod
    def _exog_argument(exog, network):
        """``{"exog": exog}`` for a forecaster, ``{}`` without exog; exog for another network is an error."""
        if exog is None:
            return {}
        if not _is_forecaster(network):
            raise ValueError(
                "exog holds a forecaster's exogenous inputs; this decomposer reads "
                f"{'raw parameters' if network is None else type(network).__name__}, whose inputs are X itself."
            )
        return {"exog": exog}

    def _codes(self, X, free_run=False, exog=None):
        p = self._parameters
        exog_argument = self._exog_argument(exog, getattr(self, "_network", None))
        if getattr(self, "_preprocessing", None) is not None:
            X = self._preprocessing.transform(X)
        if getattr(self, "_forecaster", None) is not None:
            states = self._forecaster.hidden_states(X, free_run=free_run, **exog_argument)
            states = [states] if isinstance(states, np.ndarray) and states.ndim == 2 else list(states)
            # A free run that leaves the floating-point range is read up to there (its rows are NaN on).
            lengths = np.array([np.cumprod(np.all(np.isfinite(s), axis=1)).sum() for s in states])
            padded = np.full((len(states), max(len(s) for s in states), p["a"].shape[0]), np.nan)
            for i, s in enumerate(states):
                padded[i, : len(s)] = s
            codes = regime_codes(padded, self.n_nonlinear_)
            if not free_run:  # hidden_states has warned of a free run that overflows
                warn_of_states_out_of_range(codes, np.array([len(s) for s in states]))
            return codes, lengths
        network = getattr(self, "_network", None)
        if network is not None:  # the network's own reading of X: dense features or token ids
            X, lengths = network._checked_inputs(X, np.float64, network.n_features_in_, network._tokens)
        elif self.n_features_in_ == 0:
            raise ValueError(
                "This decomposer holds an autonomous map (from_parameters without C), which reads no input "
                "sequences: record its trajectories' regimes with fit_states(states), or give from_parameters C."
            )
        else:
            X, lengths = check_sequences(
                X, dtype=np.float64, n_features=self.n_features_in_, estimator_name=type(self).__name__
            )
        engine = make_engine("cpu", p["a"].shape[0], self.n_nonlinear_)
        # The states are held a part at a time: only the codes, 8 bytes a step, are kept whole.
        codes = np.empty(X.shape[:2], dtype=np.int64)
        for rows in engine.parts(X.shape[0], X.shape[1], np.float64):
            states = engine.hidden_states(p["a"], p["W"], p["h"], p["C"], X[rows], lengths[rows])
            codes[rows] = regime_codes(states, self.n_nonlinear_)
        warn_of_states_out_of_range(codes, lengths)
        return codes, lengths

    # -------------------------------------------------------------- transform
    def transform(self, X, *, exog=None):
        """Regime codes of each step, or each sequence's regime occupancy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.
        exog : array-like, default=None
            A forecaster's exogenous inputs (see :meth:`fit`).

        Returns
        -------
        codes : ndarray of shape (n_samples, n_timesteps), when output="codes"
            Regime code of the state after each step; -1 beyond each length.
        occupancy : ndarray of shape (n_samples, n_regimes_), when output="occupancy"
            Share of each sequence's steps spent in each regime of
            ``regimes_`` (regimes not seen in fit are not counted, so a row
            can sum to less than 1).
        """
        check_is_fitted(self, "regimes_")
        codes, lengths = self._codes(X, exog=exog)
        if self.output == "codes":
            return self._in_output_container(codes)
        index = regime_index(codes, self.regimes_)
        counts = steps_per_regime(index, np.arange(codes.shape[0]), codes.shape[0], self.n_regimes_)
        return self._in_output_container(counts / lengths[:, None])

    def fit_transform(self, X, y=None, *, exog=None):
        """``fit(X, y, exog=exog).transform(X, exog=exog)``."""
        return self.fit(X, y, exog=exog).transform(X, exog=exog)

    def set_output(self, *, transform=None):
        """Have ``transform`` return a DataFrame: "pandas" or "polars" ("default": arrays; None:
        unchanged). Columns ``step0 ...`` as long as the sequences transformed (scikit-learn's own
        wrapping would name only as many steps as were fitted), or one per regime."""
        if transform is not None:
            self._sklearn_output_config = {"transform": transform}  # the attribute clone() carries over
        return self

    def _in_output_container(self, table):
        """``table`` as the DataFrame that ``set_output`` or scikit-learn's ``transform_output`` asks for."""
        container = getattr(self, "_sklearn_output_config", {}).get("transform", "default")
        if container == "default":
            container = get_config()["transform_output"]
        if container == "default":
            return table
        columns = self._column_names(table.shape[1]).tolist()
        if container == "polars":
            import polars

            return polars.DataFrame(table, schema=columns, orient="row")
        import pandas

        return pandas.DataFrame(table, columns=columns)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``step0 ...`` for codes (as many as the fitted sequences'
        steps), ``regime_<bits>`` for occupancy."""
        check_is_fitted(self, "regimes_")
        if self.output == "codes" and not hasattr(self, "_n_timesteps_fit"):
            raise ValueError(
                "With output='codes' there is a column per step of the sequences fit(X) read, and this decomposer "
                "(from_parameters) has read none: call fit(X) or fit_states(states) first."
            )
        return self._column_names(self._n_timesteps_fit if self.output == "codes" else self.n_regimes_)

    def _column_names(self, n_columns):
        if self.output == "codes":
            return np.array([f"step{t}" for t in range(n_columns)], dtype=object)
        return np.array(
            [f"regime_{code_to_bits(c, self.n_nonlinear_) or 'linear'}" for c in self.regimes_],
            dtype=object,
        )

    # --------------------------------------------------------------- analysis
    def sharing(self, X, groups, *, exog=None):
        """How far groups of sequences (tasks, classes, conditions) use the same linear regimes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences.
        groups : array-like of shape (n_samples,)
            The group (e.g. task) of each sequence.
        exog : array-like, default=None
            A forecaster's exogenous inputs (see :meth:`fit`).

        Returns
        -------
        Bunch
            ``groups`` (the sorted group labels); ``regimes`` (the codes visited, most occupied
            overall first); ``occupancy`` (n_groups, n_regimes): the share of each group's valid
            steps spent in each regime; ``overlap`` (n_groups, n_groups): ``sum_r min(p_a(r),
            p_b(r))``, 1 when two groups spend their time in the same regimes (so use the same
            linear systems) in the same proportions, 0 when they never share one;
            ``mean_overlap``: the mean over distinct pairs (nan for one group).
        """
        check_is_fitted(self, "regimes_")
        return regime_sharing(self._codes(X, exog=exog)[0], groups)

    def _map(self, constant_input):
        """The map's parameters as the analysis functions take them, under ``constant_input`` (the
        ``constant_input`` parameter where None)."""
        check_is_fitted(self, "regimes_")
        p = self._parameters
        drive = self._model_input(self.constant_input if constant_input is None else constant_input)
        return dict(a=p["a"], W=p["W"], h=p["h"], C=p["C"], n_nonlinear=self.n_nonlinear_, constant_input=drive)

    def all_fixed_points(self, constant_input=None):
        """Fixed points of every one of the 2**P regimes (P <= 16), by enumeration.

        Parameters
        ----------
        constant_input : array-like of shape (n_features,), default=None
            Input held constant; defaults to the ``constant_input`` parameter.

        Returns
        -------
        list of FixedPoint
            Ordered by regime code.
        """
        check_is_fitted(self, "regimes_")
        if self.n_nonlinear_ > MAX_ENUMERATED_NONLINEAR:
            raise ValueError(
                f"n_nonlinear={self.n_nonlinear_} has 2**{self.n_nonlinear_} regimes; "
                f"enumeration stops at P={MAX_ENUMERATED_NONLINEAR}. Use fixed_points_ "
                "(visited regimes) or find_cycles(max_order=1)."
            )
        m = self._map(constant_input)
        codes = np.arange(2**self.n_nonlinear_)
        return analyse_regimes(m["a"], m["W"], m["h"], m["C"], codes, self.n_nonlinear_, m["constant_input"])[1]

    def find_cycles(self, max_order=2, *, constant_input=None, random_state=None, **search_params):
        """k-cycles of the map (k = 1 .. max_order) under a constant input.

        Exhaustive over regime sequences when there are few, a SCYFI-style
        randomised search otherwise, or the close returns of given ``runs``
        (``search_params``); see :func:`sklearn_alrnn.analysis.find_cycles`.
        The unstable cycles of a forecaster's chaotic attractor have orders
        of hundreds of steps; its free run finds them::

            _, states = forecaster.generate(20_000, return_states=True)
            decomposer.find_cycles(400, runs=states[1_000:])

        Returns
        -------
        list of Cycle
        """
        return find_cycles(**self._map(constant_input), max_order=max_order, random_state=random_state, **search_params)

    def find_attractors(self, starts, *, constant_input=None, **run_params):
        """Where the map's runs from ``starts`` settle under a constant input, and the share of the
        starts each attractor draws in; see :func:`sklearn_alrnn.analysis.find_attractors`
        (``run_params``: ``n_steps``, ``n_tail``, ``max_period``, ``tolerance``). Starts are states of
        the map's units: rows of the network's ``hidden_states(X)`` (a forecaster's, in its
        standardised units: ``forecaster.observe(attractor.points)`` reads them in the data's), or
        states scattered around them.

        Returns
        -------
        Attractors
        """
        return find_attractors(**self._map(constant_input), starts=starts, **run_params)

    def summary(self):
        """One row per regime: code, bits, occupancy, real fixed point, spectral radius, slowest time constant.

        ``fixed_point_dimension`` is 0 where the regime's map has one fixed point, k where its fixed
        points fill a k-dimensional set (``FixedPoint.continuum``: 1 for the line attractor of an
        integrator) and NaN where it has none (its map drifts), as floats in every table.

        The slowest time constant is the largest ``|1 / ln|lambda||`` over the regime's eigenvalues:
        the decay time of its slowest stable mode, or, where the mode closest to the unit circle
        grows (|lambda| > 1, a saddle's), the time that mode takes to grow by e; inf for |lambda| = 1.

        Returns
        -------
        pandas.DataFrame, or a numpy structured array when pandas is not installed.
        """
        check_is_fitted(self, "regimes_")
        occupancy = self.occupancy_ if self.occupancy_ is not None else np.full(self.n_regimes_, np.nan)
        columns = {
            "code": self.regimes_,
            "bits": np.array([fp.bits for fp in self.fixed_points_], dtype=object),
            "occupancy": occupancy,
            "real_fixed_point": np.array([fp.real for fp in self.fixed_points_], dtype=bool),
            "fixed_point_dimension": np.array(
                [fp.continuum.shape[1] if np.isfinite(fp.point).all() else np.nan for fp in self.fixed_points_],
                dtype=float,
            ),
            "stability": np.array([fp.stability for fp in self.fixed_points_], dtype=object),
            "spectral_radius": self.spectral_radius_,
            "slowest_time_constant": np.array(
                [np.max(np.abs(fp.time_constants)) for fp in self.fixed_points_]
            ),
        }
        return table_of_columns(columns)
