"""The `dr` plugin of python-openstackclient (entry point group openstack.cli.extension)."""
import os

from protectorclient_osc import runner

API_NAME = 'dr'
API_VERSION_OPTION = 'os_dr_api_version'
DEFAULT_API_VERSION = '1'
API_VERSIONS = {'1': 'protectorclient_osc.runner.Runner'}


def make_client(instance):
    """What `self.app.client_manager.dr` is: the runner of the `protector` CLI."""
    return runner.Runner(instance._api_version[API_NAME])


def build_option_parser(parser):
    """The global options `openstack` takes for Protector (each also from its OS_* variable)."""
    env = os.environ.get
    parser.add_argument(
        '--os-dr-api-version', metavar='<version>', default=env('OS_DR_API_VERSION', DEFAULT_API_VERSION),
        help='Protector API version, default=%s (Env: OS_DR_API_VERSION)' % DEFAULT_API_VERSION)
    parser.add_argument(
        '--secondary-cloud', metavar='<name>', default=env('OS_SECONDARY_CLOUD'),
        help='The peer site (a cloud of clouds.yaml): every change is stored on both (Env: OS_SECONDARY_CLOUD)')
    parser.add_argument(
        '--os-dr-endpoint', metavar='<url>', default=env('OS_DR_ENDPOINT'),
        help="Protector's URL on the --os-cloud site instead of the catalog's (Env: OS_DR_ENDPOINT)")
    parser.add_argument(
        '--os-dr-secondary-endpoint', metavar='<url>', default=env('OS_DR_SECONDARY_ENDPOINT'),
        help="Protector's URL on the --secondary-cloud site instead of the catalog's (Env: OS_DR_SECONDARY_ENDPOINT)")
    parser.add_argument(
        '--os-dr-timeout', metavar='<seconds>', type=int, default=env('OS_DR_TIMEOUT'),
        help='Per-request timeout of Protector calls (default 60) (Env: OS_DR_TIMEOUT)')
    parser.add_argument(
        '--protector-cli', metavar='<command>', default=env('PROTECTOR_CLI'),
        help="The `protector` command the plugin runs (default: `protector` on PATH) (Env: PROTECTOR_CLI)")
    return parser
