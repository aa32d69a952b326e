"""plain_acl.yml: loading (default file, conf/acl/, rocketmq.acl.plain.file), write-back of the
admin updates with dataVersion, reload when a file changes, and bad files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from rocketmq_ref.acl.common import AclException
from rocketmq_ref.acl.plain.plain_access_resource import PlainAccessResource
from rocketmq_ref.acl.plain.plain_access_validator import PlainAccessValidator
from rocketmq_ref.acl.plain.plain_permission_manager import PlainPermissionManager
from rocketmq_ref.acl.plain_access_config import PlainAccessConfig

BASE = """\
globalWhiteRemoteAddresses:
  - 10.10.103.*
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    defaultTopicPerm: PUB
"""


def home_with(tmp_path: Path, text: str = BASE) -> Path:
    (tmp_path / "conf").mkdir(parents=True, exist_ok=True)
    (tmp_path / "conf" / "plain_acl.yml").write_text(text)
    return tmp_path


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_numbers_in_yaml_are_keys_as_text(tmp_path):
    m = PlainPermissionManager(str(home_with(tmp_path)))
    default = str(tmp_path / "conf" / "plain_acl.yml")
    assert m.access_key_table == {"RocketMQ": default}
    assert m.acl_plain_access_resource_map[default]["RocketMQ"].secret_key == "12345678"
    assert m.get_all_acl_config().global_white_addrs == ["10.10.103.*"]


def test_missing_default_file_is_created_empty(tmp_path):
    (tmp_path / "conf").mkdir()
    m = PlainPermissionManager(str(tmp_path))
    assert (tmp_path / "conf" / "plain_acl.yml").exists()
    assert m.access_key_table == {}


def test_acl_dir_files_and_first_definition_wins(tmp_path):
    home_with(tmp_path)
    (tmp_path / "conf" / "acl").mkdir()
    (tmp_path / "conf" / "acl" / "team.yml").write_text(
        "accounts:\n  - accessKey: teamUser1\n    secretKey: team-secret\n"
        "  - accessKey: RocketMQ\n    secretKey: other-secret\n")
    (tmp_path / "conf" / "acl" / "notes.txt").write_text("not yaml: [")
    m = PlainPermissionManager(str(tmp_path))
    team = str(tmp_path / "conf" / "acl" / "team.yml")
    assert m.access_key_table["teamUser1"] == team
    assert m.access_key_table["RocketMQ"] == team  # conf/acl/ is read before the default file
    assert set(m.data_version_map) == {team, str(tmp_path / "conf" / "plain_acl.yml")}


def test_plain_file_property_moves_the_default_file(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "mine.yml").write_text(BASE)
    monkeypatch.setenv("rocketmq_acl_plain_file", "conf/mine.yml")
    m = PlainPermissionManager(str(tmp_path))
    assert m.default_acl_file == str(tmp_path / "conf" / "mine.yml")
    assert "RocketMQ" in m.access_key_table


@pytest.mark.parametrize("text, match", [
    ("accounts: [\n", "plain_acl.yml"),
    ("- just\n- a list\n", "YAML mapping"),
    ("accounts:\n  - accessKey: short\n    secretKey: 12345678\n", "length should longer than 6"),
    ("accounts:\n  - accessKey: longEnough\n    secretKey: 12345678\n    topicPerms: [nonsense]\n",
     "Parse resource permission failed"),
    ("globalWhiteRemoteAddresses: [999.1.1.1]\n", "Netaddress examine"),
])
def test_bad_files_are_refused_with_the_reason(tmp_path, text, match):
    with pytest.raises(AclException, match=match):
        PlainPermissionManager(str(home_with(tmp_path, text)))


def test_update_creates_an_account_in_the_default_file_and_bumps_the_version(tmp_path):
    m = PlainPermissionManager(str(home_with(tmp_path)))
    default = tmp_path / "conf" / "plain_acl.yml"
    assert m.update_access_config(PlainAccessConfig(
        access_key="newUser01", secret_key="newSecret01", default_topic_perm="SUB",
        topic_perms=["topicA=PUB|SUB"], group_perms=["g1=SUB"], white_remote_address="10.1.1.1"))
    written = read(default)
    accounts = {a["accessKey"]: a for a in written["accounts"]}
    assert accounts["newUser01"] == {"accessKey": "newUser01", "secretKey": "newSecret01",
                                     "whiteRemoteAddress": "10.1.1.1", "admin": False,
                                     "defaultTopicPerm": "SUB", "topicPerms": ["topicA=PUB|SUB"],
                                     "groupPerms": ["g1=SUB"]}
    assert accounts["RocketMQ"]["secretKey"] == 12345678  # the rest is kept
    assert written["globalWhiteRemoteAddresses"] == ["10.10.103.*"]
    assert written["dataVersion"][0]["counter"] == 1
    assert m.access_key_table["newUser01"] == str(default)
    # a second update of the same account replaces it and counts on
    assert m.update_access_config(PlainAccessConfig(access_key="newUser01", secret_key="otherSecret1", admin=True))
    written = read(default)
    again = [a for a in written["accounts"] if a["accessKey"] == "newUser01"]
    assert len(again) == 1 and again[0]["secretKey"] == "otherSecret1" and again[0]["admin"] is True
    assert written["dataVersion"][0]["counter"] == 2
    assert m.data_version.counter == 2
    # the fields the update left out stay, in the file and in memory
    owned = m.acl_plain_access_resource_map[str(default)]["newUser01"]
    assert owned.resource_perm_map == {"topicA": 12, "%RETRY%g1": 8} and owned.default_topic_perm == 8
    # what was written loads back the same way
    fresh = PlainPermissionManager(str(tmp_path))
    owned = fresh.acl_plain_access_resource_map[str(default)]["newUser01"]
    assert owned.secret_key == "otherSecret1" and owned.admin


def test_write_back_keeps_the_file_mode_and_leaves_no_temporary_file(tmp_path):
    m = PlainPermissionManager(str(home_with(tmp_path)))
    default = tmp_path / "conf" / "plain_acl.yml"
    os.chmod(default, 0o640)
    assert m.update_access_config(PlainAccessConfig(access_key="modeUser1", secret_key="modeSecret1"))
    assert os.stat(default).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (tmp_path / "conf").iterdir()) == ["plain_acl.yml"]


def test_update_refuses_short_keys_and_bad_perms(tmp_path):
    m = PlainPermissionManager(str(home_with(tmp_path)))
    before = (tmp_path / "conf" / "plain_acl.yml").read_text()
    with pytest.raises(AclException, match="longer than 6"):
        m.update_access_config(PlainAccessConfig(access_key="abc", secret_key="12345678"))
    with pytest.raises(AclException, match="expected permissions"):
        m.update_access_config(PlainAccessConfig(access_key="abcdefg", secret_key="12345678",
                                                 topic_perms=["t=ALL"]))
    assert (tmp_path / "conf" / "plain_acl.yml").read_text() == before


def test_delete_removes_the_account_from_file_and_memory(tmp_path):
    m = PlainPermissionManager(str(home_with(tmp_path)))
    assert m.delete_access_config("RocketMQ")
    assert read(tmp_path / "conf" / "plain_acl.yml")["accounts"] == []
    assert "RocketMQ" not in m.access_key_table
    assert not m.delete_access_config("RocketMQ")
    assert not m.delete_access_config("")


def test_update_global_white_addrs(tmp_path):
    home = home_with(tmp_path / "home")
    m = PlainPermissionManager(str(home))
    assert m.update_global_white_addrs_config(["127.0.0.1", "192.168.1.1-100"])
    assert read(home / "conf" / "plain_acl.yml")["globalWhiteRemoteAddresses"] == ["127.0.0.1",
                                                                                      "192.168.1.1-100"]
    m.validate(PlainAccessResource(white_remote_address="192.168.1.50"))  # no key needed now
    with pytest.raises(AclException, match="No accessKey"):
        m.validate(PlainAccessResource(white_remote_address="10.10.103.1"))  # the old entry is gone
    outside = tmp_path / "outside.yml"
    outside.write_text("{}\n")
    assert not m.update_global_white_addrs_config(["1.1.1.1"], str(outside))
    assert not m.update_global_white_addrs_config(["1.1.1.1"], str(home / "conf" / "missing.yml"))
    with pytest.raises(AclException):  # never written: the broker could not load it back
        m.update_global_white_addrs_config(["1.1.1.300"])
    assert not m.update_global_white_addrs_config(None)


def test_watch_reloads_a_changed_file_and_a_new_one(tmp_path):
    v = PlainAccessValidator(str(home_with(tmp_path)))
    m, watch = v.acl_plug_engine, v.watch_service
    default = tmp_path / "conf" / "plain_acl.yml"
    default.write_text(BASE.replace("RocketMQ", "Renamed1"))
    st = os.stat(default)
    os.utime(default, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a later mtime, surely
    watch.check_once()
    assert "Renamed1" in m.access_key_table and "RocketMQ" not in m.access_key_table
    (tmp_path / "conf" / "acl").mkdir()
    (tmp_path / "conf" / "acl" / "more.yml").write_text("accounts:\n  - accessKey: another1\n"
                                                         "    secretKey: another-secret\n")
    watch.check_once()
    assert m.access_key_table["another1"] == str(tmp_path / "conf" / "acl" / "more.yml")


def test_watch_service_thread_starts_and_stops(tmp_path):
    v = PlainAccessValidator(str(home_with(tmp_path)), watch_interval_ms=50)
    v.start()
    try:
        assert v.watch_service.is_alive()
    finally:
        v.shutdown()
    assert not v.watch_service.is_alive()


def test_a_broken_edit_keeps_the_accounts_loaded_before(tmp_path):
    v = PlainAccessValidator(str(home_with(tmp_path)))
    default = tmp_path / "conf" / "plain_acl.yml"
    default.write_text("accounts:\n  - accessKey: x\n")
    with pytest.raises(AclException):
        v.watch_service.on_file_changed(str(default))
    assert "RocketMQ" in v.acl_plug_engine.access_key_table
