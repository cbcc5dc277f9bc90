"""Tokens and the audit trail from the command line: a token is shown once, only its scrypt hash
is on disk (mode 0600), list never shows a secret, revoke and expiry end it, and every change is
an audit line."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from ingest import audit
from ingest.tokens import TOKEN, TokenError, TokenFile
from tests.partners_support import add_token, cli


def test_add_prints_the_token_once_on_the_last_line_and_keeps_only_a_scrypt_hash(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = cli("tokens", "add", "partner-a", "--scope", "ingest", "--scope", "read-withheld", "--store", str(store))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    match = TOKEN.match(token)
    assert match, token
    token_id, secret = match.groups()
    path = tmp_path / "store.tokens.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert secret.encode() not in raw and token.encode() not in raw  # the secret is nowhere on disk
    row = sqlite3.connect(path).execute("SELECT id, salt, hash FROM tokens").fetchone()
    assert row[0] == token_id and len(row[1]) == 16 and len(row[2]) == 32
    principal = TokenFile(path).verify(token)
    assert principal is not None and principal.name == "partner-a"
    assert principal.has("ingest") and principal.has("read-withheld") and not principal.has("curate")


def test_list_shows_names_and_scopes_never_secrets(tmp_path: Path) -> None:
    store = tmp_path / "store"
    token = add_token(store, "ed", "curate", expires="2099-01-01")
    listed = cli("tokens", "list", "--store", str(store))
    assert listed.returncode == 0
    assert "ed\tcurate\t" in listed.stdout and "2099-01-01T00:00:00+00:00" in listed.stdout
    assert token not in listed.stdout and token.split("_")[-1] not in listed.stdout


def test_revoked_wrong_malformed_and_expired_tokens_are_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    token = add_token(store, "gone", "admin")
    other = add_token(store, "lapsed", "ingest", expires="2099-01-01")
    tokens = TokenFile(tmp_path / "store.tokens.sqlite")
    assert tokens.verify(token) is not None
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert tokens.verify(wrong) is None
    assert tokens.verify("cg_000000000000_" + "x" * 43) is None
    assert tokens.verify("not a token") is None
    assert tokens.verify("") is None
    revoked = cli("tokens", "revoke", "gone", "--store", str(store))
    assert revoked.returncode == 0, revoked.stderr
    assert tokens.verify(token) is None  # remembered as valid before: revocation still counts
    with sqlite3.connect(tmp_path / "store.tokens.sqlite") as db:
        db.execute("UPDATE tokens SET expires = '2000-01-01T00:00:00+00:00' WHERE name = 'lapsed'")
    assert tokens.verify(other) is None
    listed = cli("tokens", "list", "--store", str(store)).stdout
    assert "gone\tadmin\t" in listed and listed.split("gone\tadmin\t", 1)[1].split("\n")[0].split("\t")[-1] != "-"


def test_bad_commands_say_what_is_wrong(tmp_path: Path) -> None:
    store = tmp_path / "store"
    add_token(store, "dup", "ingest")
    again = cli("tokens", "add", "dup", "--scope", "ingest", "--store", str(store))
    assert again.returncode == 2 and "exists already" in again.stderr
    past = cli("tokens", "add", "old", "--scope", "ingest", "--expires", "2001-01-01", "--store", str(store))
    assert past.returncode == 2 and "in the past" in past.stderr
    nobody = cli("tokens", "revoke", "nobody", "--store", str(store))
    assert nobody.returncode == 2 and "no active token" in nobody.stderr
    scope = cli("tokens", "add", "x", "--scope", "everything", "--store", str(store))
    assert scope.returncode == 2 and "invalid choice" in scope.stderr
    with pytest.raises(TokenError, match="token name"):
        TokenFile(tmp_path / "t.sqlite").add("../etc", ["ingest"])


def test_a_revoked_name_can_be_given_a_new_token(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = add_token(store, "rotating", "ingest")
    assert cli("tokens", "revoke", "rotating", "--store", str(store)).returncode == 0
    second = add_token(store, "rotating", "ingest")
    tokens = TokenFile(tmp_path / "store.tokens.sqlite")
    assert tokens.verify(first) is None and tokens.verify(second) is not None


def test_token_changes_are_audited_with_the_local_user_and_no_secret(tmp_path: Path) -> None:
    store = tmp_path / "store"
    token = add_token(store, "audited", "ingest", "curate")
    assert cli("tokens", "revoke", "audited", "--store", str(store)).returncode == 0
    path = tmp_path / "store.audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token.split("_")[-1] not in path.read_text()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["what"] for line in lines] == ["token add", "token revoke"]
    assert all(line["who"] == audit.local_user() and line["token"] == "audited" for line in lines)
    assert lines[0]["scopes"] == ["curate", "ingest"]
    printed = cli("audit", "--store", str(store), "--json")
    assert [json.loads(x)["what"] for x in printed.stdout.splitlines()] == ["token add", "token revoke"]
    assert cli("audit", "--store", str(store), "--since", "2999-01-01").stdout == ""
    assert cli("audit", "--store", str(store), "--since", "yesterday").returncode == 2


def test_the_audit_trail_only_ever_grows(tmp_path: Path) -> None:
    path = tmp_path / "trail.jsonl"
    first = audit.record(tmp_path / "store", "build", document="urn:doc:1", content_hash="sha256:aa", path=path)
    before = path.read_bytes()
    audit.record(tmp_path / "store", "publish", who="token:ed", document="urn:doc:1", path=path)
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 2
    lines = list(audit.read(path))
    assert lines[0] == first and lines[1]["who"] == "token:ed" and lines[1]["what"] == "publish"
    assert list(audit.read(path, audit.parse_since("2999-01-01"))) == []
    with path.open("a") as f:
        f.write('{"torn')  # a crash mid-line: reported, not hidden
    assert list(audit.read(path))[-1] == {"unreadable": '{"torn'}


def test_build_and_load_write_one_audit_line_per_document_and_file(tmp_path: Path) -> None:
    from tests.serving import PROTOCOL_DATA

    doc = tmp_path / "docs" / "valdora-report.txt"
    doc.parent.mkdir()
    from tests.partners_support import REPORT

    doc.write_text(REPORT, encoding="utf-8")
    store = tmp_path / "store"
    built = cli("build", "--store", str(store), "--workers", "0", "-q", str(doc), env={"CASEGRAPH_NLP_MODEL": "none"})
    assert built.returncode == 0, built.stderr
    loaded = cli("load", "--store", str(tmp_path / "other"), str(PROTOCOL_DATA))
    assert loaded.returncode == 0, loaded.stderr
    lines = [json.loads(x) for x in (tmp_path / "store.audit.jsonl").read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["what"] == "build"
    assert lines[0]["document"].endswith("/document/valdora-report")
    assert lines[0]["content_hash"].startswith("sha256:")
    load_lines = [json.loads(x) for x in (tmp_path / "other.audit.jsonl").read_text().splitlines()]
    assert [x["what"] for x in load_lines] == ["load"] and load_lines[0]["file"] == str(PROTOCOL_DATA)
