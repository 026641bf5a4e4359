"""`openstack dr …`: Protector's commands in the OpenStack client, run by the `protector` CLI."""
