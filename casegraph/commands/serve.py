"""casegraph serve [--store DIR] [--host H] [--port N] [--build-if-empty]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casegraph.commands.common import add_passages_option, add_store_option
from ingest.store import StoreError, connect

DEFAULT_DOCUMENTS = Path("data/documents")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="serve the store: SPARQL endpoint, linked data, dumps, JSON API and pages",
        description=(
            "Serve the store with uvicorn. The server opens the store read-only (with --writable: read-write, "
            "running uploads itself); while it runs, `build` and `load` on the same store are refused with a clear "
            "error. Settings also come from the environment "
            "(CASEGRAPH_STORE, CASEGRAPH_BASE_IRI, CASEGRAPH_QUERY_TIMEOUT, CASEGRAPH_ROW_CAP, "
            "CASEGRAPH_WORKERS, CASEGRAPH_MAX_QUERY_LENGTH, CASEGRAPH_MAX_QUERY_DEPTH, CASEGRAPH_HOST, "
            "CASEGRAPH_PORT, CASEGRAPH_PASSAGES, CASEGRAPH_PUBLIC_URL, CASEGRAPH_TRUSTED_PROXIES, "
            "CASEGRAPH_CLIENT_KEY, CASEGRAPH_RATE_LIMIT, CASEGRAPH_RATE_BURST, CASEGRAPH_SPARQL_PER_CLIENT, "
            "CASEGRAPH_SPARQL_WAITING_PER_CLIENT, CASEGRAPH_MAX_BODY, CASEGRAPH_HEAD_TIMEOUT, "
            "CASEGRAPH_BODY_TIMEOUT, CASEGRAPH_TOKENS, CASEGRAPH_AUDIT, CASEGRAPH_JOBS, CASEGRAPH_WRITABLE, "
            "CASEGRAPH_MAX_UPLOAD, CASEGRAPH_INGEST_RATE, CASEGRAPH_AUTH_FAILURE_RATE; see the README); flags win. "
            "Passage search reads the passage index beside the store (or --passages); when it is missing or out "
            "of step, the server builds one in memory."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")
    p.add_argument(
        "--build-if-empty",
        action="store_true",
        help="when the store is missing or empty, build it from --documents first",
    )
    p.add_argument("--documents", type=Path, default=DEFAULT_DOCUMENTS, help="what to build (default: %(default)s)")
    p.add_argument("--workers", type=int, help="SPARQL worker processes (default: 2-4 by CPU count)")
    p.add_argument("--query-timeout", type=float, help="seconds a SPARQL query may run (default 10)")
    p.add_argument("--row-cap", type=int, help="rows (or triples) a SPARQL result may hold (default 10000)")
    p.add_argument("--byte-cap", type=int, help="bytes a SPARQL response body may hold (default 16 MiB)")
    p.add_argument(
        "--public-url", help="scheme://host[:port] the public reaches the server at: every published URL starts with it"
    )
    p.add_argument("--rate-limit", type=float, help="requests/s per client on average (default 50; 0: no limit)")
    p.add_argument(
        "--writable",
        action="store_true",
        default=None,
        help="accept writes from tokens (uploads, curated facts): the server holds the store for writing and runs "
        "ingest jobs itself (also CASEGRAPH_WRITABLE=1; see README 'Writing over HTTP')",
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=run)


def build_if_empty(store_path: Path | str, documents: Path) -> int:
    """Build `documents` into the store when it holds nothing; 0 when the store is ready."""
    from ingest.pipeline import build

    if not isinstance(store_path, Path) or store_path.exists():  # look read-only first: data is left untouched
        existing = connect(store_path, read_only=True)
        try:
            if len(existing):
                return 0
        finally:
            existing.close()
    store = connect(store_path)  # read-write: raises StoreError when another process has it
    try:
        if len(store):
            return 0
        if not documents.exists():
            print(f"{documents}: no such folder to build the empty store from", file=sys.stderr)
            return 2
        print(f"store {store_path} is empty: building {documents} ...", file=sys.stderr)
        from ingest.passages import PassageIndex, index_path_for

        index = PassageIndex(index_path_for(store_path))
        try:
            summary = build([documents], store, passages=index)
        finally:
            index.close()
        for failure in summary.failures:
            print(f"FAILED {failure}", file=sys.stderr)
        print(
            f"{summary.documents} documents stored, {summary.triples} triples, {len(summary.failures)} failed, "
            f"{summary.seconds:.1f} s",
            file=sys.stderr,
        )
        return 0 if summary.documents else 2
    finally:
        store.close()  # the server must not hold the store read-write


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.deps import app_stats
    from api.serving import uvicorn_config
    from api.settings import Settings

    try:
        settings = Settings.from_env(
            store=args.store,
            passages=args.passages,
            host=args.host,
            port=args.port,
            workers=args.workers,
            query_timeout=args.query_timeout,
            row_cap=args.row_cap,
            byte_cap=args.byte_cap,
            public_url=args.public_url,
            rate_limit=args.rate_limit,
            writable=args.writable,
        )
    except ValueError as exc:
        print(f"bad setting: {exc}", file=sys.stderr)
        return 2
    try:
        if args.build_if_empty:
            status = build_if_empty(settings.store, args.documents)
            if status:
                return status
        try:
            app = create_app(settings)
        except ValueError as exc:
            print(f"bad setting: {exc}", file=sys.stderr)
            return 2
        stats = app_stats(app.state)  # opens the store read-only now: fail before listening
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        f"serving {settings.store} ({stats['quads']} quads, {stats['graphs']} graphs) on "
        f"http://{settings.host}:{settings.port}/ (SPARQL at /sparql)",
        file=sys.stderr,
    )
    if settings.host in ("0.0.0.0", "::") and not settings.public_url:
        print(
            f"note: published URLs start with {settings.origin}; set CASEGRAPH_PUBLIC_URL to the address "
            "the public uses (https://data.example.org)",
            file=sys.stderr,
        )
    uvicorn.Server(uvicorn_config(app, settings, args.log_level)).run()
    return 0
