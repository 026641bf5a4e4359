"""python-protectorclient: `openstack dr …` (and `openstack protector …`), over the `protector` CLI.

The commands' entry points come from protectorclient_osc/commands.json, which is generated from
the `protector` command definitions (packages/protectorclient/src/cli/osc-spec.ts), so both
trees are one.
"""
import json
import os
import sys

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from protectorclient_osc.names import class_name  # noqa: E402  (dependency-free, from the source tree)

with open(os.path.join(HERE, 'protectorclient_osc', 'commands.json'), encoding='utf-8') as f:
    SPEC = json.load(f)


def commands(prefix):
    # OSC turns '_' in an entry point's name into a space: dr_protection-group_list is
    # `openstack dr protection-group list`.
    eps = ['%s = protectorclient_osc.commands:CommandList' % prefix]
    for c in SPEC['commands']:
        eps.append('%s_%s = protectorclient_osc.commands:%s' % (prefix, '_'.join(c['words']), class_name(c['words'])))
    return eps


with open(os.path.join(HERE, 'README.md'), encoding='utf-8') as f:
    README = f.read()

setup(
    name='python-protectorclient',
    version='0.1.0',
    description='OpenStack client plugin for Protector: openstack dr (and openstack protector)',
    long_description=README,
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=['protectorclient_osc'],
    package_data={'protectorclient_osc': ['commands.json']},
    install_requires=['python-openstackclient>=6.0', 'osc-lib>=2.6', 'cliff>=4.0'],
    entry_points={
        'openstack.cli.extension': [
            'dr = protectorclient_osc.plugin',
            'protector = protectorclient_osc.alias',
        ],
        'openstack.dr.v1': commands('dr'),
        'openstack.protector.v1': commands('protector'),
    },
    classifiers=[
        'Environment :: OpenStack',
        'Programming Language :: Python :: 3',
    ],
)
