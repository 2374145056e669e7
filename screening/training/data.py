"""Labelled training rows: synthetic signups screened by the real checks, on a simulated timeline.

Each synthetic signup (the rows :func:`screening.training.synth.population` draws) goes
through :func:`screening.core.pipeline.check` (the policy's minimisation, then the checks), the
request path's own code, with the
name model. Velocity counts come from the same identifiers the service counts
(:func:`screening.core.velocity.identifiers`), on a timeline: ordinary people arrive at
:data:`SIGNUPS_PER_DAY` spread over the days, a burst's signups a few minutes apart, and some
ordinary people sign up twice within minutes (a retry after a typo or a timeout), so that
an exact repeat is seen to be ordinary and only variants (other mailboxes with the same stem,
neighbouring phone numbers) look like one actor.
"""

from __future__ import annotations

import bisect
import hashlib
import multiprocessing
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from screening.config import DEFAULT_POLICY
from screening.core.checks import SignalValue
from screening.core.linked import LINKS
from screening.core.model import names
from screening.core.model.habits import HabitCounts
from screening.core.pipeline import Checked, NamePlausibility, check, warm_up
from screening.core.policy import Policy, load_policy
from screening.core.velocity import KINDS, WINDOWS, identifiers
from screening.training.synth import (
    REFERENCE_DATE,
    SyntheticSignup,
    fraudulent,
    legitimate,
    legitimate_by_script,
)
from screening.training.synth.fraud import SHARED_SHARE
from screening.training.synth.locales import CONTINENT
from screening.training.synth.people import SCRIPT_GROUPS
from screening.training.synth.shared import shared

SIGNUPS_PER_DAY = 2000
RETRY_SHARE = 0.02
REGIONS = ("europe", "north_america", "south_america", "middle_east", "africa", "asia", "oceania")


@dataclass(frozen=True)
class Row:
    """One labelled signup as the model sees it: signals only, plus what to group metrics by."""

    signals: Mapping[str, SignalValue]
    fraud: bool
    pattern: str = "review"
    locale: str = ""
    script: str = ""
    region: str = ""
    group: str = ""
    source: str = "synthetic"
    velocity: Mapping[str, int] = field(default_factory=dict)
    # When it arrived on the simulated timeline (seconds), and digests of the identifiers a
    # later held signup may link it by (screening.core.linked): for linked review.
    at: float = 0.0
    links: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Event:
    at: float
    signup: SyntheticSignup
    group: str
    retry: bool


def _timeline(signups: Sequence[SyntheticSignup], seed: int) -> list[_Event]:
    rng = random.Random(f"screening.model.timeline/{seed}")
    span = max(1.0, len(signups) / SIGNUPS_PER_DAY) * 86_400
    starts: dict[str, float] = {}
    events: list[_Event] = []
    for i, signup in enumerate(signups):
        if signup.actor is not None:
            # A burst: its rows a few minutes apart, in the order the generator made them.
            at = starts.get(signup.actor, rng.uniform(0, span)) + rng.uniform(30, 600)
            starts[signup.actor] = at
            events.append(_Event(at, signup, signup.actor, False))
            continue
        at = rng.uniform(0, span)
        events.append(_Event(at, signup, f"row{i}", False))
        if signup.label == "legitimate" and rng.random() < RETRY_SHARE:
            events.append(_Event(at + rng.uniform(60, 1800), signup, f"row{i}", True))
    events.sort(key=lambda e: e.at)
    return events


class _Counter:
    """Earlier signups per identifier, counted over the service's windows."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], list[float]] = {}

    def count(self, keys: Mapping[str, str], at: float) -> dict[str, int]:
        out = {f"velocity.{kind}_{label}": 0 for kind, _ in KINDS for label, _ in WINDOWS}
        for kind, key in keys.items():
            times = self._seen.setdefault((kind, key), [])
            for label, seconds in WINDOWS:
                out[f"velocity.{kind}_{label}"] = len(times) - bisect.bisect_right(
                    times, at - seconds
                )
            times.append(at)
        return out


Checks = tuple[dict[str, SignalValue], dict[str, str]]


def _checked(
    signups: Iterable[SyntheticSignup], name_scorer: NamePlausibility | None, policy: Policy | None
) -> Iterator[Checked]:
    policy = policy or load_policy(DEFAULT_POLICY)
    warm_up()
    for signup in signups:
        yield check(signup.body, policy=policy, today=REFERENCE_DATE, name_scorer=name_scorer)


def check_signups(
    signups: Sequence[SyntheticSignup],
    *,
    name_scorer: NamePlausibility | None,
    policy: Policy | None = None,
) -> list[Checks]:
    """Return each signup's signals and velocity identifiers, from the service's checks."""
    return [
        (checked.signals, identifiers(checked.normalized, checked.signals))
        for checked in _checked(signups, name_scorer, policy)
    ]


def count_habits(signups: Iterable[SyntheticSignup]) -> HabitCounts:
    """Count ordinary signups' mail providers and phone regions, from the service's checks."""
    return HabitCounts.of(checked.signals for checked in _checked(signups, None, None))


def on_timeline(
    signups: Sequence[SyntheticSignup], checks: Sequence[Checks], *, seed: int
) -> list[Row]:
    """Put checked signups on a simulated timeline and add their velocity counts."""
    counter = _Counter()
    index = {id(signup): i for i, signup in enumerate(signups)}
    rows: list[Row] = []
    for event in _timeline(signups, seed):
        signup = event.signup
        signals, keys = checks[index[id(signup)]]
        velocity = counter.count(keys, event.at)
        links = {kind: _digest(keys[kind]) for kind in LINKS if kind in keys}
        country = str(signals.get("address.country") or "")
        rows.append(
            Row(
                signals={**signals, **velocity},
                fraud=signup.label == "fraud",
                pattern="retry" if event.retry else signup.pattern,
                locale=signup.locale,
                script=signup.script,
                region=CONTINENT.get(country, "other"),
                group=event.group,
                velocity=velocity,
                at=event.at,
                links=links,
            )
        )
    return rows


def _digest(key: str) -> str:
    # Rows keep a digest of an identifier, never the name and postal code themselves.
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def screen_rows(
    signups: Sequence[SyntheticSignup], *, seed: int, name_scorer: NamePlausibility | None
) -> list[Row]:
    """Screen synthetic signups with the service's checks, on a simulated timeline."""
    return on_timeline(signups, check_signups(signups, name_scorer=name_scorer), seed=seed)


def _draw(kind: str, n: int, seed: int, groups: tuple[str, ...]) -> list[SyntheticSignup]:
    if kind in ("legitimate", "habits"):
        return legitimate(n, seed=seed)
    if kind == "by_script":
        return legitimate_by_script(n, seed=seed, groups=groups)
    if kind == "shared":
        return shared(n, seed=seed)
    return fraudulent(n, seed=seed)


# (kind, n, seed, script groups): "legitimate", "fraudulent" and "by_script" (fairness) make
# rows; "habits" makes only counts (HabitCounts), never kept as rows.
Task = tuple[str, int, int, tuple[str, ...]]
Part = tuple[list[SyntheticSignup], list[Checks]] | HabitCounts
# Ordinary people per "habits" task: two tasks can run side by side.
_HABITS_CHUNK = 50_000


def _job(tasks: Sequence[Task], name_model: Any) -> list[Part]:
    # Runs in a worker process: draw the signups and check them there.
    scorer = names.NameScorer(name_model) if name_model is not None else None
    out: list[Part] = []
    for kind, n, seed, groups in tasks:
        signups = _draw(kind, n, seed, groups)
        if kind == "habits":
            out.append(count_habits(signups))
        else:
            out.append((signups, check_signups(signups, name_scorer=scorer)))
    return out


def _plan(tasks: Sequence[Task], workers: int) -> list[list[int]]:
    # Biggest first onto the least loaded worker: about even shares of rows to check.
    def size(task: Task) -> int:
        return task[1] * max(1, len(task[3]))

    loads = [0] * workers
    plan: list[list[int]] = [[] for _ in range(workers)]
    for i in sorted(range(len(tasks)), key=lambda i: -size(tasks[i])):
        least = loads.index(min(loads))
        plan[least].append(i)
        loads[least] += size(tasks[i])
    return [p for p in plan if p]


class Built(NamedTuple):
    """What :func:`build` makes: the population, the fairness sample, the habit counts."""

    population: list[Row]
    fairness: list[Row]
    habits: HabitCounts


def build(
    n: int,
    *,
    seed: int,
    fraud_rate: float,
    fairness_n: int,
    name_model: Any,
    habits_n: int = 0,
    workers: int = 2,
) -> Built:
    """Return the population rows, the fairness rows and habit counts, screened with the
    fitted ``name_model``.

    The population is ``n`` signups, ``round(n * fraud_rate)`` fraudulent, as
    :func:`screening.training.synth.population` draws them; the fairness rows are about
    ``fairness_n`` more ordinary people of each script group
    (:func:`screening.training.synth.legitimate_by_script`, seed + 1) on their own timeline; the
    habit counts are of ``habits_n`` further ordinary people (seeds from seed + 2 on, in
    chunks), counted and not kept. With ``workers`` > 1, drawing and checking run in that
    many processes (the results are identical).
    """
    n_fraud = round(n * fraud_rate)
    n_shared = round((n - n_fraud) * SHARED_SHARE)
    chunks = [min(_HABITS_CHUNK, habits_n - start) for start in range(0, habits_n, _HABITS_CHUNK)]
    tasks: list[Task] = [
        ("legitimate", n - n_fraud - n_shared, seed, ()),
        ("shared", n_shared, seed, ()),
        ("fraudulent", n_fraud, seed, ()),
        *[("by_script", fairness_n, seed + 1, (group,)) for group in SCRIPT_GROUPS],
        *[("habits", size, seed + 2 + i, ()) for i, size in enumerate(chunks)],
    ]
    if workers > 1:
        plan = _plan(tasks, min(workers, 2))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(plan), mp_context=context) as pool:
            futures = [pool.submit(_job, [tasks[i] for i in p], name_model) for p in plan]
            done: dict[int, Part] = {}
            for indices, future in zip(plan, futures, strict=True):
                done.update(zip(indices, future.result(), strict=True))
        parts = [done[i] for i in range(len(tasks))]
    else:
        parts = _job(tasks, name_model)
    rows = [p for p in parts if not isinstance(p, HabitCounts)]
    (legit, legit_checks), (together, together_checks), (fraud, fraud_checks) = rows[:3]
    fair = [s for signups, _ in rows[3:] for s in signups]
    fair_checks = [c for _, checks in rows[3:] for c in checks]
    habits = HabitCounts()
    for part in parts:
        if isinstance(part, HabitCounts):
            habits.merge(part)
    return Built(
        on_timeline(
            legit + together + fraud, legit_checks + together_checks + fraud_checks, seed=seed
        ),
        on_timeline(fair, fair_checks, seed=seed + 1),
        habits,
    )


def split(rows: Sequence[Row], *, test_share: float, seed: int) -> tuple[list[Row], list[Row]]:
    """Split rows into (train, test) by group, so a burst or a retry never straddles the split."""
    groups = sorted({row.group for row in rows})
    rng = random.Random(f"screening.model.split/{seed}")
    rng.shuffle(groups)
    test_groups = set(groups[: round(len(groups) * test_share)])
    train = [row for row in rows if row.group not in test_groups]
    test = [row for row in rows if row.group in test_groups]
    return train, test


def labelled_rows(items: Iterable[tuple[str, Mapping[str, Any], str]]) -> list[Row]:
    """Turn (decision id, stored signals, label) from resolved reviews into training rows."""
    return [
        Row(signals=dict(signals), fraud=label == "fraud", group=decision_id, source="review")
        for decision_id, signals, label in items
        if label in ("fraud", "legitimate")
    ]


def data_hash(matrix: Any, labels: Any) -> str:
    """Return the sha256 of a feature matrix and its labels (what the model was fitted on)."""
    digest = hashlib.sha256()
    digest.update(str(matrix.shape).encode())
    digest.update(matrix.astype("<f8").tobytes())
    digest.update(labels.astype("<i1").tobytes())
    return digest.hexdigest()
