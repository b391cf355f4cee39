"""Credentials out of everything we print or log: the one helper for URLs and free text.

A store URL may carry ``user:password@`` (a shared SPARQL server behind basic auth) and a
source URL may carry an API key in its query string; both end up in summaries, error
messages and logs unless every caller scrubs them. Here is the one place that knows what a
secret looks like, so ``ingest`` (the HTTP policy) and ``kg`` (the CLI, the store, the
server) mask the same things the same way. It lives in ``ingest`` because ``ingest`` never
imports ``kg``, while ``kg`` may import this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

SECRET_PARAMS = frozenset({
    "api_key", "apikey", "api-key", "key", "token", "access_token", "auth", "auth_token", "x-api-key",
    "password", "passwd", "pwd", "secret", "client_secret", "sig", "signature",
})
"""Query parameters whose values are masked wherever they appear (compared case-insensitively)."""

# A URL inside free text: scheme://... up to whitespace, a quote or an angle bracket.
_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
# A secret query value outside a full URL (urllib3 prints "with url: /x?api_key=..." without the host).
_SECRET_NAMES = "|".join(re.escape(p) for p in sorted(SECRET_PARAMS))
_PARAM_IN_TEXT = re.compile(r"(?i)([?&;](?:" + _SECRET_NAMES + r")=)[^&#\s'\"<>]*")


def _mask_userinfo(netloc: str) -> str:
    """``user:password@host`` -> ``user:***@host``; a user name alone (a token as user) is masked too."""
    if "@" not in netloc:
        return netloc
    userinfo, _, host = netloc.rpartition("@")
    user, sep, _ = userinfo.partition(":")
    return f"{user}:{MASK}@{host}" if sep else f"{MASK}@{host}"


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` fit to show: the password of ``user:password@`` and secret-looking query values
    masked, then every string of ``secrets`` (API keys known to the caller)."""
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. '[' in a password the user did not percent-encode
        return _mask_known(_misread_userinfo(url), secrets)
    beyond_authority = url.rfind("@") >= len(parts.scheme) + 3 + len(parts.netloc)
    if beyond_authority and _MISREAD_USERINFO.match(url):
        return _mask_known(_misread_userinfo(url), secrets)
    netloc = _mask_userinfo(parts.netloc)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe=",:*/")
    shown = urlunsplit(parts._replace(netloc=netloc, query=query))
    return _mask_known(shown, secrets)


# user:password@host where the password holds '#', '/', '?' or '[' (not percent-encoded, as a
# careless user types it): the standard parser ends the authority early and finds no '@'. The
# last '@' followed by a host[:port] and the end, a path, a query or a fragment ends it here.
_MISREAD_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^@]*:.*@[A-Za-z0-9.\-\[\]:]+(?:[/?#]|$)", re.S)


def _misread_userinfo(url: str) -> str:
    """A URL the standard parser cannot read, or reads ``user:pa#ss@host`` as host ``user``
    and port ``pa``: everything from the first ``:`` after the scheme to the last ``@`` is
    masked, the safe reading of an ambiguous URL (a rare path holding '@' is masked too).
    (Before, the fallback went back through redact_text, which found the same URL again and
    recursed until RecursionError.)"""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user}:{MASK}@{host}" if colon else f"{scheme}://{MASK}@{host}"


def redact_text(text: str | None, secrets: Iterable[str] = ()) -> str:
    """``text`` (an exception message, a log line) with every URL in it redacted, stray secret
    query values masked and every string of ``secrets`` replaced."""
    if not text:
        return text or ""
    text = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)
    text = _PARAM_IN_TEXT.sub(lambda m: m.group(1) + MASK, text)
    return _mask_known(text, secrets)


def _mask_known(text: str, secrets: Iterable[str]) -> str:
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
