"""Admin client (Java ``tools.admin``; spec ha-and-flows §10): ``DefaultMQAdminExt``."""
from rocketmq_ref.client.admin.default_mq_admin_ext import DefaultMQAdminExt

__all__ = ["DefaultMQAdminExt"]
