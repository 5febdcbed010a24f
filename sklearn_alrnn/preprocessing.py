"""Preprocessing for sequences: SequenceScaler (standardise features over samples and time, keeping
padding as padding), SequenceImputer (fill missing values inside sequences along time) and
SequenceTokenizer (raw texts to token-id sequences)."""

import re
import unicodedata
from collections import Counter
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._input_features import feature_moments
from ._series import check_sequence_feature_names
from ._tokens import TokenSequences, check_tokens
from ._validation import (
    cells_as_sequences, check_sequences, is_missing, lengths_before_padding, pad_sequences, step_mask,
)
from ._warnings import warn_user

__all__ = ["SequenceImputer", "SequenceScaler", "SequenceTokenizer"]


def _scan_unicode():
    """Two things the tokenizer reads from Unicode's categories, in one pass over the code points.

    The combining marks (Mn, Mc, Me: the vowel signs and viramas of Indic scripts, Thai tone marks,
    Arabic and Hebrew points) as character-class ranges: Python's ``\\w`` leaves them out, so
    ``\\w+`` cuts a Hindi word at each vowel sign ("फिल्म" into five pieces).

    A ``str.translate`` table of the characters that belong to no word. Format characters (Cf: a
    byte-order mark from a file, soft hyphens inside words, zero-width joiners in emoji and Persian
    or Indic words, direction marks) are dropped, as BERT's basic tokenizer drops them; each was a
    punctuation token of its own that cut the word it stood in. The zero-width space marks a word
    boundary (Thai, Khmer, web text) and control characters (Cc) separate what they stand between:
    both become spaces. Variation selectors choose how the character before them is drawn (text or
    emoji), not which it is: dropped."""
    marks, table = set(), {}
    for code in [*range(0x20000), *range(0xE0000, 0xE01F0)]:  # beyond 0x20000: tags (Cf), variation selectors
        category = unicodedata.category(chr(code))
        if category[0] == "M":
            marks.add(code)
        elif category in ("Cf", "Cc"):
            table[code] = None if category == "Cf" else " "
    table |= {0x200B: " "} | dict.fromkeys([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])  # the selectors
    starts = sorted(code for code in marks if code - 1 not in marks)
    ends = sorted(code for code in marks if code + 1 not in marks)
    return "".join(f"{_escape(start)}-{_escape(end)}" for start, end in zip(starts, ends)), table


def _escape(code):
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# Chinese and Japanese are written without spaces between words, so a run of their letters is a
# whole phrase that seldom recurs; like BERT's basic tokenizer, read each such character as a token.
# Thai, Lao, Myanmar and Khmer put no spaces between words either: each letter with its marks.
_CHARACTER_SCRIPTS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_GRAPHEME_SCRIPTS = r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_MARKS, _WITHOUT_INVISIBLE_CHARACTERS = _scan_unicode()
_WORD_CHARACTERS = rf"[^\W{_CHARACTER_SCRIPTS}{_GRAPHEME_SCRIPTS}]"
# A word runs on across combining marks; written as a run of plain word characters first, the
# pattern tokenises English half again as slowly as r"\w+|[^\w\s]" instead of three times.
WORDS_AND_PUNCTUATION = (
    rf"(?u){_WORD_CHARACTERS}+(?:[{_MARKS}]+{_WORD_CHARACTERS}*)*"
    rf"|[{_CHARACTER_SCRIPTS}]|[{_GRAPHEME_SCRIPTS}][{_MARKS}]*|[^\w\s]"
)


class SequenceOutputMixin:
    """For transformers whose output is sequences (a 3-D array, a list of arrays), which have no
    DataFrame form: scikit-learn's pandas or polars output
    (``set_config(transform_output="pandas")``, ``Pipeline.set_output``) leaves it as it is
    instead of failing. Declare the class with ``auto_wrap_output_keys=None`` as well."""

    def set_output(self, *, transform=None):
        """Accepted for Pipelines and ignored: the output stays arrays of sequences."""
        return self


class SequenceScaler(
    SequenceOutputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Standardise each feature over all valid (sequence, step) pairs.

    scikit-learn's ``StandardScaler`` rejects 3-D input; this one takes 3-D
    arrays, 2-D univariate sequences, ragged lists and NaN-padded arrays, and
    returns the same layout: a list stays a list (of the same lengths), NaN
    padding stays NaN.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each feature's mean.
    with_std : bool, default=True
        Divide by each feature's standard deviation.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    scale_ : ndarray of shape (n_features,)
        Standard deviation, with 1 for constant features.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,)
        The shared column names of sequences given as a list of DataFrames (strings only).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import SequenceScaler
    >>> X = [np.array([[1.0], [3.0]]), np.array([[5.0]])]
    >>> [x.ravel().tolist() for x in SequenceScaler().fit_transform(X)]
    [[-1.224744871391589, 0.0], [1.224744871391589]]
    """

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Compute each feature's mean and standard deviation over the valid steps."""
        padded, lengths = check_sequences(X, estimator_name=type(self).__name__)
        check_sequence_feature_names(self, X, reset=True)
        mean, scale = feature_moments(padded[step_mask(lengths, padded.shape[1])])
        self.mean_ = mean if self.with_mean else np.zeros(padded.shape[2])
        self.scale_ = scale if self.with_std else np.ones(padded.shape[2])
        self.n_features_in_ = padded.shape[2]
        return self

    def _apply(self, X, function):
        check_is_fitted(self, "mean_")
        X = cells_as_sequences(X)
        check_sequence_feature_names(self, X, reset=False)
        padded, lengths = check_sequences(
            X, n_features=self.n_features_in_, estimator_name=type(self).__name__
        )
        return _in_layout_of(X, function(padded), lengths)

    def transform(self, X):
        """Standardised copy of X, in X's layout."""
        return self._apply(X, lambda P: (P - self.mean_) / self.scale_)

    def inverse_transform(self, X):
        """Undo :meth:`transform`."""
        return self._apply(X, lambda P: P * self.scale_ + self.mean_)


def _in_layout_of(X, values, lengths):
    """Padded sequences ``values`` (n, T, K) of the given ``lengths`` in the layout of X: a list of
    the same lengths for a list (of 1-D arrays for univariate ones), a NaN-padded array otherwise
    (2-D for univariate sequences given as 2-D)."""
    if isinstance(X, (list, tuple)):
        squeeze = all(np.ndim(seq) == 1 for seq in X)
        return [values[i, :n, 0] if squeeze else values[i, :n] for i, n in enumerate(lengths)]
    values[~step_mask(lengths, values.shape[1])] = np.nan
    if np.asarray(X).ndim == 2:  # univariate sequences stay 2-D
        return values[:, :, 0]
    return values


def missing_inside(X):
    """Sequences X padded with NaN (n, T, K), their lengths (up to each one's last step with a value: NaN
    steps after it are padding) and where values inside them are missing (n, T, K)."""
    padded = pad_sequences(X)
    missing = np.isnan(padded)
    lengths = lengths_before_padding(missing) if padded.size else np.zeros(len(padded), dtype=np.int64)
    return padded, lengths, missing & step_mask(lengths, padded.shape[1])[:, :, None]


class SequenceImputer(
    SequenceOutputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Fill the missing values inside sequences along time.

    The estimators refuse NaN inside a sequence (only padding after its last
    step, every feature NaN, is read as its end); recordings and archive sets
    have gaps (the UCR archive's DodgerLoop sets mark them "?"). This fills
    each from its own sequence and feature: by linear interpolation between
    the nearest values before and after it, or with the last value before it
    (one before the first value takes that value); a feature with no value in
    a sequence takes its training mean. Padding stays padding, and X keeps
    its layout (a 3-D array, 2-D univariate sequences, a list).

    Parameters
    ----------
    method : {"linear", "previous"}, default="linear"
        "previous" carries the last value forward, reading no later step: for
        sequences that must be read as they arrive.

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
        Each feature's mean over the values of the training sequences.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,)
        The shared column names of sequences given as a list of DataFrames (strings only).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_alrnn import SequenceImputer
    >>> X = np.array([[1.0, np.nan, 4.0, np.nan], [np.nan, 2.0, np.nan, 8.0]])  # two univariate sequences
    >>> SequenceImputer().fit_transform(X)  # the first one's last NaN is padding: it ends there
    array([[1. , 2.5, 4. , nan],
           [2. , 2. , 5. , 8. ]])
    >>> SequenceImputer(method="previous").fit_transform(X)[1]
    array([2., 2., 2., 8.])
    """

    _parameter_constraints: dict = {"method": [StrOptions({"linear", "previous"})]}

    def __init__(self, *, method="linear"):
        self.method = method

    def fit(self, X, y=None):
        """Take each feature's mean over the values of the training sequences."""
        self._validate_params()
        X = cells_as_sequences(X)
        padded, lengths, _ = self._with_gaps(X, reset=True)
        values = padded[step_mask(lengths, padded.shape[1])]
        known = ~np.isnan(values)
        empty = np.flatnonzero(~known.any(axis=0))
        if empty.size:
            raise ValueError(f"Feature {empty[0]} has no value in any training sequence: there is nothing to fill "
                             "its missing values with.")
        self.statistics_ = np.array([feature_moments(column[seen, None])[0][0]
                                     for column, seen in zip(values.T, known.T)])
        return self

    def transform(self, X):
        """X with the missing values inside its sequences filled, in X's layout."""
        check_is_fitted(self, "statistics_")
        X = cells_as_sequences(X)
        padded, lengths, gaps = self._with_gaps(X, reset=False)
        filled = padded.copy()
        for i, feature in zip(*np.nonzero(gaps.any(axis=1))):
            column = filled[i, : lengths[i], feature]  # a view: filled in place
            known = ~np.isnan(column)
            steps = np.arange(len(column))
            if not known.any():
                column[:] = self.statistics_[feature]
            elif self.method == "linear":
                column[~known] = np.interp(steps[~known], steps[known], column[known])
            else:
                last_known = np.maximum.accumulate(np.where(known, steps, -1))
                column[:] = column[np.where(last_known >= 0, last_known, np.argmax(known))]
        return _in_layout_of(X, filled, lengths)

    def _with_gaps(self, X, reset):
        """:func:`missing_inside` of X, checked as the estimators check X, but for those values."""
        check_sequence_feature_names(self, X, reset=reset)
        padded, lengths, gaps = missing_inside(X)
        check_sequences(np.where(gaps, 0.0, padded), n_features=None if reset else self.n_features_in_,
                        estimator_name=type(self).__name__)
        if reset:
            self.n_features_in_ = padded.shape[2]
        return padded, lengths, gaps

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class SequenceTokenizer(SequenceOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Raw texts to sequences of token ids, which the estimators read as words.

    ``fit`` learns a vocabulary from the training texts; ``transform`` turns each
    text into a 1-D int64 array of ids, in reading order (unlike a bag of words,
    order is kept). Id 0 is the unknown token: words outside the vocabulary, and
    the single step of a text with no token at all (so that every text is a
    sequence of at least one step). Texts are put in Unicode's NFKC form first,
    so that a word is one token however its letters were encoded (an accent
    composed with its letter or combining after it, full-width or ordinary
    letters and digits), and lose the characters of no word (format
    characters such as a byte-order mark, soft hyphens and zero-width
    joiners; a zero-width space or a control character separates words). A
    text may also come split into its tokens already (a list of str, as
    corpora such as NLTK's give them): they are used as they are, in the same
    normal form and lowercased with ``lowercase``, without ``token_pattern``.

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase the texts before tokenising.
    token_pattern : str, default=WORDS_AND_PUNCTUATION
        Regular expression of a token. The default reads words (runs of
        letters, digits and underscores, with their combining marks: the vowel
        signs of Indic scripts, which Python's ``\\w`` leaves out) and single
        punctuation marks, which carry sentiment and sentence structure ("not
        good ." vs "not , good"); each Chinese character and Japanese kana
        alone, as BERT's tokenizer does, and each Thai, Lao, Myanmar or Khmer
        letter with its marks: those scripts put no spaces between words, so a
        run of them is a phrase that seldom recurs. For other text without
        spaces (DNA or protein sequences) ``r"\\S"`` reads each character; or
        pass each text split into its tokens. With one capturing group, the
        group's text is the token.
    max_tokens : int or None, default=None
        Largest vocabulary, the unknown token included: the most frequent
        tokens are kept (ties broken alphabetically).
    min_df : int or float, default=1
        Tokens in fewer texts than this (a count, or a share of the texts when a
        float in (0, 1]) become unknown.
    encoding : str, default="utf-8"
        How texts given as bytes are decoded (``sklearn.datasets.load_files``
        reads files as bytes), as in scikit-learn's ``CountVectorizer``.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What bytes that do not decode do: "strict" raises a ``ValueError``
        naming the text.
    preprocessor : callable or None, default=None
        Applied to each raw text (decoded, before its normal form and
        ``lowercase``), e.g. to remove HTML markup: str -> str.
    tokenizer : callable or None, default=None
        Splits each text, in its normal form and lowercased with
        ``lowercase``, into its tokens instead of ``token_pattern``: str ->
        list of str, e.g. a word segmenter for Chinese (``jieba.lcut``) or
        NLTK's ``word_tokenize``, as ``CountVectorizer``'s ``tokenizer``.
    vocabulary : dict of str -> int, sequence of str, or None, default=None
        A fixed vocabulary instead of one learnt from the texts, such as that
        of a token model trained elsewhere (``ALRNNClassifier.from_parameters``
        with ``input_type="tokens"``, whose C has a column per id): token ->
        id (a dict, or a pandas Series indexed by token), or the tokens in the
        order of their ids. The ids are 0 .. V-1,
        and id 0 is the unknown token, whatever its name ("<unk>",
        "[UNK]"). Its tokens are put in the texts' normal form (and
        lowercased with ``lowercase``) so that they match them; ``min_df``
        and ``max_tokens`` are not used.

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Token -> id; ``"<unk>"`` is 0, then by decreasing frequency (or as
        ``vocabulary`` gives them).
    n_tokens_ : int
        Vocabulary size (the largest id + 1).

    Examples
    --------
    >>> from sklearn_alrnn import SequenceTokenizer
    >>> tokenizer = SequenceTokenizer().fit(["a good film", "a bad film !"])
    >>> [ids.tolist() for ids in tokenizer.transform(["a good day"])]
    [[1, 5, 0]]
    """

    UNKNOWN = "<unk>"

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "max_tokens": [Interval(Integral, 2, None, closed="left"), None],
        "min_df": [Interval(Integral, 1, None, closed="left"), Interval(Real, 0, 1, closed="right")],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
        "preprocessor": [callable, None],
        "tokenizer": [callable, None],
        "vocabulary": [dict, "array-like", None],
    }

    def __init__(
        self, *, lowercase=True, token_pattern=WORDS_AND_PUNCTUATION, max_tokens=None, min_df=1, encoding="utf-8",
        decode_error="strict", preprocessor=None, tokenizer=None, vocabulary=None,
    ):
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.max_tokens = max_tokens
        self.min_df = min_df
        self.encoding = encoding
        self.decode_error = decode_error
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary

    def _tokens(self, texts):
        if isinstance(texts, str) or not hasattr(texts, "__iter__"):
            raise TypeError(
                f"{type(self).__name__} takes an iterable of texts (a list of str); got {type(texts).__name__}."
            )
        texts = self._text_column(texts)
        pattern = re.compile(self.token_pattern)
        documents = []
        for i, text in enumerate(texts):
            if isinstance(text, bytes):
                text = self._decoded(text, i)
            kind = type(text).__name__
            if (isinstance(text, np.ndarray) and text.ndim == 1) or hasattr(text, "to_list"):
                text = list(text)  # tokens as an array or a Series: a list column read from Parquet, or polars'
            if isinstance(text, str):
                documents.append(self._split(pattern, self._preprocessed(text, i), i))
            elif isinstance(text, (list, tuple)) and all(isinstance(token, str) for token in text):
                documents.append([self._normal_form(token) for token in text])
            elif is_missing(text):
                raise ValueError(f"Text {i} is missing ({text!r}); fill missing texts (e.g. with \"\") or drop them.")
            else:
                raise TypeError(f"Text {i} is a {kind}, not a str (or a list of str tokens).")
        return documents

    def _preprocessed(self, text, i):
        if self.preprocessor is None:
            return text
        text = self.preprocessor(text)
        if not isinstance(text, str):
            raise TypeError(f"preprocessor returned a {type(text).__name__} for text {i}; it must return a str.")
        return text

    def _split(self, pattern, text, i):
        text = self._normal_form(text)
        if self.tokenizer is None:
            return pattern.findall(text)
        tokens = self.tokenizer(text)
        if isinstance(tokens, str) or not hasattr(tokens, "__iter__"):
            raise TypeError(f"tokenizer returned a {type(tokens).__name__} for text {i}; it must return a list of str.")
        tokens = list(tokens)  # a generator too
        if not all(isinstance(token, str) for token in tokens):
            raise TypeError(f"tokenizer returned {tokens!r:.80} for text {i}; it must return a list of str.")
        return tokens

    def _decoded(self, text, i):
        try:
            return text.decode(self.encoding, self.decode_error)
        except LookupError:
            raise ValueError(f"encoding={self.encoding!r} is not an encoding Python knows.") from None
        except UnicodeDecodeError as error:
            raise ValueError(
                f"Text {i} is bytes that are not {self.encoding} ({error.reason} at byte {error.start}); pass the "
                "texts' encoding (e.g. encoding='latin-1'), or decode_error='replace'."
            ) from None

    def _normal_form(self, text):
        """Unicode's NFKC form, so that one word is one token however its letters were encoded: an
        accent composed with its letter or combining after it, full-width and ordinary Latin letters
        and digits (as Chinese and Japanese text mixes them), half-width and full-width kana; without
        the characters of no word (``_scan_unicode``: "❤️" is "❤" drawn as an emoji,
        "\ufeffgood" from a file with a byte-order mark is "good")."""
        text = unicodedata.normalize("NFKC", text).translate(_WITHOUT_INVISIBLE_CHARACTERS)
        return text.lower() if self.lowercase else text

    def _text_column(self, texts):
        """The texts of a one-column table (a DataFrame or 2-D array, such as ``df[["text"]]``),
        which iterating would otherwise read as its column names or rows."""
        n_dimensions = getattr(texts, "ndim", len(getattr(texts, "shape", ())) or 1)  # polars' frames have no ndim
        if n_dimensions == 1:
            return texts
        if n_dimensions == 2 and texts.shape[1] == 1:
            return texts.iloc[:, 0] if hasattr(texts, "iloc") else np.asarray(texts)[:, 0]
        raise ValueError(
            f"{type(self).__name__} reads one column of texts; got a {n_dimensions}-D input of shape "
            f"{tuple(texts.shape)}. Pass the text column alone: df['text'], or in a pipeline that is given the "
            "table, FunctionTransformer(operator.itemgetter('text')) before it (a ColumnTransformer cannot hold "
            "it: its output is a sequence per text, not columns)."
        )

    def fit(self, X, y=None):
        """Learn the vocabulary of the texts X (an iterable of str, or a table of one text column)."""
        self._fit_documents(self._checked_tokens(X))
        return self

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, reading the texts once (so a generator of texts is read whole)."""
        documents = self._checked_tokens(X)
        self._fit_documents(documents)
        return self._ids(documents)

    def _checked_tokens(self, X):
        self._validate_params()
        try:
            pattern = re.compile(self.token_pattern)
        except re.error as error:
            raise ValueError(f"token_pattern={self.token_pattern!r} is not a regular expression: {error}") from None
        if pattern.fullmatch(""):
            raise ValueError(
                f"token_pattern={self.token_pattern!r} matches the empty string, which would make a token of every "
                "gap between characters; make it match at least one character (r'\\w+', not r'\\w*')."
            )
        groups = pattern.groups
        if groups > 1:  # findall would give tuples of the groups for tokens
            raise ValueError(
                f"token_pattern={self.token_pattern!r} has {groups} capturing groups; at most one (its text is the "
                "token), as in CountVectorizer: make the others non-capturing, (?:...)."
            )
        return self._tokens(X)

    def _fit_documents(self, documents):
        if self.vocabulary is not None:
            self.vocabulary_ = self._given_vocabulary()
            self.n_tokens_ = len(self.vocabulary_)
            unknown = next(token for token, i in self.vocabulary_.items() if i == 0)
            holding = sum(unknown in document for document in documents)
            if holding and not re.fullmatch(r"<.*>|\[.*\]|.*unk.*", unknown, re.IGNORECASE):  # a marker ("<unk>")
                warn_user(f"vocabulary's id 0 is the unknown token, here {unknown!r}, which {holding} of the "
                          f"texts hold as a word: it reads as unknown there. If {unknown!r} is a word, put the "
                          "unknown token first (e.g. ['<unk>', ...]).")
            return
        if not documents:
            raise ValueError("SequenceTokenizer needs at least one text to fit.")
        counts = Counter(token for document in documents for token in document)
        in_documents = Counter(token for document in documents for token in set(document))
        self._warn_of_texts_read_whole(documents, in_documents)
        min_documents = self.min_df if isinstance(self.min_df, Integral) else self.min_df * len(documents)
        kept = sorted((t for t in counts if in_documents[t] >= min_documents and t != self.UNKNOWN),
                      key=lambda t: (-counts[t], t))
        if self.max_tokens is not None:
            kept = kept[: self.max_tokens - 1]
        self.vocabulary_ = {self.UNKNOWN: 0, **{token: i + 1 for i, token in enumerate(kept)}}
        self.n_tokens_ = len(self.vocabulary_)

    def _given_vocabulary(self):
        """``vocabulary`` as token -> id, its tokens in the texts' normal form, its ids checked."""
        given = self.vocabulary
        if hasattr(given, "index") and hasattr(given, "items") and all(isinstance(k, str) for k in given.index):
            given = dict(given.items())  # a pandas Series of ids by token, as read from a vocabulary file
        if not isinstance(given, dict):
            ids = {}
            for i, token in enumerate(given):
                if token in ids:
                    raise ValueError(f"vocabulary lists {token!r} more than once (at {ids[token]} and {i}); each token "
                                     "needs one id.")
                ids[token] = i
            given = ids
        if not given:
            raise ValueError("vocabulary is empty; it needs the unknown token (id 0) at least.")
        strange = [token for token in given if not isinstance(token, str)]
        if strange:
            raise TypeError(f"vocabulary's tokens must be str; got {strange[0]!r} ({type(strange[0]).__name__}).")
        ids = sorted(given.values()) if all(isinstance(i, Integral) for i in given.values()) else None
        if ids != list(range(len(given))):
            raise ValueError(
                f"vocabulary's ids must be the integers 0 .. {len(given) - 1}, each once (0 the unknown token); "
                f"got {list(given.values())[:5]}{' ...' if len(given) > 5 else ''}. Words numbered from 1 leave id 0 "
                "to the unknown token: add it, e.g. {'<unk>': 0, ...}."
            )
        vocabulary, originals = {}, {}
        for token, i in given.items():
            normal = self._normal_form(token)
            if normal in vocabulary:
                raise ValueError(
                    f"vocabulary's tokens {token!r} and {originals[normal]!r} are one token, {normal!r}, in the "
                    f"texts' normal form (lowercase={self.lowercase})."
                )
            vocabulary[normal], originals[normal] = int(i), token
        return vocabulary

    def _warn_of_texts_read_whole(self, documents, in_documents):
        """Text without spaces or punctuation (DNA, protein sequences) is one token per text, each in
        that text alone: a vocabulary of the training texts themselves, from which nothing carries
        over to new ones. Ten texts or more, so that a handful of distinct one-word texts passes."""
        read_whole = [document[0] for document in documents if len(document) == 1 and in_documents[document[0]] == 1]
        if self.tokenizer is None and len(documents) >= 10 and len(read_whole) > len(documents) / 2:
            example = read_whole[0]
            warn_user(
                f"{len(read_whole)} of the {len(documents)} texts are each one token that no other text "
                f"holds (such as {example[:20]!r}{'...' if len(example) > 20 else ''}): text without spaces is "
                "one token under token_pattern, and such a vocabulary says nothing of new texts. To read each "
                "character as a token, pass token_pattern=r'\\S' (or each text as a list of its tokens)."
            )

    def transform(self, X):
        """Each text as a 1-D int64 array of ids (unknown words -> 0; an empty text -> [0]), in a 1-D
        object array that estimators with ``input_type="auto"`` (their default) read as token ids,
        as they do the parts of it that scikit-learn's splitters index out; its ``n_tokens``, the
        vocabulary's size, is their first fit's ``n_tokens_``, even where the part holds fewer ids."""
        check_is_fitted(self, "vocabulary_")
        return self._ids(self._tokens(X))

    def _ids(self, documents):
        vocabulary = self.vocabulary_
        return TokenSequences([
            np.array([vocabulary.get(token, 0) for token in document] or [0], dtype=np.int64)
            for document in documents
        ], n_tokens=self.n_tokens_)

    def inverse_transform(self, X):
        """Id sequences back to lists of tokens (``"<unk>"`` for id 0); the padding -1 of a 2-D id
        array ends its row."""
        names = self.get_feature_names_out()
        if hasattr(X, "__len__") and len(X) == 0:  # transform([]) gives no sequences
            return []
        ids, lengths = check_tokens(X, estimator_name=type(self).__name__)  # integers (1.5 was read as 1)
        if (ids >= len(names)).any():
            sequence = np.argwhere(ids >= len(names))[0, 0]
            raise ValueError(
                f"Sequence {sequence} holds ids outside the vocabulary's 0..{len(names) - 1} (first: "
                f"{ids[sequence][ids[sequence] >= len(names)][0]}); were they made by another tokenizer?"
            )
        return [names[row[:length]].tolist() for row, length in zip(ids, lengths)]

    def get_feature_names_out(self, input_features=None):
        """The vocabulary's tokens, indexed by id."""
        check_is_fitted(self, "vocabulary_")
        names = np.empty(self.n_tokens_, dtype=object)
        for token, index in self.vocabulary_.items():
            names[index] = token
        return names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
