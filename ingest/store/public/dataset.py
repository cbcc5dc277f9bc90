"""Which graphs a public query reads when a view hides some (ingest.store.view).

A job without `visible_graphs` reads the store as the request or the query names it. With
them (the server always sends them, hidden graphs or not, so a graph outside the store is
answered the same way whether or not anything is withheld), every graph the query could reach
is cut to the visible ones: the protocol's default-graph-uri / named-graph-uri, else the
query's FROM / FROM NAMED, else (no dataset named) the store's own union when it shows
nothing else (`union_ok`), or the view's default graph (`visible_default`: its one-graph
public union and the fused view) with the visible graphs as the named ones. A requested graph
outside the visible ones, withheld or simply not in the store, is dropped the same way, so the
answer never tells one from the other (an engine lists a named graph it was given even when
it holds nothing, `GRAPH ?g {}`; a dropped one it cannot).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from ingest.store.base import Dataset, Job
from ingest.store.public.guard import Inspection


def _kept(iris: Iterable[str], visible: set[str], base: str | None) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for iri in iris:
        absolute = urljoin(base, iri) if base and ":" not in iri.split("/", 1)[0] else iri
        if absolute in visible:
            out[absolute] = None
    return tuple(out)


def public_dataset(job: Job, inspection: Inspection) -> Dataset | None:
    """The dataset the job's query reads; None: the store as it is (no view). A query without
    a GRAPH pattern is given no named graph (Inspection.graph_patterns): listing them would
    cost the engine a look-up per graph and show the query nothing."""
    visible_list = job.get("visible_graphs")
    if visible_list is None:
        return None
    base = job.get("base_iri")
    if job["default_graphs"] is not None or job["named_graphs"] is not None:
        # the protocol dataset replaces the query's own (SPARQL 1.1 Protocol 2.1.4)
        visible = set(visible_list)
        default, named = (
            _kept(job["default_graphs"] or [], visible, base),
            _kept(job["named_graphs"] or [], visible, base),
        )
        return Dataset(default, named if inspection.graph_patterns else ())
    if inspection.has_dataset:
        visible = set(visible_list)
        default, named = _kept(inspection.from_default, visible, base), _kept(inspection.from_named, visible, base)
        return Dataset(default, named if inspection.graph_patterns else ())
    if job.get("union_ok"):
        return None
    # The view's default graph (its one-graph public union: benchmarks/publication.py), else
    # every visible graph by name. The store's own default graph is public (what `casegraph
    # load` of a triple file adds).
    shown = job.get("visible_default") or visible_list
    every = tuple(dict.fromkeys(visible_list)) if inspection.graph_patterns else ()
    return Dataset(tuple(dict.fromkeys(shown)), every, store_default=True)
