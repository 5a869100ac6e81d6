"""Which address a request came from, believing X-Forwarded-For only as far as it was written by our own proxies.

A client can send any X-Forwarded-For it likes; only the hops appended by proxies listed in `trusted_proxies` are
facts. Walking the header from the right, the first hop that is not one of ours is the client.
"""

from __future__ import annotations

import ipaddress


def _is_trusted(address: str, trusted: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str, trusted: tuple) -> str:
    """The socket's peer unless that peer is a trusted proxy; then the nearest hop our proxies did not add."""
    peer = peer or "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer
