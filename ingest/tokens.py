"""Write and read tokens for partners: who may see withheld documents, upload, curate or
administer a store.

A token is `cg_<id>_<secret>`: `id` (12 hex digits) is not secret and names the row to check,
so verifying a token costs one scrypt, whatever the number of tokens; `secret` (43 characters
of URL-safe base64, 256 bits) is never stored. Only a slow hash is: hashlib.scrypt with a
per-token random salt (N=2**14, r=8, p=1: about 16 MiB and a tenth of a second per guess), and
the comparison is constant-time (hmac.compare_digest). A token whose id is unknown still costs
one scrypt, so a guess learns nothing from the time its refusal takes.

The tokens live in one SQLite file beside the store (`<store>.tokens.sqlite`; for a store on a
server, data/build/<host>_<port>.tokens.sqlite), or where `--tokens`/CASEGRAPH_TOKENS points,
created with mode 0600. The server reads the file on every check, so a token added or revoked
from the command line counts at once; a token it has verified once is remembered (as a SHA-256
of the whole token, in memory only) so its later requests skip the scrypt, while revocation and
expiry are still read from the file each time.

Scopes: `read-withheld` (see withheld documents through the same endpoints), `ingest` (upload
documents), `curate` (replace a document's extraction with curated facts, publish an upload at
once), `admin` (all of these, and the audit trail).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ingest.local_files import beside_store, private_file

SCOPES = ("read-withheld", "ingest", "curate", "admin")
SUFFIX = ".tokens.sqlite"
ENV = "CASEGRAPH_TOKENS"
# scrypt cost: N=2**14, r=8 takes 16 MiB and ~0.1 s per hash (OpenSSL's limit is 32 MiB).
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
TOKEN = re.compile(r"^cg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_DUMMY_SALT = b"\x00" * 16
REMEMBERED = 1024  # verified tokens kept in memory (their SHA-256 only)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    scopes TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT,
    revoked TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens(name) WHERE revoked IS NULL;
"""


class TokenError(ValueError):
    """A token command that cannot be done (bad name or scope, a name in use, no such token)."""


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for: its name and scopes (admin holds every scope)."""

    name: str
    scopes: frozenset[str]

    def has(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


@dataclass(frozen=True)
class TokenInfo:
    name: str
    scopes: tuple[str, ...]
    created: str
    expires: str | None
    revoked: str | None


def tokens_path_for(location: Path | str) -> Path:
    """The tokens file of a store: $CASEGRAPH_TOKENS, else beside the store."""
    override = os.environ.get(ENV)
    return Path(override) if override else beside_store(location, SUFFIX)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("ascii"), salt=salt, **SCRYPT)


def parse_expiry(text: str) -> datetime:
    """`--expires`: a date (the token stops working at 00:00 UTC that day) or an ISO 8601
    time (UTC when it names no offset). ValueError naming the problem."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--expires {text!r}: not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


class TokenFile:
    """The tokens of one store, in their SQLite file (created 0600 on the first `add`)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._remembered: OrderedDict[bytes, str] = OrderedDict()  # sha256(token) -> id
        self._lock = threading.Lock()

    def _connect(self, *, write: bool) -> sqlite3.Connection | None:
        if write:
            private_file(self.path)
            db = sqlite3.connect(self.path, timeout=10)
            db.executescript(_SCHEMA)
            return db
        if not self.path.is_file():
            return None
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)

    # --- the command line's side -------------------------------------------------------
    def add(self, name: str, scopes: Iterable[str], expires: datetime | None = None) -> str:
        """A new token for `name` with `scopes`; the token itself, which is never seen again."""
        if not NAME.match(name):
            raise TokenError(f"token name {name!r}: use letters, digits and . _ @ - (at most 64, no leading symbol)")
        chosen = sorted(set(scopes))
        unknown = [s for s in chosen if s not in SCOPES]
        if unknown or not chosen:
            raise TokenError(f"scope {unknown[0] if unknown else 'missing'}: choose from {', '.join(SCOPES)}")
        if expires is not None and expires <= _now():
            raise TokenError(f"--expires {expires.isoformat()} is in the past")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        db = self._connect(write=True)
        assert db is not None
        try:
            with db:
                db.execute(
                    "INSERT INTO tokens (id, name, salt, hash, scopes, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        token_id,
                        name,
                        salt,
                        _hash(secret, salt),
                        " ".join(chosen),
                        _now().isoformat(),
                        None if expires is None else expires.isoformat(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise TokenError(f"a token named {name!r} exists already (revoke it first, or use another name)") from None
        finally:
            db.close()
        return f"cg_{token_id}_{secret}"

    def list(self) -> list[TokenInfo]:
        db = self._connect(write=False)
        if db is None:
            return []
        try:
            rows = db.execute("SELECT name, scopes, created, expires, revoked FROM tokens ORDER BY created, name")
            return [TokenInfo(n, tuple(s.split()), c, e, r) for n, s, c, e, r in rows]
        except sqlite3.OperationalError:  # an empty file: no table yet
            return []
        finally:
            db.close()

    def revoke(self, name: str) -> TokenInfo:
        """Revoke the active token called `name` (TokenError when there is none)."""
        db = self._connect(write=True)
        assert db is not None
        try:
            with db:
                row = db.execute(
                    "SELECT scopes, created, expires FROM tokens WHERE name = ? AND revoked IS NULL", (name,)
                ).fetchone()
                if row is None:
                    raise TokenError(f"no active token named {name!r}")
                when = _now().isoformat()
                db.execute("UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (when, name))
        finally:
            db.close()
        return TokenInfo(name, tuple(row[0].split()), row[1], row[2], when)

    # --- the server's side -------------------------------------------------------------
    def verify(self, token: str) -> Principal | None:
        """The principal of a valid token; None for a malformed, unknown, wrong, revoked or
        expired one (the caller answers all of them alike). Costs one scrypt the first time a
        token is seen, whether it is valid or not."""
        match = TOKEN.match(token)
        token_id, secret = match.groups() if match else ("", token)
        db = self._connect(write=False)
        row = None
        try:
            if db is not None and token_id:
                row = db.execute(
                    "SELECT name, salt, hash, scopes, expires, revoked FROM tokens WHERE id = ?", (token_id,)
                ).fetchone()
        except sqlite3.OperationalError:
            row = None
        finally:
            if db is not None:
                db.close()
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        with self._lock:
            known = row is not None and self._remembered.get(digest) == token_id
            if known:
                self._remembered.move_to_end(digest)
        if not known:
            salt, stored = (row[1], row[2]) if row is not None else (_DUMMY_SALT, b"")
            try:
                computed = _hash(secret if match else "x", salt)
            except (UnicodeEncodeError, ValueError):
                return None
            if row is None or not hmac.compare_digest(computed, stored):
                return None
            with self._lock:
                self._remembered[digest] = token_id
                if len(self._remembered) > REMEMBERED:
                    self._remembered.popitem(last=False)
        assert row is not None
        name, _salt, _stored, scopes, expires, revoked = row
        if revoked is not None or (expires is not None and datetime.fromisoformat(expires) <= _now()):
            return None
        return Principal(name, frozenset(scopes.split()))
