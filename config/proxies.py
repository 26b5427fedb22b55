"""The visitor's address, told apart from the proxies in front of the site.

Behind nginx or a load balancer every request comes from the proxy, so REMOTE_ADDR alone
would make every visitor one address (one member's typos locking out everyone). The proxy
reports the client in X-Forwarded-For, but any client can send that header too: it is read
only when the request comes from a proxy listed in DJANGO_TRUSTED_PROXIES (addresses or
networks), and then from the right, skipping our own proxies, so an address the client
wrote into the header itself is never taken.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not _is_trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: the proxy is all we know
    return hops[0] if hops else remote
