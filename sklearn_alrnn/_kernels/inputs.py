"""The input term ``C s_t`` of a step, for dense inputs and for token ids.

Dense X is ``(n, T, K)`` and the term is a product (``_tiles.add_product``).
Token X is ``(n, T)`` int64 ids, -1 beyond each sequence's length: ``s_t`` is
the one-hot vector of the id, so the term is one column of C (an embedding),
O(M) per step instead of O(M K), and the gradient of C is a scatter-add of the
states' gradients into the columns of the ids read. Which of the two a kernel
runs is decided when Numba compiles it, from X's number of dimensions.
"""

import numpy as np
from numba.extending import overload

from ._cache import cached_njit
from ._tiles import add_product


def add_input(X, t, CT, out):
    """``out[b] += C s_{b,t}`` for the sequences of a chunk; ``CT`` is C transposed, (K, M) or (V, M)."""
    if X.ndim == 3:
        add_product(X[:, t], CT, out)
        return
    tokens = X[:, t]
    read = tokens >= 0
    out[read] += CT[tokens[read]]


@overload(add_input, jit_options={"cache": True})
def _add_input_compiled(X, t, CT, out):
    if X.ndim == 3:

        def dense(X, t, CT, out):
            add_product(X[:, t], CT, out)

        return dense

    def embedding(X, t, CT, out):
        for b in range(X.shape[0]):
            token = X[b, t]
            if token >= 0:
                for m in range(out.shape[1]):
                    out[b, m] += CT[token, m]

    return embedding


@cached_njit(nogil=True)
def add_token_gradients(X, G, grad_C):
    """``grad_C[:, v] += sum of G[b, t + 1]`` over the steps (b, t) that read token v.

    ``G`` (n, T + 1, M) holds the total gradients of the states; the sum runs in
    the order of the sequences and steps, whatever the threads of the forward pass,
    and touches only the columns read (no pass over the whole vocabulary).
    """
    for b in range(X.shape[0]):
        for t in range(X.shape[1]):
            token = X[b, t]
            if token >= 0:
                for m in range(grad_C.shape[0]):
                    grad_C[m, token] += G[b, t + 1, m]


def one_hot_inputs(X, n_tokens, dtype):
    """Token ids (n, T) as dense one-hot inputs (n, T, n_tokens), zero rows for -1: for engines
    without an embedding path (the reference and CUDA engines), exact but O(M V) per step."""
    dense = np.zeros((*X.shape, n_tokens), dtype=dtype)
    rows, steps = np.nonzero(X >= 0)
    dense[rows, steps, X[rows, steps]] = 1
    return dense
