"""The artifact: the shipped one loads and matches its manifest; anything altered is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import skops.io as sio

from screening.config import DEFAULT_MODEL, load_settings
from screening.core.model import artifact
from screening.core.model.artifact import LoadedModel, load, manifest_path
from screening.core.model.features import FEATURE_NAMES
from screening.errors import ModelError
from screening.runtime import Runtime


def copy_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "risk-model.skops"
    shutil.copy(DEFAULT_MODEL, target)
    shutil.copy(manifest_path(DEFAULT_MODEL), manifest_path(target))
    return target


def rewrite_manifest(path: Path, **changes: Any) -> None:
    target = manifest_path(path)
    manifest = json.loads(target.read_text())
    manifest.update(changes)
    target.write_text(json.dumps(manifest))


def test_the_shipped_artifact_matches_its_manifest(shipped: LoadedModel) -> None:
    manifest = json.loads(manifest_path(DEFAULT_MODEL).read_text())
    assert manifest["sha256"] == hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
    assert manifest["features"] == list(FEATURE_NAMES)
    assert manifest["artifact"] == DEFAULT_MODEL.name
    assert manifest["model"]["kind"] == "logistic_regression"
    assert set(manifest["trusted_types"]) <= artifact.ALLOWED_UNTRUSTED
    assert shipped.version == manifest["version"] and len(shipped.version) <= 64
    metrics = manifest["metrics"]
    assert metrics["held_out"]["roc_auc"] >= 0.99
    assert metrics["real_names"]["overall"]["declined"] == 0
    assert len(manifest["training"]["data_sha256"]) == 64


def test_the_shipped_artifact_holds_no_unexpected_types() -> None:
    untrusted = sio.get_untrusted_types(file=DEFAULT_MODEL)
    assert set(untrusted) <= artifact.ALLOWED_UNTRUSTED


def test_a_changed_byte_is_refused(tmp_path: Path) -> None:
    path = copy_shipped(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its manifest's sha256"):
        load(path)


def test_another_feature_list_is_refused(tmp_path: Path) -> None:
    path = copy_shipped(tmp_path)
    rewrite_manifest(path, features=[*FEATURE_NAMES, "phone.colour"])
    with pytest.raises(ModelError, match="feature list differs"):
        load(path)


@pytest.mark.parametrize("missing", ["artifact", "manifest"])
def test_a_missing_file_is_refused(tmp_path: Path, missing: str) -> None:
    path = copy_shipped(tmp_path)
    (path if missing == "artifact" else manifest_path(path)).unlink()
    with pytest.raises(ModelError, match="missing"):
        load(path)


def test_an_unreadable_manifest_is_refused(tmp_path: Path) -> None:
    path = copy_shipped(tmp_path)
    manifest_path(path).write_text("{not json")
    with pytest.raises(ModelError, match="cannot be read"):
        load(path)


def _write_with_manifest(path: Path, payload: Any) -> None:
    data = sio.dumps(payload)
    path.write_bytes(data)
    manifest = json.loads(manifest_path(DEFAULT_MODEL).read_text())
    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    manifest_path(path).write_text(json.dumps(manifest))


def test_a_type_outside_the_allowlist_is_refused_before_loading(tmp_path: Path) -> None:
    # A matching hash is not enough: skops reports the function as untrusted, and it is not
    # on the allowlist, so the file is never loaded.
    path = tmp_path / "risk-model.skops"
    _write_with_manifest(path, {"format": 1, "risk": shutil.rmtree})
    with pytest.raises(ModelError, match="outside the allowlist: shutil.rmtree"):
        load(path)


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "risk-model.skops"
    _write_with_manifest(path, {"format": 1, "risk": [1, 2, 3]})
    with pytest.raises(ModelError, match="not a format-1 screening model"):
        load(path)


def test_the_service_refuses_to_start_with_an_altered_model(tmp_path: Path) -> None:
    path = copy_shipped(tmp_path)
    path.write_bytes(path.read_bytes() + b"\0")
    settings = load_settings(
        {
            "env": "test",
            "instance_path": tmp_path / "instance",
            "hmac_keys": "t1:" + "x" * 40,
            "secret_key": "s" * 40,
            "model_path": path,
        }
    )
    with pytest.raises(ModelError, match="sha256"):
        Runtime(settings)
