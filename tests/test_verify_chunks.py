"""How `cc verify` cuts its files into pool tasks (verify/run.py `guided_chunks`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cc_cli.core.workers import guided_chunks
from cc_cli.verify.run import CHUNK_LEAST, CHUNK_MOST


@given(st.integers(min_value=0, max_value=30_000), st.integers(min_value=1, max_value=8))
def test_every_file_is_in_one_task_in_input_order(count: int, workers: int) -> None:
    paths = [f"awards/{n}.json" for n in range(count)]
    chunks = guided_chunks(paths, workers, CHUNK_MOST, CHUNK_LEAST)
    assert [path for chunk in chunks for path in chunk] == paths
    assert all(0 < len(chunk) <= CHUNK_MOST for chunk in chunks)


def test_tasks_shrink_towards_the_end_of_a_large_run() -> None:
    """The last tasks are small, so that no worker is left alone on a large one while the other idles."""
    sizes = [len(chunk) for chunk in guided_chunks([str(n) for n in range(20_000)], 2, CHUNK_MOST, CHUNK_LEAST)]
    assert sizes[0] == CHUNK_MOST
    assert sizes == sorted(sizes, reverse=True)  # they never grow
    assert max(sizes[-4:]) <= CHUNK_LEAST
    assert len(sizes) < 20_000 // CHUNK_LEAST  # large tasks first: not every task is a small one
