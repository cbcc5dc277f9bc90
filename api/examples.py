"""The /query page's example queries: api/examples/*.rq, each opening with a header

    # title: Every defender charged under a given article
    # description: one or more sentences saying what it answers

followed by the SPARQL. A file that opens with a plain comment block instead takes its first
phrase (up to a colon or full stop) as the title and the whole block as the description. The
file name (without .rq) is the example's id; files sort by it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).parent / "examples"
_HEADER = re.compile(r"^#\s*(title|description)\s*:\s*(.+?)\s*$")


class ExampleError(ValueError):
    """An example file without its header; the message names the file."""


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    description: str
    query: str


def parse(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    comments: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            header[m.group(1)] = m.group(2)
        else:
            comments.append(line.lstrip("#").strip())
    block = " ".join(c for c in comments if c)
    if "title" not in header and block:
        header["title"] = re.split(r"[:.]\s", block + " ", maxsplit=1)[0].strip()
        header.setdefault("description", block)
    if "title" not in header:
        raise ExampleError(f"{path}: an example query must open with '# title: ...' and '# description: ...' lines")
    return Example(path.stem, header["title"], header.get("description", ""), text)


@cache
def examples(directory: Path = EXAMPLES_DIR) -> tuple[Example, ...]:
    return tuple(parse(p) for p in sorted(directory.glob("*.rq")))


def by_id(example_id: str, directory: Path = EXAMPLES_DIR) -> Example | None:
    return next((e for e in examples(directory) if e.id == example_id), None)
