"""Token input: the id sequences that SequenceTokenizer returns, whether an estimator reads its
input as token ids, and the checks of id sequences."""

import numpy as np
from scipy.sparse import issparse

from ._validation import cells_as_sequences, step_mask
from ._warnings import warn_user

__all__ = ["MAX_FIT_TOKENS", "TokenSequences", "check_tokens", "reads_tokens"]


class TokenSequences(np.ndarray):
    """Token id sequences as :class:`sklearn_alrnn.SequenceTokenizer` returns them: a 1-D object
    array of 1-D int64 id arrays, which ``input_type="auto"`` recognises as token ids, where a
    list of integer sequences could as well be counts or other integer-valued measurements. An
    array rather than a list, so that what scikit-learn's splitters and cross-validation index
    out of it (``train_test_split``, ``cross_val_score``) is one too, with the vocabulary's size
    ``n_tokens``: a first fit on part of the texts takes the whole vocabulary, where the largest
    id seen would refuse the ids that only the other part holds."""

    def __new__(cls, sequences, n_tokens=None):
        cells = np.empty(len(sequences), dtype=object)
        for i, sequence in enumerate(sequences):  # one by one: NumPy would stack equal lengths into 2-D
            cells[i] = sequence
        tokens = cells.view(cls)
        tokens.n_tokens = n_tokens
        return tokens

    def __array_finalize__(self, source):
        self.n_tokens = getattr(source, "n_tokens", None)

    # A container of sequences: + and * join and repeat them, as for the list it stands for (NumPy's
    # would add and multiply the ids).
    def __add__(self, other):
        return TokenSequences([*self, *other], n_tokens=_joined_vocabulary(self, other))

    def __radd__(self, other):
        return TokenSequences([*other, *self], n_tokens=_joined_vocabulary(self, other))

    def __mul__(self, count):
        return TokenSequences(list(self) * count, n_tokens=self.n_tokens)

    __iadd__ = __add__
    __rmul__ = __imul__ = __mul__

    def __array_function__(self, func, types, args, kwargs):
        """``np.concatenate`` (and ``np.hstack``, which calls it) of tokenizer outputs is one too, with
        the larger vocabulary; NumPy's would be a plain object array, which "auto" reads as dense."""
        joined = super().__array_function__(func, types, args, kwargs)
        parts = kwargs.get("arrays", args[0] if args else ())
        if func is np.concatenate and joined.ndim == 1 and all(isinstance(part, TokenSequences) for part in parts):
            return TokenSequences(list(joined), n_tokens=_joined_vocabulary(*parts))
        return joined

    def __reduce__(self):  # ndarray's pickle keeps no attributes: joblib's workers would lose n_tokens
        constructor, arguments, state = super().__reduce__()
        return constructor, arguments, (state, self.n_tokens)

    def __setstate__(self, state):
        array_state, self.n_tokens = state
        super().__setstate__(array_state)


def _joined_vocabulary(*parts):
    """The vocabulary's size of token sequences joined: the largest any part declares (None if none)."""
    return max((getattr(part, "n_tokens", None) or 0 for part in parts), default=0) or None


def reads_tokens(input_type, X):
    """Whether a first fit with ``input_type`` reads X as token ids: "auto" does for the output of
    SequenceTokenizer (:class:`TokenSequences`), and reads anything else as dense features, with a
    warning where X is laid out as token ids are (a list of 1-D integer sequences, or a 2-D
    integer array) and its values could be ids (none below the padding -1, none from
    ``MAX_FIT_TOKENS`` on), since such ids read as numbers give a model of nothing. Integer
    measurements with negative values (ADC counts about a zero line) read as dense without a word."""
    if input_type != "auto":
        return input_type == "tokens"
    if isinstance(X, TokenSequences):
        return True
    # A list, or a 1-D object array or Series of sequences (np.concatenate of ids), read cell by cell;
    # not converted here, which check_sequences does next (a nested DataFrame's rows are stacked once).
    cells = getattr(X, "ndim", None) == 1 and getattr(X, "dtype", None) == object
    of_sequences = isinstance(X, (list, tuple)) or cells
    if of_sequences:
        integer_layout = len(X) > 0 and all(np.ndim(seq) == 1 and np.asarray(seq).dtype.kind in "iu" for seq in X)
        sequences, lowest = (X if integer_layout else []), 0
    else:
        integer_layout = isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "iu"
        sequences, lowest = ([X] if integer_layout else []), -1  # -1: padding
    values = [np.asarray(seq) for seq in sequences if np.size(seq)]
    if integer_layout and all(lowest <= seq.min() and seq.max() < MAX_FIT_TOKENS for seq in values):
        warn_user(
            "X holds integer sequences, read as numeric features (input_type='auto' reads token ids only from "
            "SequenceTokenizer). Pass input_type='tokens' if they are token ids (words, event codes), "
            "or input_type='dense' if they are measurements, which also silences this warning.",
            UserWarning,
        )
    return False


#: A first fit's vocabulary (its largest token id + 1) above this is refused: ids that sparse are
#: hashes or another vocabulary's indices, and the input weights alone would take gigabytes.
MAX_FIT_TOKENS = 2**24


def check_vocabulary(X, n_tokens, estimator_name):
    """Refuse a tokenizer's output (``TokenSequences``) of a larger vocabulary than the model's
    ``n_tokens``: its ids name other words than those the model learnt, even the ids in range."""
    vocabulary = getattr(X, "n_tokens", None)
    if n_tokens is not None and vocabulary is not None and vocabulary > n_tokens:
        raise ValueError(
            f"X holds the ids of a vocabulary of {vocabulary} tokens (its tokenizer's n_tokens_), but {estimator_name} "
            f"reads {n_tokens}; were the texts tokenized by another tokenizer than the one the model was fitted "
            "behind (refitted, or fitted on other texts)?"
        )


def check_tokens(X, *, n_tokens=None, estimator_name="estimator", first_index=0):
    """Validate token input: sequences of integer ids, as a list or a 2-D array padded with -1.

    Parameters
    ----------
    X : list of 1-D array-like of int, or 2-D array-like of int
        Ids in ``[0, n_tokens)``; in a 2-D array, trailing -1 are padding.
    n_tokens : int or None, default=None
        Vocabulary size seen in fit; None (in fit) takes the largest id + 1.
    estimator_name : str, default="estimator"
    first_index : int, default=0
        Index of X's first sequence in the caller's data (for messages).

    Returns
    -------
    ids : ndarray of shape (n_samples, n_timesteps), int64
        -1 beyond each sequence's length.
    lengths : ndarray of shape (n_samples,), int64
    """
    if issparse(X):
        raise TypeError(f"Sparse input is not supported: {estimator_name} with input_type='tokens' takes id sequences.")
    check_vocabulary(X, n_tokens, estimator_name)
    X = cells_as_sequences(X)
    if isinstance(X, (list, tuple)):
        sequences = [_token_array(seq, f"sequence {first_index + i}", 1) for i, seq in enumerate(X)]
        ids = np.full((len(sequences), max((len(s) for s in sequences), default=0)), -1, dtype=np.int64)
        for i, seq in enumerate(sequences):
            ids[i, : len(seq)] = seq
    else:
        ids = _token_array(X, "X", 2)
    if ids.shape[0] == 0:
        raise ValueError(f"Found 0 sequences (shape={ids.shape}) while a minimum of 1 is required by {estimator_name}.")
    valid = ids >= 0
    lengths = np.zeros(ids.shape[0], dtype=np.int64)  # every sequence empty when no step at all
    if ids.shape[1]:
        lengths = np.where(valid.any(axis=1), ids.shape[1] - np.argmax(valid[:, ::-1], axis=1), 0).astype(np.int64)
    inside = ~valid & step_mask(lengths, ids.shape[1])
    if inside.any() or (ids < -1).any():  # before the empty sequences: [-5] is a bad id, not padding
        sample, step = np.argwhere(inside | (ids < -1))[0]
        raise ValueError(
            f"Token ids must lie in [0, n_tokens); sequence {first_index + sample} has {ids[sample, step]} at step "
            f"{step} (only trailing -1 may pad a 2-D array)."
        )
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"Token sequence {first_index + empty[0]} is empty; every sequence needs at least one token "
            f"({empty.size} of {len(lengths)} are empty)."
        )
    if n_tokens is None and ids.max() >= MAX_FIT_TOKENS:
        sample, step = np.argwhere(ids == ids.max())[0]
        raise ValueError(
            f"Token id {ids.max()} (sequence {first_index + sample}, step {step}) asks for a vocabulary of "
            f"{ids.max() + 1} ids, more than {MAX_FIT_TOKENS}; map the tokens to consecutive ids 0..V-1 first "
            "(SequenceTokenizer does for texts; np.unique(..., return_inverse=True) for other ids)."
        )
    if n_tokens is not None and ids.max() >= n_tokens:
        sample, step = np.argwhere(ids >= n_tokens)[0]
        raise ValueError(
            f"Token id {ids[sample, step]} (sequence {first_index + sample}, step {step}) is outside the "
            f"{n_tokens} tokens seen in fit (ids 0..{n_tokens - 1}); map unknown tokens to a fitted id, "
            "e.g. with SequenceTokenizer's unknown-token id, or fit with n_tokens set to the vocabulary's size."
        )
    return np.ascontiguousarray(ids), lengths


def _token_array(X, label, ndim):
    """X as an int64 array of ``ndim`` dimensions, or a ValueError / TypeError naming ``label``."""
    try:
        array = np.asarray(X)
    except ValueError:  # NumPy's "inhomogeneous shape"
        raise ValueError(f"Token input {label} is ragged inside; pass a list of 1-D id arrays.") from None
    if array.dtype.kind not in "iu" and array.size:
        hint = " (SequenceTokenizer turns raw texts into ids)" if array.dtype.kind in "OSU" else ""
        raise TypeError(f"Token ids must be integers; {label} has dtype {array.dtype}{hint}.")
    if array.ndim != ndim:
        expected = "1-D (n_timesteps,)" if ndim == 1 else "2-D (n_samples, n_timesteps) padded with -1, or a list"
        raise ValueError(f"Token input must be {expected}; {label} has shape {array.shape}.")
    return array.astype(np.int64)
