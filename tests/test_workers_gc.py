"""`fewer_collections` (cc issue, cc verify): collections rarer while a batch runs, everything restored after."""

from __future__ import annotations

import gc

import pytest

from cc_cli.core.workers import fewer_collections


def test_collections_are_rarer_inside_and_restored_after_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] >= 50_000
        assert gc.get_freeze_count() > 0  # what lived before is out of the collector's walks
        raise RuntimeError("the batch failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
