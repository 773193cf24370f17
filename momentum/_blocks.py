"""Large in-place updates, block by block, on shared threads.

An optimizer's update is a few NumPy operations over whole arrays. On a vector of
10⁷ elements each operation streams every array through memory again; done over blocks
of :data:`BLOCK` consecutive elements (1 MiB per float64 array), the operands of all
the operations stay in cache, so each array crosses the memory bus about once per
step. Blocks are shared by a few threads (NumPy releases the GIL inside its loops), and
every element is computed exactly as in one pass over the whole arrays.
``benchmarks/large_vectors.py`` measures both choices.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
from collections.abc import Callable

import numpy as np

#: Elements per block (1 MiB per float64 array).
BLOCK = 1 << 17
#: Threads that share the blocks (memory bandwidth saturates at a few).
THREADS = min(4, os.cpu_count() or 1)


def blockwise(function: Callable[..., None], *arrays: np.ndarray, whole: bool = False,
              block: int = BLOCK) -> None:
    """Call ``function`` on matching blocks of ``block`` consecutive elements of
    ``arrays`` (all of one shape), or once on the whole arrays when ``whole`` is set
    (for example when hyperparameter arrays must broadcast against the whole), when an
    array is not contiguous or when it fits in one block.

    From four blocks per thread on, :data:`THREADS` threads share the blocks; where no
    thread can be started (at interpreter exit) the blocks run in this thread.
    """
    if whole or arrays[0].size <= block or not all(array.flags.c_contiguous for array in arrays):
        function(*arrays)
        return
    flat = [array.reshape(-1) for array in arrays]

    def run_blocks(starts: range) -> None:
        for start in starts:
            function(*(array[start:start + block] for array in flat))

    starts = range(0, flat[0].size, block)
    if THREADS == 1 or len(starts) < 4 * THREADS:  # too little work to pay for the hand-over
        run_blocks(starts)
        return
    futures = []
    for i in range(THREADS):
        try:
            futures.append(_thread_pool().submit(run_blocks, starts[i::THREADS]))
        except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
            run_blocks(starts[i::THREADS])
    for future in futures:
        future.result()


@functools.cache
def _thread_pool() -> concurrent.futures.ThreadPoolExecutor:
    """The threads of large in-place steps, started on first use."""
    return concurrent.futures.ThreadPoolExecutor(THREADS, thread_name_prefix="momentum")


# A forked child has the pool object but not its threads: it starts its own.
os.register_at_fork(after_in_child=_thread_pool.cache_clear)
