"""Who a request comes from: its client address (through trusted proxies only) and its client
key, the name the per-client limits count under (api.limits, ingest.store.fairness).

The key is pluggable. `Settings.client_key` names one of CLIENT_KEYS; "address" (the default)
counts by IP address, an IPv6 address by its /64 (one household or server gets a /64, and
counting single addresses would give it 2^64 budgets). Another scheme (bearer tokens for
partners, say) registers a function and is chosen by name:

    from api.clients import register_client_key, by_address

    def by_token(request: ClientRequest) -> str:
        token = request.bearer_token()
        partner = PARTNERS.get(token) if token else None
        return f"partner:{partner}" if partner else by_address(request)

    register_client_key("token", by_token)     # CASEGRAPH_CLIENT_KEY=token

A key function must be cheap (it runs on every request, before routing) and must never trust
what a client merely claims: an unknown or invalid token falls back to the address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any

from api.settings import Settings

Network = IPv4Network | IPv6Network


@dataclass(frozen=True)
class ClientRequest:
    """What a key function may look at: the client's address (already resolved through trusted
    proxies) and the request's headers (lower-case names, as ASGI gives them)."""

    address: str
    headers: tuple[tuple[bytes, bytes], ...]

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode("latin-1")
        for key, value in self.headers:
            if key == wanted:
                return value.decode("latin-1")
        return None

    def bearer_token(self) -> str | None:
        auth = self.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None


ClientKey = Callable[[ClientRequest], str]


def by_address(request: ClientRequest) -> str:
    """The client's address; an IPv6 address by its /64 network."""
    try:
        ip = ip_address(request.address)
    except ValueError:  # not an IP (a Unix socket, a test client): the text as it is
        return request.address
    if isinstance(ip, IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ip_network(f"{ip}/64", strict=False))
    return str(ip)


CLIENT_KEYS: dict[str, ClientKey] = {"address": by_address}


def register_client_key(name: str, key: ClientKey) -> None:
    """Make `key` selectable as CASEGRAPH_CLIENT_KEY=name."""
    CLIENT_KEYS[name] = key


def client_key_function(settings: Settings) -> ClientKey:
    try:
        return CLIENT_KEYS[settings.client_key]
    except KeyError:
        raise ValueError(
            f"CASEGRAPH_CLIENT_KEY={settings.client_key!r} is not a known client key; known: {', '.join(CLIENT_KEYS)}"
        ) from None


def _parse(address: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Iterable[Network]) -> str:
    """The address a request comes from. `peer` is the TCP peer; only when it is a trusted
    proxy is X-Forwarded-For read, right to left (each proxy appends the address it got the
    request from), skipping further trusted proxies: the first address that is not one is
    the client. Anything a client writes there itself sits to the left of that and is never
    believed. A malformed entry ends the walk at the proxy that passed it on."""
    nets = list(trusted)
    if not nets:
        return peer

    def is_trusted(ip: IPv4Address | IPv6Address | None) -> bool:
        return ip is not None and any(ip in net for net in nets)

    current = peer
    if not is_trusted(_parse(current)):
        return current
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            return current
        current = str(ip)
        if not is_trusted(ip):
            return current
    return current


class ClientIdentity:
    """Resolves (client address, client key) for request scopes, with the settings' trusted
    proxies parsed once."""

    def __init__(self, settings: Settings, key: ClientKey | None = None) -> None:
        self.networks = [ip_network(n) for n in settings.trusted_proxies]
        self.key = key or client_key_function(settings)

    def __call__(self, scope: dict[str, Any]) -> tuple[str, str]:
        peer = str((scope.get("client") or ("unknown", 0))[0])
        headers = tuple(scope.get("headers") or ())
        address = peer
        if self.networks:
            forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
            address = client_address(peer, forwarded, self.networks)
        return address, self.key(ClientRequest(address, headers))


def client_of(scope: Mapping[str, Any]) -> str:
    """The client key api.limits recorded for this request ("unknown" outside the middleware)."""
    return str((scope.get("state") or {}).get("client_key", "unknown"))
