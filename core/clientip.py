"""The client's address of a request: the one function that the lockout, every rate limit and the audit log ask.

`X-Forwarded-For` is believed only when the request came from a proxy we run: REMOTE_ADDR must be inside one of
the networks in `settings.TRUSTED_PROXIES` (CIDRs; empty by default, so the header is ignored). Then the header is
read from the right — each of our proxies appends the address it saw — and the first hop that is not one of our
proxies is the client. Everything left of it was written by the client and proves nothing (a client rotating
`X-Forwarded-For: 1.2.3.<n>` would otherwise be a new caller every request).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in trusted if cidr.strip())


def trusted_networks():
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _address(value):
    try:
        address = ipaddress.ip_address(str(value).strip().strip("[]"))
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def is_trusted_proxy(address) -> bool:
    address = _address(address) if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address) else address
    return address is not None and any(address in network for network in trusted_networks())


def client_ip(request) -> str | None:
    """The client's address as text (Python's spelling), or None when the request carries none."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None or not is_trusted_proxy(remote):
        return None if remote is None else str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = remote
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # garbage in the header: the last address we could trust is the answer
            break
        client = address
        if not is_trusted_proxy(address):
            break
    return str(client)
