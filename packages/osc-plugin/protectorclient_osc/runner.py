"""Runs the `protector` CLI for a plugin command: one behaviour, the coordination rules in one place.

The plugin never talks to Protector itself. It runs `protector` with the same cloud options,
`-f json` for a command that prints data, and the command's own arguments; it streams what
`protector` says on stderr (notes, `--wait` progress) as it comes, and keeps its final
`protector: …` message to raise as the OSC error.
"""
import os
import shlex
import shutil
import subprocess
import sys
import threading

from osc_lib import exceptions

#: OSC's global options (their argparse dest) that `protector` reads from OS_* variables.
OSC_ENV = ('auth_url', 'auth_type', 'username', 'password', 'token', 'project_name', 'project_id',
           'user_domain_name', 'user_domain_id', 'project_domain_name', 'project_domain_id',
           'region_name', 'interface', 'cacert')

#: The plugin's global options and the `protector` global option each becomes.
GLOBALS = (('secondary_cloud', '--secondary-cloud'), ('os_dr_endpoint', '--os-endpoint'),
           ('os_dr_secondary_endpoint', '--secondary-endpoint'), ('os_dr_timeout', '--timeout'))

SUPPORTED_VERSIONS = ('1',)


class Result(object):
    def __init__(self, code, stdout, message):
        self.code = code
        self.stdout = stdout
        #: What `protector` said last (its `protector: …` lines, without the prefix).
        self.message = message


class Runner(object):
    """`self.app.client_manager.dr`: the API version the user asked for."""

    def __init__(self, api_version):
        self.api_version = api_version


def protector_command(options):
    """The `protector` command: --protector-cli / PROTECTOR_CLI (a command line), else `protector` on PATH."""
    given = getattr(options, 'protector_cli', None)
    if given:
        return shlex.split(given)
    found = shutil.which('protector')
    if not found:
        raise exceptions.CommandError(
            'the `protector` command was not found on PATH: install Protector\'s CLI '
            '(npm install -g @protector/protectorclient, Node.js 20) or set PROTECTOR_CLI')
    return [found]


def global_args(options):
    """`protector`'s global options from OSC's: the cloud, the peer, endpoints, --debug."""
    args = []
    if getattr(options, 'cloud', None):
        args += ['--os-cloud', options.cloud]
    for dest, flag in GLOBALS:
        value = getattr(options, dest, None)
        if value not in (None, ''):
            args += [flag, str(value)]
    if getattr(options, 'debug', False):
        args.append('--debug')
    return args


def child_env(options):
    """The environment `protector` runs in: ours, with OSC's command-line auth options as OS_* variables."""
    env = dict(os.environ)
    for dest in OSC_ENV:
        value = getattr(options, dest, None)
        if isinstance(value, str) and value:
            env['OS_' + dest.upper()] = value
    if getattr(options, 'insecure', None) is True:
        env['OS_INSECURE'] = 'true'
    return env


def run(options, argv, stderr=None):
    """Runs `protector GLOBALS argv`; stderr is streamed to `stderr` but for the final message."""
    version = str(getattr(options, 'os_dr_api_version', None) or '1')
    if version not in SUPPORTED_VERSIONS:
        raise exceptions.CommandError('Protector API version %s is not supported (supported: %s)' % (version, ', '.join(SUPPORTED_VERSIONS)))
    out = stderr or sys.stderr
    cmd = protector_command(options) + global_args(options) + list(argv)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=child_env(options), text=True, bufsize=1)
    except OSError as err:
        raise exceptions.CommandError('could not run %s: %s' % (cmd[0], err))
    held = []

    def pump():
        # Live: progress and notes as they come; from its first `protector: ` line on, its
        # closing message is held for the error.
        for line in proc.stderr:
            if held or line.startswith('protector: '):
                held.append(line[len('protector: '):] if line.startswith('protector: ') else line)
            else:
                out.write(line)
                out.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    stdout = proc.stdout.read()
    code = proc.wait()
    reader.join()
    return Result(code, stdout, ''.join(held).strip())
