"""Where the keys come from: SessionCredentials (arguments or the key file) and mqadmin's
``conf/tools.yml`` (Java ``AclUtils.getAclRPCHook``)."""
from __future__ import annotations

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials
from rocketmq_ref.acl.common.acl_utils import get_acl_rpc_hook
from rocketmq_ref.tools.command.acl import tools_rpc_hook


def test_key_file_properties_are_read_when_no_keys_are_given(tmp_path, monkeypatch):
    key_file = tmp_path / "key"
    key_file.write_text("AccessKey= ak-from-file \nSecretKey=sk-from-file\nSecurityToken=tok\n")
    monkeypatch.setenv("rocketmq_client_keyFile", str(key_file))
    c = SessionCredentials()
    assert (c.access_key, c.secret_key, c.security_token) == ("ak-from-file", "sk-from-file", "tok")
    assert SessionCredentials("a", "b") == SessionCredentials("a", "b")
    assert "accessKey=a" in repr(SessionCredentials("a", "b"))


def test_no_key_file_leaves_the_keys_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("rocketmq_client_keyFile", str(tmp_path / "absent"))
    c = SessionCredentials()
    assert c.access_key is None and c.secret_key is None


def test_tools_yml_gives_mqadmin_its_hook(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    monkeypatch.setenv("ROCKETMQ_HOME", str(tmp_path))
    assert tools_rpc_hook() is None  # no file: mqadmin sends unsigned
    (tmp_path / "conf" / "tools.yml").write_text("accessKey: rocketmq2\nsecretKey: 12345678\n")
    hook = tools_rpc_hook()
    assert isinstance(hook, AclClientRPCHook)
    assert (hook.session_credentials.access_key, hook.session_credentials.secret_key) == ("rocketmq2", "12345678")


def test_tools_yml_without_both_keys_or_broken_gives_no_hook(tmp_path):
    f = tmp_path / "tools.yml"
    f.write_text("accessKey: rocketmq2\nsecretKey: '  '\n")
    assert get_acl_rpc_hook(str(f)) is None
    f.write_text("accessKey: [unclosed\n")
    assert get_acl_rpc_hook(str(f)) is None
    f.write_text("")
    assert get_acl_rpc_hook(str(f)) is None
