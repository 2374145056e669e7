"""Optionally check that an email domain exists in DNS (MX, else A/AAAA), with a cache.

Used only when the service is configured with a :class:`DomainResolver`; the default
screening is offline. A lookup never raises and never takes much longer than its timeout:
any failure, timeout or missing resolver configuration gives "unknown", not "no".
"""

from __future__ import annotations

import time
from collections.abc import Callable

import dns.exception
import dns.resolver

from screening.core.expiring import ExpiringCache

# A lookup answers True (domain takes mail), False (domain does not exist or has no mail
# host) or None (could not tell). It must honour the timeout it is given, in seconds.
Lookup = Callable[[str, float], bool | None]

_MAX_DOMAIN_LEN = 253


class DomainResolver:
    """Answer "yes" / "no" / "unknown" for "does this domain receive mail", with a cache.

    Definite answers are cached for ``ttl_seconds``; "unknown" only for
    ``unknown_ttl_seconds`` so that a DNS outage does not cost every signup a full timeout
    while still recovering quickly. The cache holds at most ``max_entries`` domains and
    evicts the least recently used. Safe to share between threads.
    """

    def __init__(
        self,
        *,
        timeout: float = 1.5,
        ttl_seconds: float = 3600.0,
        unknown_ttl_seconds: float = 60.0,
        max_entries: int = 10_000,
        lookup: Lookup | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a resolver.

        Args:
            timeout: Seconds one lookup may take in total (all record types together).
            ttl_seconds: How long a "yes" or "no" answer is reused.
            unknown_ttl_seconds: How long an "unknown" answer is reused.
            max_entries: Most domains kept in the cache.
            lookup: Replaces the DNS query (for tests or another backend).
            clock: Monotonic clock in seconds (for tests).
        """
        self.timeout = timeout
        self.ttl_seconds = ttl_seconds
        self.unknown_ttl_seconds = unknown_ttl_seconds
        self._lookup: Lookup = lookup if lookup is not None else self._dns_lookup
        self._clock = clock
        self._cache: ExpiringCache[str, str] = ExpiringCache(max_entries)
        self._dns: dns.resolver.Resolver | None = None

    def resolves(self, domain: str) -> str:
        """Return "yes", "no" or "unknown" for a lower-case ASCII domain."""
        domain = domain.strip().lower().rstrip(".")
        if not domain or len(domain) > _MAX_DOMAIN_LEN or not domain.isascii():
            return "unknown"
        hit = self._cache.get(domain, self._clock())
        if hit is not None:
            return hit[0]
        try:
            found = self._lookup(domain, self.timeout)
        except Exception:  # a broken lookup must never break a signup
            found = None
        answer = "unknown" if found is None else ("yes" if found else "no")
        ttl = self.unknown_ttl_seconds if answer == "unknown" else self.ttl_seconds
        self._cache.put(domain, answer, self._clock() + ttl)
        return answer

    def cache_size(self) -> int:
        """Return how many domains are cached (expired ones included until evicted)."""
        return len(self._cache)

    def _dns_lookup(self, domain: str, timeout: float) -> bool | None:
        """Query MX, then A, then AAAA records within one overall deadline."""
        deadline = time.monotonic() + timeout
        try:
            if self._dns is None:
                # Reads the system resolver configuration once, on first use.
                self._dns = dns.resolver.Resolver()
            resolver = self._dns
            for rdtype in ("MX", "A", "AAAA"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                try:
                    answer = resolver.resolve(domain, rdtype, lifetime=remaining, search=False)
                except dns.resolver.NoAnswer:
                    continue
                if rdtype == "MX":
                    # RFC 7505 null MX ("0 .") means the domain explicitly takes no mail.
                    return any(str(r.exchange) != "." for r in answer)
                return True
            return False
        except dns.resolver.NXDOMAIN:
            return False
        except (dns.exception.DNSException, OSError):
            return None
