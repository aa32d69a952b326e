"""Name server commands: updateKvConfig, deleteKvConfig, getNamesrvConfig, updateNamesrvConfig,
wipeWritePerm, addWritePerm (Java ``tools.command.namesrv.*``; books A2.4, A6.3, B9.7.2)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]


def _server_list(cl: CommandLine) -> list[str] | None:
    servers = cl.get_option_value("n")
    return [s for s in servers.split(";") if s] if servers else None


class UpdateKvConfigCommand(SubCommand):
    name = "updateKvConfig"
    desc = "Create or update KV config."

    def build_command_line_options(self) -> list:
        return [Option("s", "namespace", True, "set the namespace", required=True),
                Option("k", "key", True, "set the key name", required=True),
                Option("v", "value", True, "set the key value", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin_factory().create_and_update_kv_config(cl.get_option_value("s"),
                                                    cl.get_option_value("k"),
                                                    cl.get_option_value("v"))
        out.write("create or update kv config to namespace success.\n")


class DeleteKvConfigCommand(SubCommand):
    name = "deleteKvConfig"
    desc = "Delete KV config."

    def build_command_line_options(self) -> list:
        return [Option("s", "namespace", True, "set the namespace", required=True),
                Option("k", "key", True, "set the key name", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin_factory().delete_kv_config(cl.get_option_value("s"), cl.get_option_value("k"))
        out.write("delete kv config from namespace success.\n")


class GetNamesrvConfigCommand(SubCommand):
    name = "getNamesrvConfig"
    desc = "Get configs of name server."

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        for addr, props in admin_factory().get_name_server_config(_server_list(cl)).items():
            out.write(f"============{addr}============\n")
            for key, value in props.items():
                out.write(f"{key:<50}=  {value}\n")


class UpdateNamesrvConfigCommand(SubCommand):
    name = "updateNamesrvConfig"
    desc = "Update configs of name server."

    def build_command_line_options(self) -> list:
        return [Option("k", "key", True, "config key", required=True),
                Option("v", "value", True, "config value", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        key, value = cl.get_option_value("k"), cl.get_option_value("v")
        servers = _server_list(cl)
        admin_factory().update_name_server_config({key: value}, servers)
        shown = "" if servers is None else "[" + ", ".join(servers) + "]"
        out.write(f"update name server config success!{shown}\n{key} : {value}\n")


class WipeWritePermSubCommand(SubCommand):
    name = "wipeWritePerm"
    desc = "Wipe write perm of broker in all name server you defined in the -n param"
    verb = "wipe"

    def build_command_line_options(self) -> list:
        return [Option("b", "brokerName", True, "broker name", required=True)]

    def change(self, admin: Any, addr: str, broker_name: str) -> int:
        return admin.wipe_write_perm_of_broker(addr, broker_name)

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        broker_name = cl.get_option_value("b")
        for addr in admin.get_name_server_address_list():
            count = self.change(admin, addr, broker_name)
            out.write(f"{self.verb} write perm of broker[{broker_name}] in name server[{addr}] OK, "
                      f"{count}\n")


class AddWritePermSubCommand(WipeWritePermSubCommand):
    name = "addWritePerm"
    desc = "Add write perm of broker in all name server you defined in the -n param"
    verb = "add"

    def change(self, admin: Any, addr: str, broker_name: str) -> int:
        return admin.add_write_perm_of_broker(addr, broker_name)


COMMANDS = [UpdateKvConfigCommand, DeleteKvConfigCommand, GetNamesrvConfigCommand,
            UpdateNamesrvConfigCommand, WipeWritePermSubCommand, AddWritePermSubCommand]
