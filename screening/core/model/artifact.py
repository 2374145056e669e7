"""The model artifact on disk: a skops file beside a JSON manifest, verified before use.

``risk-model.skops`` holds the risk model, the name model, the feature list, the
explanation baseline and the per-country habits (:mod:`.habits`); ``risk-model.json``
(same stem) records its sha256, version, features, training data hash, settings and
metrics. Loading refuses, with a :class:`ModelError` that says why, an artifact whose hash
differs from the manifest, whose features differ from this release's, or that holds any
type outside an explicit allowlist: skops reports the types it does not trust by default
(:func:`skops.io.get_untrusted_types`), and only the two calibration classes that
scikit-learn's ``CalibratedClassifierCV`` needs are accepted. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio

from screening.core.checks import SignalValue
from screening.core.model.features import FEATURE_NAMES
from screening.core.model.habits import Habits
from screening.core.model.names import NameScorer
from screening.core.model.scoring import RiskScorer
from screening.core.vocabulary import iso
from screening.errors import ModelError

FORMAT = 1
# Types skops does not trust by default that this artifact legitimately holds. Anything
# else in the file (a function, an unknown class) makes loading fail.
ALLOWED_UNTRUSTED: frozenset[str] = frozenset(
    {
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
)
_KEYS = {"format", "risk", "names", "features", "reference", "habits"}


def manifest_path(artifact: Path) -> Path:
    """Return the manifest's path for an artifact (same folder and stem, ``.json``)."""
    return artifact.with_suffix(".json")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class LoadedModel:
    """A verified artifact, ready to serve."""

    version: str
    manifest: dict[str, Any]
    scorer: RiskScorer
    name_scorer: NameScorer

    def explain(self, signals: dict[str, SignalValue]) -> list[dict[str, Any]]:
        """Return the top signed contributions to this signup's score, in plain words."""
        return self.scorer.explain(signals)


def dump(
    path: Path,
    *,
    risk: Any,
    names: Any,
    reference: list[float],
    habits: Habits,
    manifest: dict[str, Any],
) -> dict[str, Any]:
    """Write the artifact and its manifest; return the manifest as written.

    ``manifest`` supplies everything but the integrity fields, which are added here.
    """
    payload = {
        "format": FORMAT,
        "risk": risk,
        "names": names,
        "features": list(FEATURE_NAMES),
        "reference": np.asarray(reference, dtype=float),
        "habits": habits.to_dict(),
    }
    data = sio.dumps(payload)
    digest = sha256_of(data)
    untrusted = sorted(sio.get_untrusted_types(data=data))
    created = datetime.now(UTC).replace(microsecond=0)
    full = {
        "format": FORMAT,
        "version": f"{created:%Y-%m-%d}-{digest[:10]}",
        "created_at": iso(created),
        "artifact": path.name,
        "sha256": digest,
        "features": list(FEATURE_NAMES),
        "trusted_types": untrusted,
        **manifest,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    manifest_path(path).write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    return full


def read_manifest(path: Path) -> dict[str, Any]:
    """Return the manifest beside ``path``.

    Raises:
        ModelError: if it is missing or not a JSON object.
    """
    target = manifest_path(path)
    try:
        manifest = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"The model manifest {target.name} is missing.") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"The model manifest {target.name} cannot be read.") from exc
    if not isinstance(manifest, dict):
        raise ModelError(f"The model manifest {target.name} is not a JSON object.")
    return manifest


_cache: dict[str, LoadedModel] = {}
_lock = threading.Lock()


def load(path: Path) -> LoadedModel:
    """Load and verify a model artifact.

    Raises:
        ModelError: if the artifact or manifest is missing or unreadable, the hash or the
            features do not match, it holds untrusted types, or its fast paths disagree
            with scikit-learn.
    """
    path = Path(path)
    manifest = read_manifest(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ModelError(f"The model artifact {path.name} is missing.") from exc
    except OSError as exc:
        raise ModelError(f"The model artifact {path.name} cannot be read.") from exc
    digest = sha256_of(data)
    if manifest.get("sha256") != digest:
        raise ModelError(
            f"The model artifact {path.name} does not match its manifest's sha256; "
            "refusing to load it."
        )
    if manifest.get("features") != list(FEATURE_NAMES):
        raise ModelError(
            "The model manifest's feature list differs from this release's features; "
            "retrain with `screening model train`."
        )
    version = manifest.get("version")
    if not isinstance(version, str) or not version or len(version) > 64:
        raise ModelError("The model manifest has no valid version.")
    with _lock:
        cached = _cache.get(digest)
        if cached is None:
            cached = _verified(data, path.name, version, manifest)
            _cache[digest] = cached
    if cached.version != version:
        return LoadedModel(version, manifest, cached.scorer, cached.name_scorer)
    return cached


def _verified(data: bytes, name: str, version: str, manifest: dict[str, Any]) -> LoadedModel:
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # skops raises many kinds on a corrupt file
        raise ModelError(f"The model artifact {name} is not a readable skops file.") from exc
    unexpected = sorted(set(untrusted) - ALLOWED_UNTRUSTED)
    if unexpected:
        raise ModelError(
            f"The model artifact {name} holds types outside the allowlist: " + ", ".join(unexpected)
        )
    try:
        payload = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(f"The model artifact {name} could not be loaded.") from exc
    if not isinstance(payload, dict) or set(payload) != _KEYS or payload["format"] != FORMAT:
        raise ModelError(f"The model artifact {name} is not a format-{FORMAT} screening model.")
    if list(payload["features"]) != list(FEATURE_NAMES):
        raise ModelError(
            f"The model artifact {name} was trained on other features than this release's."
        )
    try:
        habits = Habits.from_dict(payload["habits"])
        scorer = RiskScorer(payload["risk"], [float(v) for v in payload["reference"]], habits)
        name_scorer = NameScorer(payload["names"])
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"The model artifact {name} holds unusable models.") from exc
    return LoadedModel(version, manifest, scorer, name_scorer)
