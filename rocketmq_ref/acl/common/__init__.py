"""ACL pieces shared by clients and brokers (Java ``org.apache.rocketmq.acl.common``)."""
from rocketmq_ref.acl.common.acl_client_rpc_hook import AclClientRPCHook
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.common.session_credentials import SessionCredentials

__all__ = ["AclClientRPCHook", "AclException", "SessionCredentials"]
