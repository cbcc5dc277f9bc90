"""What a public view costs (ingest.store.view): the API's whole-store queries run over the
store's own union default graph, and over the dataset cut to the visible graphs (every
document graph listed by name), on a generated corpus shaped like the real one.

    .venv/bin/python benchmarks/publication.py [--triples 200000] [--repeat 3]

Prints, per query, the best of `repeat` runs on each path and the ratio; then the same for a
linked-data description (one resource), the look-up of the visible graphs and the rebuild of
the public union. One document is withheld and every text is closed (ingest.texts), so the
view must list the others. Nothing here is asserted: the figures go in the README and the notes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.deps import load_query
from benchmarks.serve import generate
from ingest import publication
from ingest.store.embedded import EmbeddedStore
from ingest.store.rdf import Format
from ingest.store.terms import IRI
from ingest.store.view import StoreView

QUERIES = ("counts.rq", "persons.rq", "documents.rq", "organisations.rq", "event_types.rq")


def best(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "corpus.nq"
        docs, quads = generate(data, args.triples, seed=7)
        store = EmbeddedStore(Path(tmp) / "store")
        store.bulk_load_file(data, Format.NQUADS)
        graphs = store.named_graphs()
        publication.set_state(store, graphs[0], publication.WITHHELD)
        view = StoreView(store, poll=60)
        print(f"{docs} documents, {quads} quads; {len(view.named_graphs())} graphs visible")
        print(f"{'query':<22}{'union s':>10}{'view s':>10}{'ratio':>8}")
        for name in QUERIES:
            text = load_query(name)
            raw = best(lambda t=text: store.select(t), args.repeat)
            cut = best(lambda t=text: view.select(t), args.repeat)
            print(f"{name:<22}{raw:>10.3f}{cut:>10.3f}{cut / raw:>8.2f}")
        person = store.select("SELECT ?p WHERE { ?p a <https://w3id.org/casegraph/ontology#Person> } LIMIT 1")[0]["p"]
        describe = load_query("ld_describe.rq")
        bindings = {"iri": IRI(str(person))}
        raw = best(lambda: list(store.statements(describe, bindings)), args.repeat)
        cut = best(lambda: list(view.statements(describe, bindings)), args.repeat)
        print(f"{'ld_describe (1 person)':<22}{raw:>10.3f}{cut:>10.3f}{cut / raw:>8.2f}")
        look = best(lambda: view._look_up(), args.repeat)
        print(f"looking up the visible graphs: {look:.3f} s (once per poll interval on a server)")
        rebuilt = best(lambda: publication.refresh_union(store), args.repeat)
        print(f"rebuilding the public union: {rebuilt:.3f} s (end of a build or load, and a publish or withhold)")
        store.close()


if __name__ == "__main__":
    main()
