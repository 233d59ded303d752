"""Who is asking, and how often: the client address behind our proxies, and counters in the
shared cache that cap the actions an attacker could repeat (see docs/security.md).

A limit counts uses of one subject (an address, an email, a workspace) in a window that starts
at the first use and lasts `seconds`; subjects are hashed, so the cache holds no address or email.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    @property
    def minutes(self) -> int:
        return -(-self.seconds // 60)


def limit(name: str) -> Limit:
    """A limit named in settings.RATE_LIMITS, read when used so that tests can change it."""
    count, seconds = settings.RATE_LIMITS[name]
    return Limit(name=name, count=count, seconds=seconds)


def _key(limit: Limit, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{limit.name}:{digest}"


def exceeded(limit: Limit, subject: str) -> bool:
    """Whether `subject` has used up `limit`, without counting a use."""
    return (cache.get(_key(limit, subject)) or 0) >= limit.count


def hit(limit: Limit, subject: str) -> bool:
    """Count one use of `subject`; False when it goes over the limit (the use is refused)."""
    key = _key(limit, subject)
    # add() starts the window only when there is none; incr() is atomic on Redis, so
    # concurrent requests cannot slip past the count.
    cache.add(key, 0, timeout=limit.seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=limit.seconds)
        used = 1
    return used <= limit.count


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each appending the address it
    saw to X-Forwarded-For, it is the entry the outermost proxy added: everything to its left
    was written by the client and may be forged. With no proxy the header is ignored."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not sent through all our proxies: only the socket is known
    return forwarded[-proxies]


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a login attempt is for, as django-axes counts it: emails log in whatever
    their case (accounts.models.UserManager), so `Ann@x.com` and `ann@x.com` are one account."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    return username.strip().lower() if username else username
