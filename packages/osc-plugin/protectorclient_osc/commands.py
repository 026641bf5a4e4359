"""Every `protector` command as an OSC (cliff) command, built from commands.json.

commands.json is generated from the `protector` command definitions, so the arguments, options
and help here are protector's own. A command that prints data is a cliff Lister (an object is
shown as ShowOne shows one), formatted by cliff (`-f table|json|yaml|value|csv`, `-c`); the
others pass protector's text through. `protector`'s exit code is the command's.
"""
import argparse
import json
import os
import sys

from cliff import columns
from cliff import command
from cliff import lister
from osc_lib import exceptions

from protectorclient_osc import runner
from protectorclient_osc.names import class_name

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'commands.json'), encoding='utf-8') as _f:
    SPEC = json.load(_f)

#: protector's global options a command with --wait takes as its own.
WAIT_OPTIONS = [o for o in SPEC['globals'] if o['long'] in ('--wait-timeout', '--wait-unreachable')]


def _dest(long_flag):
    return long_flag.lstrip('-').replace('-', '_')


class Cell(columns.FormattableColumn):
    """A list (one item a line, as protector's tables print it) or an object (JSON) in a table; as is in json and yaml."""

    def human_readable(self):
        if isinstance(self._value, list) and all(not isinstance(v, (list, dict)) for v in self._value):
            return '\n'.join('' if v is None else str(v) for v in self._value)
        return json.dumps(self._value, sort_keys=False)

    def machine_readable(self):
        return self._value


def _cell(value):
    return Cell(value) if isinstance(value, (list, dict)) else value


class _Protector(object):
    """What every generated command shares: its spec, its parser, protector's argv from the parsed args."""

    spec = None
    # protector authenticates to both sites itself (clouds.yaml, OS_*): OSC need not get a token first.
    auth_required = False

    def _options(self):
        opts = list(self.spec['options'])
        if any(o['long'] == '--wait' for o in opts):
            opts += WAIT_OPTIONS
        return opts

    def get_parser(self, prog_name):
        # The cliff class after this one in the MRO (Lister or Command) makes the parser.
        parser = super(_Protector, self).get_parser(prog_name)
        parser.description = self.spec['description']
        return self._add_arguments(parser)

    def _add_arguments(self, parser):
        for a in self.spec['arguments']:
            kw = {'metavar': '<%s>' % a['name'], 'help': a['description'] or None}
            if a['variadic']:
                kw['nargs'] = '+' if a['required'] else '*'
            elif not a['required']:
                kw['nargs'] = '?'
            parser.add_argument(a['name'].replace('-', '_'), **kw)
        for o in self._options():
            flags = [o['long']] + ([o['short']] if o['short'] else [])
            kw = {'dest': _dest(o['long']), 'help': o['help'] + (' (repeat for several)' if o['repeatable'] and 'repeat' not in o['help'] else '')}
            if o['value'] is None:
                kw['action'] = 'store_true'
            else:
                kw['metavar'] = '<%s>' % o['value']
                if o['repeatable']:
                    kw['action'] = 'append'
                if o['choices']:
                    kw['choices'] = o['choices']
                if o['required']:
                    kw['required'] = True
            parser.add_argument(*flags, **kw)
        return parser

    def _argv(self, parsed_args):
        argv = list(self.spec['words'])
        for o in self._options():
            value = getattr(parsed_args, _dest(o['long']), None)
            if o['value'] is None:
                if value:
                    argv.append(o['long'])
            elif isinstance(value, list):
                for v in value:
                    argv += [o['long'], v]
            elif value is not None:
                argv += [o['long'], str(value)]
        for a in self.spec['arguments']:
            value = getattr(parsed_args, a['name'].replace('-', '_'), None)
            if isinstance(value, list):
                argv += value
            elif value is not None:
                argv.append(value)
        return argv

    def _run(self, argv):
        return runner.run(self.app.options, argv, stderr=self.app.stderr)

    @staticmethod
    def _fail(result):
        raise exceptions.CommandError(result.message or 'protector exited with code %d' % result.code)


class ProtectorLister(_Protector, lister.Lister):
    """A command that prints data: protector's JSON, formatted by cliff."""

    def take_action(self, parsed_args):
        self._one = False
        result = self._run(self._argv(parsed_args) + ['-f', 'json'])
        self._code = result.code
        text = result.stdout.strip()
        if result.code != 0 and not text:
            self._fail(result)
        if result.message:
            # What protector said after its data (a run that ended failed names it): said here too.
            self.app.stderr.write('%s\n' % result.message)
        try:
            data = json.loads(text) if text else []
        except ValueError:
            raise exceptions.CommandError('protector printed something other than JSON: %s' % text[:200])
        if isinstance(data, dict):
            self._one = True
            return tuple(data.keys()), tuple(_cell(v) for v in data.values())
        names = tuple(data[0].keys()) if data else ()
        return names, [tuple(_cell(row.get(n)) for n in names) for row in data]

    def produce_output(self, parsed_args, column_names, data):
        if not self._one:
            return super(ProtectorLister, self).produce_output(parsed_args, column_names, data)
        # One object: as ShowOne prints it (the csv formatter, lists only, gets it as one row).
        shown, selector = self._generate_columns_and_selector(parsed_args, column_names)
        if selector:
            data = list(self._compress_iterable(data, selector))
        if hasattr(self.formatter, 'emit_one'):
            self.formatter.emit_one(shown, data, self.app.stdout, parsed_args)
        else:
            self.formatter.emit_list(shown, [data], self.app.stdout, parsed_args)
        return 0

    def run(self, parsed_args):
        super(ProtectorLister, self).run(parsed_args)
        # protector's exit code: 3 or 4 when an operation followed with --wait ended failed or partial.
        return self._code


class ProtectorText(_Protector, command.Command):
    """A command that prints text (a deletion, an approval): protector's words as they are."""

    def take_action(self, parsed_args):
        result = self._run(self._argv(parsed_args))
        self.app.stdout.write(result.stdout)
        if result.code != 0:
            self._fail(result)
        if result.message:
            self.app.stderr.write('%s\n' % result.message)
        return 0


def _summary(c):
    return c['description'].split('. ')[0].split('\n')[0]


class CommandList(command.Command):
    """`openstack dr` (or `openstack dr --help`): the commands, in protector's order."""

    auth_required = False

    def get_parser(self, prog_name):
        parser = super(CommandList, self).get_parser(prog_name)
        word = prog_name.split()[-1]
        lines = ['  %s %s\n      %s' % (word, ' '.join(c['words']), _summary(c)) for c in SPEC['commands']]
        parser.description = 'Protector: disaster recovery for OpenStack. Commands:\n\n%s\n\nRun `openstack help %s COMMAND` for one command\'s arguments.' % ('\n'.join(lines), word)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def take_action(self, parsed_args):
        self.get_parser(self.cmd_name).print_help(self.app.stdout)
        return 0


def _make(spec):
    base = ProtectorText if spec['output'] == 'text' else ProtectorLister
    doc = spec['description']
    return type(class_name(spec['words']), (base,), {'spec': spec, '__doc__': doc, '__module__': __name__})


for _spec in SPEC['commands']:
    globals()[class_name(_spec['words'])] = _make(_spec)

del _spec
sys.modules[__name__].__all__ = ['CommandList'] + [class_name(c['words']) for c in SPEC['commands']]
