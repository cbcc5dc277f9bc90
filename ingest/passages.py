"""Passage search: a full-text index of every stored document text (SQLite FTS5, from the
standard library), so a researcher can find what the documents say, including what
extraction missed.

The index is a derived copy, never the record: it mirrors the `schema:text` of the documents'
text graphs in the store (ingest.texts) and can always be rebuilt from them (`casegraph passages --rebuild`).
`casegraph build` keeps it in step, document by document: a document graph stored replaces
that document's passages, one dropped removes them. It lives in one SQLite file, by default
beside the store (`<store>.passages.sqlite`); with a remote store, wherever
`--passages`/`CASEGRAPH_PASSAGES` points on the machine that builds and serves.

Layout (one row per document, one per passage; a passage is a few sentences of at most
MAX_PASSAGE characters, and `text[start:end]` of the stored text is exactly the passage):

    documents(id, document UNIQUE, graph, content_hash, chars)
    passages(id, document_id -> documents.id, start, end, text)
    passage_fts: FTS5 over passages.text (external content, kept by triggers)

Anything about a document that should limit what is found (a publication state, once
documents can be withheld) is a column of `documents` or a table keyed by `documents.document`
(the document IRI): filtering is then one join in `search` (`WHERE d.state = 'published'`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest import queries, texts
from ingest.store import Store
from ingest.store.base import Dataset
from ingest.store.terms import Literal

SCHEMA_VERSION = "1"
MAX_PASSAGE = 320  # characters: a passage is shown whole as a hit's quote
SUFFIX = ".passages.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    document TEXT NOT NULL UNIQUE,
    graph TEXT NOT NULL,
    content_hash TEXT,
    chars INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_graph ON documents(graph);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passage_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS passages_added AFTER INSERT ON passages BEGIN
    INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS passages_removed AFTER DELETE ON passages BEGIN
    INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# A sentence ends at . ! ? (or a closing quote after one) followed by space; paragraphs at
# line breaks. Passages never cross a paragraph.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
_PARAGRAPH = re.compile(r"[^\n]+")
_LAST_WORD = re.compile(r"(\w+)\.$")
# Words that end with a full stop without ending a sentence ("Mr. Varga", "No. 2").
_ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "messrs", "dr", "prof", "st", "no", "nos", "art", "arts", "para", "paras"),
        *("vs", "etc", "gen", "col", "lt", "sgt", "jr", "sr", "inc", "ltd", "co", "corp", "dept"),
    }
)
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 16


class PassageIndexError(Exception):
    """The passage index cannot be opened or used; the message says why and what to do."""


class QueryError(ValueError):
    """A search query with nothing to search for; the message says what a query looks like."""


def index_path_for(store_path: Path | str) -> Path:
    """The default place of a store's passage index: beside it, `<store>.passages.sqlite`; for a
    store on a server (a URL), `data/build/<host>_<port>.passages.sqlite`."""
    text = str(store_path)
    if text.startswith(("http://", "https://")):
        name = re.sub(r"[^A-Za-z0-9.-]+", "_", text.split("://", 1)[1]).strip("_")
        return Path("data/build") / (name + SUFFIX)
    path = Path(store_path)
    return path.with_name(path.name + SUFFIX)


def split_passages(text: str, limit: int = MAX_PASSAGE) -> list[tuple[int, int]]:
    """(start, end) of each passage of `text`: whole sentences, as many as fit in `limit`
    characters, never across a line break; a longer sentence is cut at word boundaries."""
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        p_start, p_end = para.start(), para.end()
        while p_start < p_end and text[p_start].isspace():
            p_start += 1
        while p_end > p_start and text[p_end - 1].isspace():
            p_end -= 1
        if p_start >= p_end:
            continue
        sentences: list[tuple[int, int]] = []
        cursor = p_start
        for m in _SENTENCE_END.finditer(text, p_start, p_end):
            before = _LAST_WORD.search(text, cursor, m.start())
            if before and (before.group(1).lower() in _ABBREVIATIONS or len(before.group(1)) == 1):
                continue  # "Mr. Ayan", "No. 2", "J. Smith": not the end of a sentence
            sentences.append((cursor, m.start() + len(m.group(0).rstrip())))
            cursor = m.end()
        if cursor < p_end:
            sentences.append((cursor, p_end))
        chunk_start: int | None = None
        chunk_end = 0
        for s_start, s_end in sentences:
            for piece in _cut(text, s_start, s_end, limit):
                if chunk_start is not None and piece[1] - chunk_start <= limit:
                    chunk_end = piece[1]
                    continue
                if chunk_start is not None:
                    spans.append((chunk_start, chunk_end))
                chunk_start, chunk_end = piece
        if chunk_start is not None:
            spans.append((chunk_start, chunk_end))
    return spans


def _cut(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """A span longer than `limit` in pieces that end at a space (or at the limit)."""
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        if cut <= start:
            cut = start + limit
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def fts_query(q: str) -> str:
    """A researcher's query as an FTS5 expression, or QueryError. Words must all occur;
    "double quotes" make a phrase; a trailing * a prefix (detain* finds detained,
    detainees); OR between two terms makes either do. Punctuation is ignored, so nothing a
    user types can reach FTS5 as syntax."""
    terms: list[str] = []
    for m in _QUERY_TOKEN.finditer(q):
        phrase, word = m.group(1), m.group(2)
        if phrase is not None:
            words = _WORD.findall(phrase)
            if words:
                terms.append('"' + " ".join(words) + '"')
            continue
        if word == "OR" and terms and terms[-1] != "OR":
            terms.append("OR")
            continue
        prefix = word.endswith("*")
        words = _WORD.findall(word)
        if not words:
            continue
        if len(words) > 1:  # "pre-trial" is the phrase "pre trial"
            terms.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
        else:
            terms.append(f'"{words[0]}"' + ("*" if prefix else ""))
    while terms and terms[-1] == "OR":
        terms.pop()
    while terms and terms[0] == "OR":
        terms.pop(0)
    if not terms:
        raise QueryError('nothing to search for: give words, a "phrase in quotes" or a prefix such as detain*')
    if sum(t != "OR" for t in terms) > MAX_QUERY_TERMS:
        raise QueryError(f"too many terms (at most {MAX_QUERY_TERMS})")
    return " ".join(terms)


@dataclass(frozen=True)
class Hit:
    document: str
    graph: str
    start: int
    end: int
    quote: str
    score: float
    highlights: tuple[tuple[int, int], ...]  # (start, end) of matched words, within the quote


@dataclass(frozen=True)
class StoredText:
    """A document's text as the store holds it (what the index mirrors)."""

    document: str
    graph: str
    text: str
    content_hash: str | None = None


class PassageIndex:
    """One SQLite passage index. Writers (build, load, rebuild) open it read-write; the server
    read-only (`read_only=True`), or in memory (`path=None`) when it has to build its own."""

    def __init__(self, path: Path | str | None, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self._lock = threading.Lock()
        try:
            if self.path is None:
                self.db = sqlite3.connect(":memory:", check_same_thread=False)
            elif read_only:
                if not self.path.exists():
                    raise PassageIndexError(
                        f"{self.path}: no passage index here (make one with `casegraph passages --rebuild`)"
                    )
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(str(self.path), check_same_thread=False)
            self.db.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                self.db.executescript(_SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                self.db.commit()
            version = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise PassageIndexError(f"{self.path or 'in-memory index'}: cannot open the passage index: {exc}") from exc
        if version is None or version[0] != SCHEMA_VERSION:
            raise PassageIndexError(
                f"{self.path}: passage index of another version; rebuild it with `casegraph passages --rebuild`"
            )

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise PassageIndexError(f"{self.path}: the passage index is open read-only")
        with self._lock:
            try:
                with self.db:  # one transaction: committed whole or rolled back
                    yield self.db
            except sqlite3.Error as exc:
                raise PassageIndexError(f"{self.path or 'in-memory index'}: {exc}") from exc

    # writing ------------------------------------------------------------------------------
    def replace(self, doc: StoredText) -> int:
        """Index one document's text in place of what its document (or graph) had: one
        transaction. Returns the number of passages."""
        with self._write() as db:
            return self._replace(db, doc)

    def _replace(self, db: sqlite3.Connection, doc: StoredText) -> int:
        db.execute("DELETE FROM documents WHERE document = ? OR graph = ?", (doc.document, doc.graph))
        cur = db.execute(
            "INSERT INTO documents(document, graph, content_hash, chars) VALUES (?, ?, ?, ?)",
            (doc.document, doc.graph, doc.content_hash, len(doc.text)),
        )
        doc_id = cur.lastrowid
        rows = [(doc_id, s, e, doc.text[s:e]) for s, e in split_passages(doc.text)]
        db.executemany('INSERT INTO passages(document_id, start, "end", text) VALUES (?, ?, ?, ?)', rows)
        return len(rows)

    def remove_graph(self, graph: str) -> None:
        """Forget the passages of the document stored in `graph` (its graph was dropped, or
        replaced by one without a text)."""
        with self._write() as db:
            db.execute("DELETE FROM documents WHERE graph = ?", (graph,))

    def rebuild(self, texts: Iterable[StoredText]) -> tuple[int, int]:
        """Replace the whole index with `texts` in one transaction: (documents, passages)."""
        documents = passages = 0
        with self._write() as db:
            db.execute("DELETE FROM documents")
            for doc in texts:
                passages += self._replace(db, doc)
                documents += 1
        return documents, passages

    # reading ------------------------------------------------------------------------------
    def documents(self) -> dict[str, str | None]:
        """document IRI -> content hash of every indexed document (to compare with the store)."""
        return dict(self.db.execute("SELECT document, content_hash FROM documents").fetchall())

    def counts(self) -> tuple[int, int]:
        docs = self.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        passages = self.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        return int(docs), int(passages)

    def search(self, q: str, *, limit: int = 20, offset: int = 0, document: str | None = None) -> tuple[int, list[Hit]]:
        """(total, the page of hits) for query `q` (see fts_query), best first (BM25), ties
        by document and position. `document` keeps one document's passages."""
        expression = fts_query(q)
        where = "passage_fts MATCH ?"
        params: list[object] = [expression]
        if document:
            where += " AND d.document = ?"
            params.append(document)
        joins = "FROM passage_fts JOIN passages p ON p.id = passage_fts.rowid JOIN documents d ON d.id = p.document_id"
        try:
            with self._lock:
                total = self.db.execute(f"SELECT count(*) {joins} WHERE {where}", params).fetchone()[0]
                rows = self.db.execute(
                    f'SELECT d.document, d.graph, p.start, p."end", p.text, bm25(passage_fts) AS rank {joins} '
                    f"WHERE {where} ORDER BY rank, d.document, p.start LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot search for {q!r}: {exc}") from exc
        words = _query_words(q)
        hits = [
            Hit(doc, graph, start, end, text, round(-float(rank), 4), _highlights(text, words))
            for doc, graph, start, end, text, rank in rows
        ]
        return int(total), hits


def _query_words(q: str) -> list[tuple[str, bool]]:
    """(folded word, is prefix) for each word of the query, to mark in the hits."""
    out = []
    for m in _QUERY_TOKEN.finditer(q):
        phrase, word = m.group(1), m.group(2)
        text = phrase if phrase is not None else word
        if text == "OR":
            continue
        prefix = phrase is None and text.endswith("*")
        found = _WORD.findall(text)
        for i, w in enumerate(found):
            out.append((_fold(w), prefix and i == len(found) - 1))
    return out


def _fold(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def _highlights(text: str, words: list[tuple[str, bool]]) -> tuple[tuple[int, int], ...]:
    marks = []
    for m in _WORD.finditer(text):
        w = _fold(m.group(0))
        if any(w.startswith(q) if prefix else w == q for q, prefix in words):
            marks.append((m.start(), m.end()))
    return tuple(marks)


def default_index_path(store_path: Path | str) -> Path:
    """The index `CASEGRAPH_PASSAGES` names, else the one beside the store."""
    configured = os.environ.get("CASEGRAPH_PASSAGES")
    return Path(configured) if configured else index_path_for(store_path)


# --- the store side: what the index mirrors ------------------------------------------------


def stored_texts(store: Store, *, with_text: bool = True) -> list[StoredText]:
    """The text of every document `store` shows (only hashes when `with_text` is false). A
    store as opened shows every document, withheld ones included (the index beside it is the
    owner's); a view (ingest.store.view) shows what its audience may see: the server's public
    side searches an index of the public documents alone, so no total, rank or score depends
    on a withheld one (api.deps.app_passages).

    The texts are read beneath the view, from the text graphs of the documents it shows, also
    those whose full text it hides (ingest.texts): a search answers passages of at most
    MAX_PASSAGE characters, which are public for every public document (issue 13 item 7)."""
    from ingest.store.view import StoreView

    view = store if isinstance(store, StoreView) else StoreView(store, full=True)
    documents = [g for g in view.named_graphs() if not texts.is_text_graph(g)]
    readable = Dataset((), tuple(sorted({*documents, *(texts.text_graph_iri(g) for g in documents)})))
    flag = Literal.of(with_text)
    rows = view.store.select(queries.load("document_texts"), {"withText": flag}, dataset=readable)
    return [StoredText(r["doc"] or "", r["g"] or "", r["text"] or "", r["hash"]) for r in rows]


def in_step(index: PassageIndex, store: Store) -> bool:
    """Whether the index holds exactly the store's documents, each at its stored version."""
    wanted = {t.document: t.content_hash for t in stored_texts(store, with_text=False)}
    return index.documents() == wanted


def rebuild_from(index: PassageIndex, store: Store) -> tuple[int, int]:
    """Rebuild `index` from the texts stored in `store`: (documents, passages)."""
    return index.rebuild(stored_texts(store))


def sync(index: PassageIndex, store: Store) -> tuple[int, int] | None:
    """Rebuild `index` from `store` unless it is in step already: (documents, passages)
    when it was rebuilt, None when nothing had to be done."""
    if in_step(index, store):
        return None
    return rebuild_from(index, store)
