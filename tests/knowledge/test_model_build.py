"""Two builds of the same knowledge base give the same model (the bench's figures reproduce)."""

from __future__ import annotations

import numpy as np

from knowledge import KnowledgeBase
from knowledge.training import build_models, clear_cache


def test_training_twice_gives_the_same_model(kb: KnowledgeBase) -> None:
    first = build_models(kb).intent
    clear_cache()
    second = build_models(kb).intent
    assert first is not second
    assert first.classes == second.classes
    assert np.array_equal(first._coef_t, second._coef_t)
    assert first.temperature == second.temperature
