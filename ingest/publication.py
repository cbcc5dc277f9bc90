"""Publication state per document graph: `public` or `withheld`, kept in the store itself.

While any document is withheld, the registry is the internal graph REGISTRY, one statement
per document graph whose state was set

    <graph> cg:publication "public" | "withheld" ; cg:publicationChanged "…"^^xsd:dateTime .

and, on the registry itself, `cg:publicationChanged` when the public side last changed by a
state (a document published or withdrawn): what a public view's last-modified time
(ingest.store.view) adds to its graphs' own times, so caches and ETags follow a publish and a
withhold, but never a document built withheld.

A graph the registry does not name is public: it was stored before publication states
existed, or loaded as RDF (`casegraph load`), or nothing was withheld when it was built. A
withheld document is therefore registered *before* its graph is stored (ingest.pipeline), so
no reader ever sees it unregistered. When the last withheld document is published the
registry is dropped: a store where nothing is withheld holds no trace of publication states.

A document's text graph (ingest.texts) has no state of its own: it is public while its
document is and the document says its text is (`cg:textPublic true`). `hidden_graphs` is the
one list of what the public must not see, withheld documents and closed texts together.
CLOSED_TEXTS, one of the store's own graphs, holds a copy of the closed texts, rebuilt with the
public union: the full view's default graph reads it instead of every text graph by name.

PUBLIC_UNION holds the union of the public graphs, one copy of their statements: the
public side's default graph (ingest.store.view). The store's own union default graph cannot
be used once the store holds any graph the public must not see (this registry, the changes
log with its entries about withheld documents, a server's graph times), and a dataset listing
every public graph by name costs a query 10 to 300 times as much in Oxigraph
(benchmarks/publication.py); one graph costs what the store's own union costs. It is the RDF
merge of the public graphs, so a statement two documents make counts once. It is rebuilt in
the same update that hides or shows a stored document (so a reader never sees a withheld
document in it) and at the end of every build and load (`refresh_union`).

`set_state` is the one place a state changes; what else must follow a change (a changes log,
an audit trail) registers a hook with `on_change`, called after the registry is written.

Every graph under INTERNAL_PREFIX (this registry, the full fused view, a server store's graph
times) is the store's own bookkeeping, never served publicly (ingest.store.view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from ingest import texts
from ingest.namespaces import CG
from ingest.store import base
from ingest.store.base import PUBLIC_UNION_GRAPH, Store
from ingest.store.terms import IRI

INTERNAL_PREFIX = base.INTERNAL_PREFIX
REGISTRY = INTERNAL_PREFIX + "publication"
# The fused view over every document, withheld ones included (ingest.fusion), for token
# holders; the public fused graph (ingest.fusion.FUSED_GRAPH) is computed from public ones.
FULL_FUSED_GRAPH = INTERNAL_PREFIX + "fused-all"
PUBLIC_UNION = PUBLIC_UNION_GRAPH
# The texts the public may not read (ingest.texts), one copy: a token holder's default graph.
CLOSED_TEXTS = base.CLOSED_TEXTS_GRAPH

PUBLIC = "public"
WITHHELD = "withheld"
STATES = (PUBLIC, WITHHELD)

PUBLICATION = str(CG.publication)
CHANGED = str(CG.publicationChanged)
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

# (store, graph, state before (None: not registered), state after), after the registry is written.
ChangeHook = Callable[[Store, str, str | None, str], None]
_hooks: list[ChangeHook] = []
# Counts the state changes made in this process: a view (ingest.store.view) that saw another
# count looks its graphs up again at once, rather than after its poll interval, so a server
# that writes (uploads, api.writes) never serves a withheld document from a stale list.
_generation = 0


def generation() -> int:
    return _generation


def on_change(hook: ChangeHook) -> ChangeHook:
    """Call `hook` after every change of a document's state (usable as a decorator)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def is_internal(graph: str) -> bool:
    return graph.startswith(INTERNAL_PREFIX)


def is_public(store: Store, graph: str) -> bool:
    """Whether the public sees `graph` now (what the changes log records, ingest.changes): a
    text graph while its document is public and says its text is (ingest.texts)."""
    if is_internal(graph):
        return False
    if texts.is_text_graph(graph):
        document = texts.document_graph(graph)
        return texts.is_public_text(_raw(store), graph, state_of(store, document) == PUBLIC)
    return state_of(store, graph) == PUBLIC


def check_state(value: Any, where: str) -> str:
    """`value` as a state, or ValueError naming `where` and what is allowed."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in STATES:
        raise ValueError(f"{where}: {value!r} is not a publication state (use public or withheld)")
    return text


def _raw(store: Store) -> Store:
    """The store underneath a view (ingest.store.view): a view never shows the registry."""
    from ingest.store.view import StoreView

    return store.store if isinstance(store, StoreView) else store


def states(store: Store) -> dict[str, str]:
    """Graph IRI -> its registered state."""
    store = _raw(store)
    rows = store.select(f"SELECT ?g ?state WHERE {{ GRAPH <{REGISTRY}> {{ ?g <{PUBLICATION}> ?state }} }}", union=False)
    return {r["g"]: r["state"] for r in rows if r["g"] and r["state"] in STATES}


def state_of(store: Store, graph: str) -> str:
    """The state of `graph`: its registered one, else public."""
    return registered_state(store, graph) or PUBLIC


def registered_state(store: Store, graph: str) -> str | None:
    """The registered state of `graph`; None when it has none (served as public)."""
    store = _raw(store)
    node = IRI(graph)  # checked: nothing but an IRI reaches the query text
    rows = store.select(
        f"SELECT ?state WHERE {{ GRAPH <{REGISTRY}> {{ {node} <{PUBLICATION}> ?state }} }}", union=False
    )
    found = [r["state"] for r in rows if r["state"] in STATES]
    return found[0] if found else None


def withheld_graphs(store: Store) -> set[str]:
    return {g for g, state in states(store).items() if state == WITHHELD}


def hidden_graphs(store: Store, present: Iterable[str] | None = None) -> set[str]:
    """THE graphs the public must not see, of those `present` (default: the store's): the
    withheld documents' graphs and every text graph whose text is not public (its document is
    withheld or its licence does not allow it, ingest.texts). The public view
    (ingest.store.view) and the public union leave exactly these out."""
    store = _raw(store)
    every = set(store.named_graphs() if present is None else present)
    withheld = withheld_graphs(store) if REGISTRY in every else set()
    return _hidden(store, every, withheld)


def _hidden(store: Store, every: set[str], withheld: set[str]) -> set[str]:
    return withheld | texts.hidden_texts(store, every, withheld)


def public_changed(store: Store) -> datetime | None:
    """When a state change last altered what the public sees (None: never)."""
    store = _raw(store)
    rows = store.select(f"SELECT ?t WHERE {{ GRAPH <{REGISTRY}> {{ <{REGISTRY}> <{CHANGED}> ?t }} }}", union=False)
    stamps = [base.parse_time(r["t"]) for r in rows]
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def set_state(store: Store, graph: str, state: str) -> bool:
    """Record `state` for `graph`; True when that changed it. THE one place a state changes:
    the registry (and, when what the public sees changes, the public union) is written in one
    update, then every hook (on_change) is called with the state before (None: unregistered,
    so public) and after."""
    state = check_state(state, graph)
    store = _raw(store)
    node = IRI(graph)  # checked: nothing but an IRI reaches the update text
    every = set(store.named_graphs())
    active = REGISTRY in every
    before = registered_state(store, graph) if active else None
    if (before or PUBLIC) == state:  # already so (an unregistered graph is public)
        return False
    withheld = withheld_graphs(store) if active else set()
    withheld = (withheld | {graph}) if state == WITHHELD else (withheld - {graph})
    stored = graph in every
    if not withheld:  # nothing withheld any more: no registry; the union holds every public graph
        union = _union_update(every, _hidden(store, every, set()))
        store.update(f"DROP SILENT GRAPH <{REGISTRY}> ;\n" + union, touched=[graph])
        _changed(store, graph, before, state)
        return True
    now = f'"{_now()}"^^<{XSD_DATETIME}>'
    parts = [
        f"DELETE WHERE {{ GRAPH <{REGISTRY}> {{ {node} <{PUBLICATION}> ?s }} }}",
        f"DELETE WHERE {{ GRAPH <{REGISTRY}> {{ {node} <{CHANGED}> ?t }} }}",
        f'INSERT DATA {{ GRAPH <{REGISTRY}> {{ {node} <{PUBLICATION}> "{state}" ; <{CHANGED}> {now} }} }}',
    ]
    # What the public sees changes when a stored document goes public or stops being public
    # (an unregistered one is public); a document registered withheld before its graph is
    # stored changes nothing there.
    if stored and (state == PUBLIC) != (before in (None, PUBLIC)):
        parts += [
            f"DELETE WHERE {{ GRAPH <{REGISTRY}> {{ <{REGISTRY}> <{CHANGED}> ?t }} }}",
            f"INSERT DATA {{ GRAPH <{REGISTRY}> {{ <{REGISTRY}> <{CHANGED}> {now} }} }}",
        ]
    if stored or not active or not _has_union(store):
        parts.append(_union_update(every, _hidden(store, every, withheld)))
    store.update(" ;\n".join(parts), touched=[REGISTRY])
    _changed(store, graph, before, state)
    return True


def _changed(store: Store, graph: str, before: str | None, after: str) -> None:
    global _generation
    _generation += 1
    _log(store, graph, before, after)
    for hook in list(_hooks):
        hook(store, graph, before, after)


def _log(store: Store, graph: str, before: str | None, after: str) -> None:
    """The changes log (ingest.changes) hears of a stored document the public now sees or no
    longer sees: published (added, with its content) or withdrawn (without it); its text graph
    with it, when its text is public (ingest.texts)."""
    from ingest.changes import state_changed

    state_changed(store, graph, before, after)
    text = texts.text_graph_iri(graph)
    if after == WITHHELD or is_public(store, text):
        state_changed(store, text, before, after)


def _has_union(store: Store) -> bool:
    """Whether the public union holds statements (the store's graph list leaves it out)."""
    return bool(store.select(f"SELECT ?s WHERE {{ GRAPH <{PUBLIC_UNION}> {{ ?s ?p ?o }} }} LIMIT 1", union=False))


def _union_update(every: Iterable[str], hidden: set[str]) -> str:
    """Update text that makes PUBLIC_UNION the union of the graphs in `every` that are not
    `hidden` (internal graphs and the fused view are not documents), and CLOSED_TEXTS the
    union of the hidden text graphs (ingest.texts). The graphs are listed (VALUES): each is
    read by its name, and the hidden ones (one text graph per document) never cost a
    comparison per statement."""
    from ingest.ids import fused_graph_iri

    left_out = {*hidden, str(fused_graph_iri())}
    shown = sorted(g for g in every if not is_internal(g) and g not in left_out)
    closed = sorted(g for g in hidden if texts.is_text_graph(g))
    return " ;\n".join([_copy_into(PUBLIC_UNION, shown), _copy_into(CLOSED_TEXTS, closed)])


def _copy_into(target: str, graphs: list[str]) -> str:
    """Update text that makes `target` the union of `graphs`."""
    update = f"DROP SILENT GRAPH <{target}>"
    if not graphs:
        return update
    values = " ".join(str(IRI(g)) for g in graphs)  # checked: nothing but IRIs reach the text
    return (
        f"{update} ;\n"
        f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )


def refresh_union(store: Store) -> bool:
    """Rebuild the public union from the document graphs as they are now (a build and a load
    call this at their end: they may have added or replaced public graphs); True if it did
    (False: a store without documents)."""
    store = _raw(store)
    every = store.named_graphs()
    if not any(not is_internal(g) for g in every):
        return False
    store.update(_union_update(every, hidden_graphs(store, every)), touched=[PUBLIC_UNION])
    global _generation
    _generation += 1
    return True


def set_states(store: Store, wanted: Iterable[tuple[str, str]]) -> list[str]:
    """`set_state` for each (graph, state); the graphs that changed."""
    return [graph for graph, state in wanted if set_state(store, graph, state)]


def build_state(stored: str | None, asked: str | None) -> str:
    """The state a document gets when it is built: what its metadata asks for, else the state
    it already has if that is withheld (a rebuild never publishes by accident), else public."""
    if asked is not None:
        return asked
    return WITHHELD if stored == WITHHELD else PUBLIC
