"""Binding values into SPARQL 1.1 query text, for servers that take no separate bindings.

The embedded engine substitutes variables itself; over the SPARQL 1.1 Protocol there is no such
parameter, so the bindings become `VALUES` blocks: one at the start of the query's WHERE group
(so each bound variable is bound in the answer, as the engine's substitution leaves it), and one
in every inner group that mentions a bound variable. SPARQL evaluates a group on its own, from
the inside out, so a FILTER in a nested group (`GRAPH ?g { ... FILTER (?x = ?bound) }`) would
otherwise see the variable unbound; with the block there it sees the value, as substitution
would. Joining a constant where it is already bound changes no answer. A sub-SELECT passes on
only the bound variables it projects: its others are its own.

The values are terms (ingest.store.terms) written in N-Triples syntax: an IRI is checked when it
is made and a literal escaped, so nothing but a term reaches the text. The scanner skips
strings, IRIs and comments, so a brace inside them never counts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from ingest.store.terms import IRI, Term, as_term

_KEYWORD = re.compile(r"[A-Za-z_][\w\-]*(?::[\w\-.]*)?")  # a prefixed name is one token
_VARIABLE = re.compile(r"[A-Za-z0-9_]+")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def _tokens(query: str, iris: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, token) for each brace and bare word outside strings, IRIs and comments (with
    `iris`, each IRI as a token too, `<...>`)."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            quote = c * 3 if query.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] not in "=<":
            end = query.find(">", i)
            # `<` as an operator (`?a <?b`) has no closing `>` before whitespace.
            if end > 0 and not any(ch.isspace() for ch in query[i:end]):
                if iris:
                    yield i, query[i : end + 1]
                i = end + 1
            else:
                i += 1
        elif c in "?$":
            m = _VARIABLE.match(query, i + 1)
            if m:
                yield i, "?" + m.group()
            i = i + 1 + (len(m.group()) if m else 0)
        elif c in "{}()*":
            yield i, c
            i += 1
        elif c.isalpha():
            m = _KEYWORD.match(query, i)
            word = m.group() if m else c
            yield i, word.upper()
            i += len(word)
        else:
            i += 1


def path_starts(query: str) -> set[str]:
    """The variables that start a parenthesised path in a group (`?x (p|^p)* ?y`); not those
    before a bracket in a projection (`SELECT ?x (COUNT(*) AS ?n)`), a comment or a string."""
    found: set[str] = set()
    tokens = list(_tokens(query))
    depth, projecting = 0, False
    for k, (_offset, token) in enumerate(tokens):
        if token == "{":
            depth, projecting = depth + 1, False
        elif token == "}":
            depth -= 1
        elif token == "SELECT":
            projecting = True
        elif token == "WHERE":
            projecting = False
        elif token.startswith("?") and depth > 0 and not projecting and k + 1 < len(tokens) and tokens[k + 1][1] == "(":
            found.add(token[1:])
    return found


# A graph name after FROM or FROM NAMED: an IRI or a prefixed name.
_DATASET_GRAPH = re.compile(r"\s*(?:NAMED\s+)?(?:<[^<>\s]*>|[A-Za-z_][\w.\-]*:[\w.\-]*|:[\w.\-]*)", re.IGNORECASE)


def without_dataset_clauses(query: str) -> str:
    """`query` without its FROM and FROM NAMED clauses, for a request whose protocol dataset
    replaces them (SPARQL 1.1 Protocol 2.1.4): a server that joins the two instead (Virtuoso
    counted a `FROM NAMED <g>` the dataset left out) then reads only the dataset sent."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    for offset, token in _tokens(query):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == "FROM" and depth == 0:
            found = _DATASET_GRAPH.match(query, offset + len(token))
            if found:
                cuts.append((offset, found.end()))
    for start, end in reversed(cuts):
        query = query[:start] + " " + query[end:]
    return query


def _group_ends(query: str) -> dict[int, int]:
    """Offset just inside each group's `{` -> the offset of its `}`."""
    ends: dict[int, int] = {}
    opened: list[int] = []
    for offset, token in _tokens(query):
        if token == "{":
            opened.append(offset + 1)
        elif token == "}" and opened:
            ends[opened.pop()] = offset
    return ends


def _groups(query: str, bound: set[str]) -> list[tuple[int, set[str]]]:
    """Where a VALUES block goes: (offset just inside a group's `{`, the bound variables to put
    there). The query's own WHERE group takes every binding (a bound variable is projected);
    any other group takes those it mentions. A sub-SELECT passes on only what it projects (its
    other variables are its own); a VALUES data block, a CONSTRUCT template and a LATERAL group
    (and what it holds) take nothing."""
    tokens = list(_tokens(query))
    closing: dict[int, int] = {}
    opened: list[int] = []
    for k, (_offset, token) in enumerate(tokens):
        if token == "{":
            opened.append(k)
        elif token == "}" and opened:
            closing[opened.pop()] = k
    out: list[tuple[int, set[str]]] = []
    frames: list[set[str] | None] = []  # per open brace: what its groups may take (None: nothing)
    form, after_where, top_groups = "", False, 0
    pending_values = False
    pending_select: set[str] | bool | None = False  # a sub-SELECT's projection, until its group
    for k, (offset, token) in enumerate(tokens):
        depth = len(frames)
        if token == "{":
            parent = frames[-1] if frames else bound
            # A LATERAL group sees the bindings from its left by substitution already, and
            # Oxigraph refuses a VALUES there on a variable the left side binds.
            lateral = k > 0 and tokens[k - 1][1] == "LATERAL"
            if pending_values or parent is None or lateral:
                frames.append(None)
                # A sub-SELECT inside (a LATERAL one) projects into nothing: its projection must
                # not carry on to the next group, which it would cut off from the bindings.
                pending_values = pending_select = False
                continue
            if depth == 0:
                top_groups += 1
                is_where = after_where or form in ("SELECT", "ASK", "DESCRIBE") or top_groups == 2
                if not is_where:  # the CONSTRUCT template
                    frames.append(None)
                    continue
                frames.append(set(bound))
                out.append((offset + 1, set(bound)))
                continue
            allowed = set(parent)
            if pending_select is not False:
                allowed = allowed if pending_select is None else allowed & pending_select  # type: ignore[operator]
                pending_select = False
            frames.append(allowed)
            if k + 1 < len(tokens) and tokens[k + 1][1] == "SELECT":  # `{ SELECT ... }` holds the subquery alone
                continue
            inside = {t[1:] for _o, t in tokens[k + 1 : closing.get(k, len(tokens))] if t.startswith("?")}
            chosen = allowed & inside
            if chosen:
                out.append((offset + 1, chosen))
        elif token == "}":
            if frames:
                frames.pop()
        elif token == "VALUES":
            pending_values = True
        elif depth == 0 and token in _FORMS and not form:
            form = token
        elif depth == 0 and token == "WHERE":
            after_where = True
        elif depth > 0 and token == "SELECT":
            pending_select = _projection(tokens, k)
    if not out:
        raise ValueError("the query has no WHERE group to bind values in")
    return out


def _projection(tokens: list[tuple[int, str]], k: int) -> set[str] | None:
    """The variables the SELECT at token k projects (None for `*`); not those it computes with
    AS, which a binding must not pre-empt."""
    projected: set[str] = set()
    level = 0
    previous = ""
    for _offset, token in tokens[k + 1 :]:
        if token == "{" or (level == 0 and token == "WHERE"):
            break
        if token == "(":
            level += 1
        elif token == ")":
            level -= 1
        elif token == "*" and level == 0:
            return None
        elif token.startswith("?") and level == 0 and previous != "AS":
            projected.add(token[1:])
        previous = token
    return projected


def bind(query: str, bindings: Mapping[str, Any] | None, as_bind: Collection[str] = ()) -> str:
    """`query` with `bindings` (variable name -> term or Python value) as VALUES blocks; those
    named in `as_bind` as `BIND (term AS ?name)` instead in each group that holds a path they
    start (path_starts). At the start of a group the two are the same join with one solution;
    a server that plans them differently (Virtuoso: a VALUES row is no start for a transitive
    path, a BIND is) takes the BIND there."""
    if not bindings:
        return query
    terms: dict[str, Term] = {name: as_term(value) for name, value in bindings.items()}
    for name in terms:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a variable name: {name!r}")
    out = query
    ends = _group_ends(query) if as_bind else {}
    for at, names in sorted(_groups(query, set(terms)), key=lambda g: g[0], reverse=True):  # offsets stay valid
        starting = path_starts("{" + query[at : ends[at]] + "}") & set(as_bind) if as_bind else set()
        binds = "".join(f" BIND ({terms[name]} AS ?{name})" for name in terms if name in names and name in starting)
        chosen = [name for name in terms if name in names and name not in starting]
        header = " ".join(f"?{name}" for name in chosen)
        row = " ".join(str(terms[name]) for name in chosen)
        values = f" VALUES ({header}) {{ ({row}) }}" if chosen else ""
        out = f"{out[:at]}{binds}{values}\n{out[at:]}"
    return out


# Words that make a query read graphs other than through its dataset: a dataset clause of its
# own, a remote service. A query holding one is never narrowed by exclusion.
_OWN_DATASET = frozenset({"FROM", "SERVICE", "LOAD"})
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def exclude_graphs(query: str, hidden: Sequence[str]) -> str:
    """`query` with every `GRAPH g { ... }` pattern wrapped as `{ GRAPH g { ... } FILTER (g NOT
    IN (hidden...)) }`: run over every named graph of a store, it reads the same as over the
    store's graphs but `hidden` listed one by one (an engine given a list of named graphs looks
    each pattern up once per listed graph; a filter on the few hidden ones costs a comparison
    per row). Wrapping keeps the semantics: the filter sees the graph the pattern matched, in a
    group of its own, so it cuts exactly that pattern's solutions (inside an OPTIONAL, a
    LATERAL, a sub-SELECT, a nested GRAPH alike).

    Escapes (`\\u0047RAPH`) are expanded first, as the engine expands them before it parses,
    and the expanded text is what the engine gets. Only for the project's own query files: it
    fails closed, raising ValueError for whatever it cannot vouch for (a dataset clause, a
    SERVICE, a GRAPH not followed by a variable or IRI and a group), and the caller then lists
    the graphs instead."""
    from ingest.store.public.guard import expand_escapes

    query = expand_escapes(query)
    if not hidden:
        return query
    for iri in hidden:
        IRI(iri)  # checked: nothing but an IRI reaches the text
    listed = ", ".join(f"<{iri}>" for iri in hidden)
    tokens = list(_tokens(query, iris=True))
    closing: dict[int, int] = {}
    opened: list[int] = []
    for k, (_offset, token) in enumerate(tokens):
        if token == "{":
            opened.append(k)
        elif token == "}":
            if not opened:
                raise ValueError("unbalanced braces")
            closing[opened.pop()] = k
    if opened:
        raise ValueError("unbalanced braces")
    inserts: list[tuple[int, str]] = []
    for k, (offset, token) in enumerate(tokens):
        if token.startswith("<") and not _IRI.fullmatch(token):
            # not an IRI (`?a<3)GRAPH?g{...}FILTER(?b>` read as one): what it hides is unknown
            raise ValueError(f"{token[:40]!r} is neither an IRI nor an expression the scanner can read")
        if token in _OWN_DATASET:
            raise ValueError(f"the query says {token}: graphs cannot be excluded by rewriting it")
        if token != "GRAPH":
            continue
        if k + 2 >= len(tokens) or tokens[k + 2][1] != "{" or k + 2 not in closing:
            raise ValueError("a GRAPH not followed by a graph name and a group")
        at, name = tokens[k + 1]
        if not (name.startswith("?") or name.startswith("<") or ":" in name):
            raise ValueError(f"a GRAPH with {name!r} for its graph")
        name = query[at : at + len(name)]  # as the query writes it (`$g`, a prefixed name's case)
        end = tokens[closing[k + 2]][0] + 1
        inserts.append((offset, "{ "))
        inserts.append((end, f" FILTER ({name} NOT IN ({listed})) }}"))
    out = query
    # From the end, so offsets stay valid; at one offset (a group's end right before the next
    # GRAPH) the later insert goes in first, so the earlier one ends up in front of it.
    for _order, (at, text) in sorted(enumerate(inserts), key=lambda i: (i[1][0], i[0]), reverse=True):
        out = out[:at] + text + out[at:]
    return out
