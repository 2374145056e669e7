"""The running service's parts, built once per process from settings.

Holds the policy, the database, the pseudonymiser and the live rule set, which
every process re-reads from the database within ``rules_reload_seconds`` of a
new version being published (no restart, no shared memory needed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening.config import Settings
from screening.core.checks import SignalValue
from screening.core.checks.emails import DomainResolver
from screening.core.model.artifact import LoadedModel
from screening.core.model.artifact import load as load_model
from screening.core.model.scoring import ExplainingScorer
from screening.core.pipeline import ModelScorer, NamePlausibility, warm_up
from screening.core.policy import Policy, load_policy
from screening.core.pseudonyms import Pseudonymizer
from screening.core.rules.ruleset import RuleSet, load_rule_set, parse_rule_set
from screening.errors import ConfigError, RuleSetError
from screening.service.principals import PrincipalCache
from screening.store import Database, pseudonym_keys
from screening.store import rulesets as ruleset_store
from screening.store.ratelimit import RateLimitStore, rate_limit_store
from screening.store.reviews import overdue_count
from screening.store.velocity import DatabaseVelocity, RedisVelocity, VelocityStore

MODEL_VERSION_NONE = "none"
log = logging.getLogger("screening.runtime")


@dataclass(frozen=True)
class LiveRuleSet:
    version: str
    rule_set: RuleSet


class LiveRules:
    """The newest published rule set, re-checked at most every ``interval`` seconds."""

    def __init__(self, db: Database, interval: float) -> None:
        self._db = db
        self._interval = interval
        self._lock = threading.Lock()
        self._current: LiveRuleSet | None = None
        self._current_id: int | None = None
        self._checked_at = 0.0

    def current(self) -> LiveRuleSet:
        now = time.monotonic()
        if self._current is not None and now - self._checked_at < self._interval:
            return self._current
        with self._lock:
            if self._current is None or now - self._checked_at >= self._interval:
                self._refresh()
                self._checked_at = time.monotonic()
        assert self._current is not None
        return self._current

    def invalidate(self) -> None:
        """Force the next :meth:`current` to re-read the database (after a publish)."""
        self._checked_at = 0.0

    def _refresh(self) -> None:
        with self._db.session() as session:
            latest_id = ruleset_store.latest_id(session)
            if latest_id is None:
                raise RuleSetError("no rule set has been published")
            if latest_id == self._current_id:
                return
            row = ruleset_store.latest(session)
            assert row is not None
            version, document = row.version, dict(row.document)
            row_id = row.id
        # Stored versions were validated when published; compiling again also
        # proves they still match this release's signal catalogue.
        self._current = LiveRuleSet(version, parse_rule_set(document))
        self._current_id = row_id


class Runtime:
    """Everything a request needs, validated at construction (bad parts never start)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy: Policy = load_policy(settings.policy_path)
        self.shipped_rules: RuleSet = load_rule_set(settings.rules_path)
        self.db = Database(settings.database_url, audit_key=settings.audit_key)
        self.pseudonyms = Pseudonymizer(settings.hmac_keys)
        self.rules = LiveRules(self.db, settings.rules_reload_seconds)
        self.principals = PrincipalCache(self.db, ttl=settings.key_cache_seconds)
        self.resolver = (
            DomainResolver(timeout=settings.email_dns_timeout_seconds)
            if settings.email_dns_check
            else None
        )
        self.velocity: VelocityStore = (
            RedisVelocity(settings.redis_url) if settings.redis_url else DatabaseVelocity()
        )
        self.rate_limits: RateLimitStore = rate_limit_store(self.db, settings.redis_url)
        warm_up()
        # A missing, altered or mismatched artifact raises ModelError: the service never
        # starts without the model its manifest describes.
        self.model: LoadedModel = load_model(settings.model_path)
        self.model_version: str = self.model.version
        # Extra gauge sources (session -> [(name, help, value)]), e.g. overdue breaches.
        self.gauge_sources: list[Any] = []
        self.scorer: ModelScorer = self.model.scorer
        self.name_scorer: NamePlausibility = self.model.name_scorer

    def explain(self, signals: Mapping[str, SignalValue]) -> list[dict[str, Any]]:
        """Return the model's top contributions to one decision's score (signed, plain words).

        Pass the decision's full signals (``Screened.signals``); the result is what the
        decision's ``contributions`` column stores.
        """
        return self.model.scorer.explain(signals)

    def explaining_scorer(self) -> ExplainingScorer:
        """Return a scorer for one decision that keeps its explanation (features computed once).

        ``scorer = runtime.explaining_scorer()``; ``evaluate(..., scorer=scorer)``; then
        ``scorer.contributions`` is what :meth:`explain` would return for those signals.
        """
        return ExplainingScorer(self.model.scorer)

    def state_gauges(self) -> list[tuple[str, str, float]]:
        """Return gauges of stored state for /metrics: overdue reviews (and more as added)."""
        gauges: list[tuple[str, str, float]] = []
        try:
            with self.db.session() as session:
                today = datetime.now(UTC).date()
                gauges.append(
                    (
                        "screening_reviews_overdue",
                        "Open review requests past their due date (GDPR Art. 12(3)).",
                        float(overdue_count(session, today)),
                    )
                )
                for extra in self.gauge_sources:
                    gauges.extend(extra(session))
        except Exception:  # noqa: BLE001 - metrics must answer even when the database does not
            log.warning("state gauges unavailable", extra={"event": "metrics"})
        return gauges

    def _check_pseudonym_keys(self) -> None:
        """Refuse to run without a key that stored pseudonyms may need; note the current one."""
        configured = {key.id for key in self.pseudonyms.keys}
        with self.db.session() as session:
            missing = pseudonym_keys.unconfigured(session, configured)
        if missing:
            names = ", ".join(missing)
            raise ConfigError(
                f"stored pseudonyms may use HMAC key id(s) {names}, which SCREENING_HMAC_KEYS "
                "no longer lists: without them a person's records cannot be found for rights "
                "requests, and restrictions, objections and list entries stop matching. Keep "
                "them in SCREENING_HMAC_KEYS after the current key, or run `screening keys "
                "retire-hmac ID` for each once no record uses it."
            )
        with self.db.session() as session:
            pseudonym_keys.record(session, self.pseudonyms.current_id, datetime.now(UTC))

    def prepare(self, *, migrate: bool) -> None:
        """Apply migrations (if asked) and seed the shipped rule set into an empty database."""
        if migrate:
            self.db.upgrade()
        else:
            self.db.require_migrated()
        self._check_pseudonym_keys()
        with self.db.session() as session:
            if ruleset_store.latest_id(session) is None:
                ruleset_store.publish(
                    session,
                    self.shipped_rules,
                    author="shipped",
                    note=str(self.settings.rules_path),
                )
