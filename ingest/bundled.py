"""Where the ontology and shapes files are: the source tree (a checkout or an editable install),
else the copy a regular install puts in <prefix>/share/casegraph/ (see pyproject data-files).
Kept free of heavy imports: the server and the validator both ask."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """ontology/ or shapes/."""
    for candidate in (ROOT / name, Path(sys.prefix) / "share" / "casegraph" / name):
        if any(candidate.glob("*.ttl")):
            return candidate
    return ROOT / name


ONTOLOGY_DIR = data_dir("ontology")
SHAPES_DIR = data_dir("shapes")
