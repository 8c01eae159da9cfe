"""Local platforms sign with keys of their own, made once per data folder."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from gateway.keys import KEYS, local_keys

ROOT = Path(__file__).resolve().parents[2]


def test_keys_are_made_once_per_folder_and_kept(tmp_path: Path) -> None:
    first = local_keys(tmp_path, environ={})
    assert set(first) == set(KEYS)
    assert local_keys(tmp_path, environ={}) == first  # the next start reuses them
    other = local_keys(tmp_path / "other", environ={})
    assert all(other[name] != first[name] for name in KEYS)  # another folder, other keys
    for pem in first.values():
        load_pem_private_key(pem.encode(), password=None)
    repository_keys = {p.read_text() for p in ROOT.glob("services/*/dev_*key.pem")}
    assert repository_keys and not repository_keys & set(first.values())


def test_a_key_set_in_the_environment_is_left_alone(tmp_path: Path) -> None:
    given = {"PAMTALK_USER_JWT_PRIVATE_KEY": "set by the operator"}
    keys = local_keys(tmp_path, environ=given)
    assert "PAMTALK_USER_JWT_PRIVATE_KEY" not in keys and "PAMTALK_BLOCKCHAIN_LEDGER_SIGNING_KEY" in keys
    assert not (tmp_path / "keys" / KEYS["PAMTALK_USER_JWT_PRIVATE_KEY"]).exists()
