"""Dump the options of installed oslo namespaces for the Go tests.

  oslo_namespaces.py NAMESPACE...

prints JSON: {"options": [namespace listings, each option described by its
class, type and attributes], "skipped": [...], "samples": {format: text}},
where the samples are oslo-config-generator's output for exactly the
options described (those whose type goslo has an equivalent for).
"""
import io
import json
import logging
import sys

from oslo_config import cfg
from oslo_config import generator
from oslo_config import types

logging.basicConfig(level=logging.CRITICAL)

TYPES = {
    types.String: 'String', types.MultiString: 'MultiString',
    types.Boolean: 'Boolean', types.Integer: 'Integer', types.Port: 'Port',
    types.Float: 'Float', types.List: 'List', types.Dict: 'Dict',
    types.IPAddress: 'IPAddress', types.Hostname: 'Hostname',
    types.HostAddress: 'HostAddress', types.HostDomain: 'HostDomain',
    types.URI: 'URI',
}
SCALARS = {'String', 'Boolean', 'Integer', 'Float', 'Port', 'IPAddress',
           'Hostname', 'HostAddress', 'HostDomain', 'URI'}


class Skip(Exception):
    pass


def kind(v):
    if v is None:
        return 'None'
    for t in (bool, int, float, str, list, dict):
        if isinstance(v, t):
            return t.__name__
    raise Skip('default of type %s' % type(v).__name__)


def describe_type(t, top=True):
    name = TYPES.get(type(t))
    if name is None:
        raise Skip('type %s' % type(t).__name__)
    d = {'class': name, 'type_name': t.type_name}
    default_names = {'String': 'string value', 'Integer': 'integer value',
                     'Float': 'floating point value'}
    if name not in default_names and name != 'MultiString':
        expected = {'Boolean': 'boolean value', 'Port': 'port value',
                    'List': 'list value', 'Dict': 'dict value',
                    'IPAddress': 'IP address value',
                    'Hostname': 'hostname value',
                    'HostAddress': 'host address value',
                    'HostDomain': 'host domain value',
                    'URI': 'uri value'}[name]
        if t.type_name != expected:
            raise Skip('type name %s' % t.type_name)
    if name in ('Integer', 'Port', 'Float'):
        d['min'], d['max'] = t.min, t.max
    if name in ('String', 'Integer', 'Port') and t.choices:
        d['choices'] = [[k, v] for k, v in t.choices.items()]
    if name == 'String':
        d['quotes'], d['ignore_case'] = t.quotes, t.ignore_case
        d['max_length'] = t.max_length
    if name == 'List':
        d['item'] = describe_type(t.item_type, False)
        d['bounds'] = t.bounds
        if d['item']['class'] not in ('String', 'Integer', 'Float',
                                      'Boolean'):
            raise Skip('list of %s' % d['item']['class'])
    if name == 'Dict':
        d['item'] = describe_type(t.value_type, False)
        d['bounds'] = t.bounds
        if d['item']['class'] not in ('String', 'Integer', 'Float',
                                      'Boolean'):
            raise Skip('dict of %s' % d['item']['class'])
    if name in ('IPAddress', 'HostAddress', 'HostDomain'):
        d['version'] = getattr(t, 'version_checker', None) and None
    if name == 'URI':
        d['schemes'] = t.schemes
        d['max_length'] = t.max_length
    return d


def describe_opt(opt):
    if getattr(opt, 'positional', False):
        raise Skip('positional')
    multi = isinstance(opt, cfg.MultiOpt)
    t = describe_type(opt.type)
    if multi and t['class'] != 'MultiString' and t['class'] not in SCALARS:
        raise Skip('multi of %s' % t['class'])
    if not multi and t['class'] == 'MultiString':
        raise Skip('MultiString type on a plain option')
    default = opt.default
    if multi and isinstance(default, str):
        raise Skip('multi with a str default')
    return {
        'name': opt.name, 'dest': opt.dest, 'multi': multi, 'type': t,
        'default': default, 'default_kind': kind(default),
        'sample_default': (None if opt.sample_default is None
                           else str(opt.sample_default)),
        'help': opt.help or '', 'short': opt.short, 'metavar': opt.metavar,
        'secret': opt.secret, 'required': opt.required,
        'mutable': opt.mutable, 'advanced': opt.advanced,
        'deprecated_for_removal': opt.deprecated_for_removal,
        'deprecated_reason': opt.deprecated_reason or '',
        'deprecated_since': opt.deprecated_since or '',
        'deprecated_opts': [{'name': d.name or '', 'group': d.group or ''}
                            for d in opt.deprecated_opts],
    }


def main(namespaces):
    raw = generator._list_opts(namespaces)
    kept, skipped, listing = [], [], []
    for ns, groups in raw:
        out_groups, keep_groups = [], []
        for group, opts in groups:
            is_obj = isinstance(group, cfg.OptGroup)
            gname = group.name if is_obj else (group or 'DEFAULT')
            g = {'name': gname, 'object': is_obj,
                 'help': (group.help or '') if is_obj else '',
                 'opts': []}
            keep = []
            for opt in opts:
                try:
                    g['opts'].append(describe_opt(opt))
                    keep.append(opt)
                except Skip as e:
                    skipped.append('%s [%s] %s: %s' % (ns, gname, opt.name, e))
            out_groups.append(g)
            keep_groups.append((group, keep))
        listing.append({'namespace': ns, 'groups': out_groups})
        kept.append((ns, keep_groups))
    samples = {}
    for fmt, args in [('ini', []), ('wrap50', ['--wrap-width', '50']),
                      ('summarize', ['--summarize']),
                      ('json', ['--format', 'json']),
                      ('yaml', ['--format', 'yaml'])]:
        generator._list_opts = lambda names: kept
        buf = io.StringIO()
        conf = cfg.ConfigOpts()
        generator.register_cli_opts(conf)
        conf(['--namespace', 'x'] + args)
        conf.set_override('namespace', namespaces)
        generator.generate(conf, output_file=buf)
        samples[fmt] = buf.getvalue()
    print(json.dumps({'options': listing, 'skipped': skipped,
                      'samples': samples}, default=str))


if __name__ == '__main__':
    main(sys.argv[1:])
