"""`openstack protector …`: the same commands as `openstack dr …`, as the seed product's docs also use."""
from protectorclient_osc import plugin

API_NAME = 'protector'
# The dr plugin's version option: one --os-dr-api-version for both names.
API_VERSION_OPTION = plugin.API_VERSION_OPTION
DEFAULT_API_VERSION = plugin.DEFAULT_API_VERSION
API_VERSIONS = plugin.API_VERSIONS


def make_client(instance):
    return plugin.make_client(instance)


def build_option_parser(parser):
    # The dr plugin adds the options both names share.
    return parser
