"""The ACL commands as mqadmin lists and parses them (Java ``tools.command.acl.*``)."""
from __future__ import annotations

import io

from rocketmq_ref.tools import mqadmin


def test_acl_commands_are_listed_after_consume_message_as_in_java():
    names = [c.command_name() for c in mqadmin.init_command()]
    i = names.index("consumeMessage")
    assert names[i + 1:i + 5] == ["updateAclConfig", "deleteAclConfig", "clusterAclConfigVersion",
                                  "updateGlobalWhiteAddr"]


def test_alias_and_any_case_find_the_command():
    assert mqadmin.find_sub_command("deleteAccessConfig").command_name() == "deleteAclConfig"
    assert mqadmin.find_sub_command("UpdateAclConfig").command_name() == "updateAclConfig"


def test_required_options_as_java_declares_them():
    err = io.StringIO()
    assert mqadmin.main(["updateAclConfig", "-b", "127.0.0.1:1", "-a", "someone1"], io.StringIO(), err) == 1
    assert "Missing required option: s" in err.getvalue()
    err = io.StringIO()
    assert mqadmin.main(["deleteAclConfig", "-a", "someone1"], io.StringIO(), err) == 1
    assert "Missing required option: [b, c]" in err.getvalue()
    err = io.StringIO()
    assert mqadmin.main(["updateGlobalWhiteAddr", "-b", "x", "-c", "y", "-g", "1.1.1.1"], io.StringIO(), err) == 1
    assert "has already been selected" in err.getvalue()
    out = io.StringIO()
    assert mqadmin.main(["help", "clusterAclConfigVersion"], out, io.StringIO()) == 0
    assert "usage: mqadmin clusterAclConfigVersion -b <arg> | -c <arg> [-h] [-n <arg>]" in out.getvalue()
