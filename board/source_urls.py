"""원문 URL as the duplicate check compares it.

On a news board the same article is posted by several members, each link copied from a
different place: http or https, with or without www., a trailing slash, a share button's
tracking parameters. `normalise()` keeps what names the article and drops the rest, so all
of those compare equal; Post.source_key stores the result.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

# Parameters that say where a click came from, not which page it opens.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
    "ref_src", "ref_url", "cmpid", "ncid", "spm", "si", "feature", "trk", "s_cid", "ocid",
}  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_LENGTH = 500


def is_tracking(name):
    name = name.lower()
    return name.startswith(TRACKING_PREFIXES) or name in TRACKING_PARAMETERS


def normalise(url):
    """ "https://www.Example.com/news/1/?utm_source=x&b=2&a=1#top" → "example.com/news/1?a=1&b=2".

    The scheme, a leading www., the port a scheme implies, a trailing slash, the fragment
    and tracking parameters go; the host is lower-cased and the remaining parameters sorted.
    "" for an empty or unreadable URL (never a duplicate of anything)."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    host = host.removeprefix("www.")
    if port and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(name)
    )
    key = host + path + (f"?{urlencode(query)}" if query else "")
    return key[:MAX_LENGTH]
