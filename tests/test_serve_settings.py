"""Server settings: environment variables, then flags; bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings


def test_environment_then_flags() -> None:
    env = {
        "CASEGRAPH_STORE": "/srv/graph",
        "CASEGRAPH_ROW_CAP": "50",
        "CASEGRAPH_QUERY_TIMEOUT": "2.5",
        "CASEGRAPH_CORS_ORIGINS": "https://a.example, https://b.example",
        "CASEGRAPH_BASE_IRI": "https://data.example.org/",
    }
    s = Settings.from_env(env, row_cap=7, port=None)
    assert s.store == Path("/srv/graph")
    assert s.row_cap == 7  # the flag wins
    assert s.query_timeout == 2.5
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert s.base_iri == "https://data.example.org/"
    assert s.port == Settings().port  # a flag left out (None) keeps the default


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"CASEGRAPH_ROW_CAP": "many"}, "CASEGRAPH_ROW_CAP='many'"),
        ({"CASEGRAPH_WORKERS": "0"}, "workers must be at least 1"),
        ({"CASEGRAPH_QUERY_TIMEOUT": "-1"}, "query_timeout must be positive"),
        ({"CASEGRAPH_BASE_IRI": "https://data.example.org/x"}, "must end with '/' or '#'"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(env)
