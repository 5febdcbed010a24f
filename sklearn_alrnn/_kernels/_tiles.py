"""``out += coef @ rows`` with register tiles, the product at the heart of every time step.

Each step multiplies a block of sequences' states (or gradients) by an M x M
matrix. Written as Numba loops, the compiler keeps nothing in registers across
the sum, because it cannot prove that ``out`` does not overlap ``coef`` or
``rows``: every multiply-add then costs a load and a store. Here the tile
``out[b:b + mr, m:m + width]`` is built as LLVM IR (a Numba intrinsic) that
holds its ``mr x width`` partial sums in vector registers for the whole sum
over ``r``, as the micro-kernels of BLAS libraries do, and reads each row of
``rows`` once per tile.

Every element is computed the same way whatever tile it falls in:
``acc = out[b, m]``, then ``acc = acc + rows[r, m] * coef[b, r]`` for
``r = 0, 1, ...`` in order, with separate IEEE multiplies and adds (no fused
multiply-add, no reassociation). Results therefore do not depend on the tile
shapes, the vector width of the machine, the number of sequences in a call or
the number of threads. Tiles whose coefficients are all zero (finished
sequences) are skipped: adding exact zeros would change nothing but a zero's
sign. A test per term and tile cost a fifth of the speed, so ReLU units that
are off are multiplied like the others.

For developers: ``add_product`` is inlined into the kernels of ``cpu.py``, and
Numba's on-disk cache only notices edits to the file a cached function lives
in. After editing this file, delete ``sklearn_alrnn/_kernels/__pycache__``
(or the ``NUMBA_CACHE_DIR``) so that those kernels compile again.
"""

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils, config
from numba.core.errors import TypingError
from numba.extending import intrinsic

from ._cache import cached_njit


def _vector_bytes():
    """Register width of the CPU Numba compiles for: 64 (AVX-512), 32 (AVX) or 16 bytes."""
    if config.CPU_NAME and config.CPU_NAME != "host":
        return 16  # a portable target (NUMBA_CPU_NAME, e.g. "generic"): assume SSE2 / NEON
    try:
        features = llvm.get_host_cpu_features()
    except RuntimeError:  # LLVM cannot read them on some platforms
        return 16
    if features.get("avx512f", False):
        return 64
    if features.get("avx", False):
        return 32
    return 16


#: Bytes per vector register; a tile is MR sequences x two registers wide.
VECTOR_BYTES = _vector_bytes()
#: Sequences per tile: 2 * MR accumulators plus two rows and a broadcast fit in
#: the 16 registers of AVX2 (and leave room in AVX-512's 32).
MR = 6
#: Bytes of ``rows`` that one block of terms reads (half an L1 data cache).
BLOCK_BYTES = 24 * 1024


def _tile_codegen(mr, n_vectors, lanes, every_height):
    """IR for out[b:b+k, m0:m0+n_vectors*lanes] += coef[b:b+k, r_start:r_stop] @ rows[r_start:r_stop, m0:...].

    k = n_rows <= mr; ``every_height`` compiles a register tile for each k < mr.
    """

    def codegen(context, builder, signature, args):
        coef_type, rows_type, out_type = signature.args[:3]
        coef_value, rows_value, out_value, b, m0, n_rows, r_start, r_stop = args
        coef = context.make_array(coef_type)(context, builder, coef_value)
        rows = context.make_array(rows_type)(context, builder, rows_value)
        out = context.make_array(out_type)(context, builder, out_value)
        element = context.get_value_type(out_type.dtype)
        vector = element if lanes == 1 else ir.VectorType(element, lanes)
        intp = context.get_value_type(types.intp)
        byte_pointer = ir.IntType(8).as_pointer()
        itemsize = context.get_abi_sizeof(element)

        coef_row_stride, coef_col_stride = cgutils.unpack_tuple(builder, coef.strides, 2)
        rows_row_stride = cgutils.unpack_tuple(builder, rows.strides, 2)[0]
        out_row_stride = cgutils.unpack_tuple(builder, out.strides, 2)[0]
        coef_base = builder.bitcast(coef.data, byte_pointer)
        rows_base = builder.bitcast(rows.data, byte_pointer)
        out_base = builder.bitcast(out.data, byte_pointer)

        def constant(k):
            return ir.Constant(intp, k)

        def load(base, offset, typ):
            pointer = builder.bitcast(builder.gep(base, [offset]), typ.as_pointer())
            return builder.load(pointer, align=itemsize)

        def store(value, base, offset):
            pointer = builder.bitcast(builder.gep(base, [offset]), vector.as_pointer())
            builder.store(value, pointer, align=itemsize)

        def broadcast(c):
            if lanes == 1:
                return c
            first = builder.insert_element(ir.Constant(vector, ir.Undefined), c, ir.Constant(ir.IntType(32), 0))
            zeros = ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes)
            return builder.shuffle_vector(first, ir.Constant(vector, ir.Undefined), zeros)

        column_offsets = [
            builder.mul(builder.add(m0, constant(v * lanes)), constant(itemsize)) for v in range(n_vectors)
        ]

        def emit_tile(first_row, k):
            """Accumulate rows first_row .. first_row + k - 1 in 2-D lists of registers."""
            out_rows = [builder.mul(builder.add(first_row, constant(i)), out_row_stride) for i in range(k)]
            coef_rows = [builder.mul(builder.add(first_row, constant(i)), coef_row_stride) for i in range(k)]
            initial = [
                [load(out_base, builder.add(out_rows[i], column_offsets[v]), vector) for v in range(n_vectors)]
                for i in range(k)
            ]
            entry = builder.basic_block
            header = builder.append_basic_block("tile.header")
            body = builder.append_basic_block("tile.body")
            done = builder.append_basic_block("tile.done")
            builder.branch(header)

            builder.position_at_end(header)
            r = builder.phi(intp)
            r.add_incoming(r_start, entry)
            acc = [[builder.phi(vector) for _ in range(n_vectors)] for _ in range(k)]
            for i in range(k):
                for v in range(n_vectors):
                    acc[i][v].add_incoming(initial[i][v], entry)
            builder.cbranch(builder.icmp_signed("<", r, r_stop), body, done)

            builder.position_at_end(body)
            coef_offset = builder.mul(r, coef_col_stride)
            rows_offset = builder.mul(r, rows_row_stride)
            row = [load(rows_base, builder.add(rows_offset, column_offsets[v]), vector) for v in range(n_vectors)]
            for i in range(k):
                c = broadcast(load(coef_base, builder.add(coef_rows[i], coef_offset), element))
                for v in range(n_vectors):
                    acc[i][v].add_incoming(builder.fadd(acc[i][v], builder.fmul(row[v], c)), body)
            r.add_incoming(builder.add(r, constant(1)), body)
            builder.branch(header)

            builder.position_at_end(done)
            for i in range(k):
                for v in range(n_vectors):
                    store(acc[i][v], out_base, builder.add(out_rows[i], column_offsets[v]))

        if every_height:
            # A last tile of k < mr sequences stays in registers too.
            merge = builder.append_basic_block("tile.merge")
            switch = builder.switch(n_rows, merge)
            for k in range(1, mr + 1):
                case = builder.append_basic_block(f"tile.rows{k}")
                switch.add_case(constant(k), case)
                builder.position_at_end(case)
                emit_tile(b, k)
                builder.branch(merge)
            builder.position_at_end(merge)
        else:
            # Less code to compile for the narrow remainder columns: a last, short
            # tile runs one sequence at a time.
            with builder.if_else(builder.icmp_signed("==", n_rows, constant(mr)), likely=True) as (whole, short):
                with whole:
                    emit_tile(b, mr)
                with short:
                    with cgutils.for_range(builder, n_rows) as loop:
                        emit_tile(builder.add(b, loop.index), 1)
        return context.get_dummy_value()

    return codegen


def _lanes(dtype):
    """Elements of ``dtype`` per vector register."""
    return VECTOR_BYTES * 8 // dtype.bitwidth


@intrinsic
def _vector_lanes(typingctx, array):
    """``_lanes`` of the array's dtype as a compile-time constant, so that the
    column bounds of ``add_product`` fold instead of dividing at every call."""
    lanes = _lanes(array.dtype)

    def codegen(context, builder, signature, args):
        return context.get_constant(types.intp, lanes)

    return types.intp(array), codegen


def _make_tile(n_vectors, lanes_divisor, every_height=False):
    """Intrinsic ``tile(coef, rows, out, b, m0, n_rows, r_start, r_stop)``: n_vectors registers of
    VECTOR_BYTES / itemsize / lanes_divisor elements (``lanes_divisor=0``: one scalar)."""

    @intrinsic
    def tile(typingctx, coef, rows, out, b, m0, n_rows, r_start, r_stop):
        for name, array in (("rows", rows), ("out", out)):
            if not (isinstance(array, types.Array) and array.ndim == 2):
                raise TypingError(f"{name} must be a 2-D array, got {array}")
        if not (isinstance(coef, types.Array) and coef.ndim == 2 and coef.dtype == out.dtype == rows.dtype):
            raise TypingError(f"coef must be a 2-D array of {out.dtype}, got {coef}")
        lanes = 1 if lanes_divisor == 0 else max(1, _lanes(out.dtype) // lanes_divisor)
        signature = types.void(coef, rows, out, *([types.intp] * 5))
        return signature, _tile_codegen(MR, n_vectors, lanes, every_height)

    return tile


_tile_wide = _make_tile(2, 1, every_height=True)
_tile_full = _make_tile(1, 1)
_tile_half = _make_tile(1, 2)
_tile_quarter = _make_tile(1, 4)
_tile_scalar = _make_tile(1, 0)


@cached_njit(nogil=True)
def _all_zero(coef, b, n_rows, r_start, r_stop):
    """Whether coef[b:b + n_rows, r_start:r_stop] is all zero; stops at the first nonzero."""
    for i in range(b, b + n_rows):
        for r in range(r_start, r_stop):
            if coef[i, r] != 0.0:
                return False
    return True


@cached_njit(nogil=True, inline="always")
def add_product(coef, rows, out):
    """out += coef @ rows for coef (n, R), rows (R, M) and out (n, M).

    ``rows`` and ``out`` must have contiguous rows (column slices are fine);
    ``coef`` may have any strides. Sums run over r in order for every element
    (see the module docstring), so results are identical however the rows of
    ``out`` are split across calls.
    """
    n, R = coef.shape
    M = rows.shape[1]
    if rows.shape[0] != R or out.shape[0] != n or out.shape[1] != M:
        raise ValueError("add_product needs coef (n, R), rows (R, M) and out (n, M)")
    if M > 1 and (rows.strides[1] != rows.itemsize or out.strides[1] != out.itemsize):
        raise ValueError("add_product needs rows and out with contiguous rows")
    lanes = _vector_lanes(out)
    half = max(1, lanes // 2)
    quarter = max(1, lanes // 4)
    # Terms in blocks whose rows stay in the L1 cache while every tile reads them;
    # a tile stores its sums between blocks, which leaves the order of the sum as
    # it was. Small products (every time step) take one block, without a division.
    row_bytes = M * out.itemsize
    r_block = R if R * row_bytes <= BLOCK_BYTES else max(8, BLOCK_BYTES // row_bytes)
    for r_start in range(0, R, r_block):
        r_stop = min(R, r_start + r_block)
        for b in range(0, n, MR):
            n_rows = min(MR, n - b)
            if _all_zero(coef, b, n_rows, r_start, r_stop):
                continue
            m0 = 0
            while m0 + 2 * lanes <= M:
                _tile_wide(coef, rows, out, b, m0, n_rows, r_start, r_stop)
                m0 += 2 * lanes
            if m0 + lanes <= M:
                _tile_full(coef, rows, out, b, m0, n_rows, r_start, r_stop)
                m0 += lanes
            if m0 + half <= M:
                _tile_half(coef, rows, out, b, m0, n_rows, r_start, r_stop)
                m0 += half
            if m0 + quarter <= M:
                _tile_quarter(coef, rows, out, b, m0, n_rows, r_start, r_stop)
                m0 += quarter
            while m0 < M:
                _tile_scalar(coef, rows, out, b, m0, n_rows, r_start, r_stop)
                m0 += 1


if config.DISABLE_JIT:  # pure-Python runs (NUMBA_DISABLE_JIT=1, e.g. coverage): intrinsics cannot run there

    def add_product(coef, rows, out):  # noqa: F811
        """The same sums in the same order, with NumPy."""
        for r in range(coef.shape[1]):
            out += rows[r][None, :] * coef[:, r][:, None]
