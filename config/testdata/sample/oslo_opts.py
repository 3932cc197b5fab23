"""The options of config/sample_test.go, declared with oslo.config.

Run by the Go tests with /usr/bin/python3 as the reference:

  oslo_opts.py generate ARGS...   oslo-config-generator ARGS over the namespaces below
  oslo_opts.py validate ARGS...   oslo-config-validator ARGS over the same
  oslo_opts.py parse FILE         oslo's ConfigParser: the sections as JSON
  oslo_opts.py load FILE          load FILE into a ConfigOpts holding every option
                                  and print the options whose value differs from
                                  the default (JSON; {} when none does)
"""
import json
import logging
import sys

from oslo_config import cfg
from oslo_config import generator
from oslo_config import types
from oslo_config import validator

LONG_HELP = (
    "Some help text that is long enough to be wrapped, with a URL that "
    "cannot be broken: https://docs.openstack.org/oslo.config/latest/"
    "reference/defining.html#option-types-and-validation and some "
    "well-known-and-long hyphenated-words, an em--dash, and a -flag.\n"
    "\n"
    "Possible values:\n"
    "\n"
    "  * first, indented\n"
    "  * second\twith a tab\n"
    "\n"
    "Caf\u00e9 \u2013 na\u00efve unicode text that also needs wrapping at the "
    "right column, please.")

database = cfg.OptGroup(
    'database', title='Database options',
    help='Options for the database connection, which every API worker '
         'opens at start-up and keeps in a pool.')
zeta = cfg.OptGroup('zeta', help='Last group.')
api_group = cfg.OptGroup('api', help='API options.')

default_opts = [
    cfg.StrOpt('host', default='localhost',
               sample_default='<current hostname>',
               help='Name of this node. This can be an opaque identifier. '
                    'It is not necessarily a hostname, FQDN, or IP address. '
                    'However, the node name must be valid within an AMQP '
                    'key.'),
    cfg.IntOpt('tuning', default=10, advanced=True, help='Advanced knob.'),
    cfg.BoolOpt('debug', short='d', default=False, mutable=True,
                help='If set to true, the logging level will be set to '
                     'DEBUG instead of the default INFO level.'),
    cfg.IntOpt('workers', min=1, max=64, default=4,
               help='Number of workers.\n\nMore workers handle more '
                    'requests, at the price of memory.'),
    cfg.FloatOpt('ratio', min=0.0, max=1.5, default=0.25, help='A ratio.'),
    cfg.PortOpt('bind_port', default=8774, help='Port to listen on.'),
    cfg.PortOpt('admin_port', min=1024, max=2048, default=1025,
                help='Admin port.'),
    cfg.StrOpt('mode', default='fast',
               choices=[('fast', 'Go fast; skip the slow checks that nobody '
                                 'ever needed anyway, which makes this '
                                 'description long enough to wrap.'),
                        ('slow', None),
                        ('', 'Empty.')],
               help='Mode.'),
    cfg.Opt('level', type=types.Integer(choices=[(1, 'one'), (2, None)]),
            default=1,
               help='Level::'),
    cfg.StrOpt('password', secret=True, help='Secret.'),
    cfg.ListOpt('hosts', default=['a', 'b c', ' d'], help='Hosts.'),
    cfg.ListOpt('empty_list', default=[], help='Nothing.'),
    cfg.DictOpt('mapping', default={'b': '2', 'a': '1'}, help='Mapping.'),
    cfg.Opt('weights', type=types.Dict(value_type=types.Integer()),
            default={'y': 2, 'x': 1}, help='Weights.'),
    cfg.MultiStrOpt('multi', default=['x', ' y '], help='Many.'),
    cfg.MultiStrOpt('multi_empty', help='None yet.'),
    cfg.MultiOpt('multi_int', item_type=types.Integer(min=1),
                 help='Many numbers.'),
    cfg.StrOpt('padded', default=' padded ', help='Spaces.'),
    cfg.StrOpt('log-config-append', metavar='PATH',
               deprecated_name='log-config',
               deprecated_opts=[cfg.DeprecatedOpt('log_cfg',
                                                  group='logging')],
               help='Log config.'),
    cfg.StrOpt('old', deprecated_for_removal=True, deprecated_since='Zed',
               deprecated_reason='It was never used by anything in the code '
                                 'base, and keeping it confuses operators.',
               help='Old.'),
    cfg.BoolOpt('older', default=True, deprecated_for_removal=True,
                help='DEPRECATED: already marked.'),
    cfg.IPOpt('my_ip', default='127.0.0.1', sample_default='<host_ipv4>',
              help='IP address of this host.'),
    cfg.IPOpt('ipv6', version=6, help='An IPv6 address.'),
    cfg.HostnameOpt('fqdn', default='example.org', help='A hostname.'),
    cfg.HostAddressOpt('server', default='10.0.0.1', help='A host.'),
    cfg.HostDomainOpt('domain', default='host_1.example', help='A domain.'),
    cfg.URIOpt('endpoint', schemes=['http', 'https'],
               default='http://localhost:5000/v3', help='Endpoint.'),
    cfg.StrOpt('required_thing', required=True, help='Must be set.'),
    cfg.IntOpt('required_count', required=True, default=3,
               help='Must be set, has a default.'),
    cfg.StrOpt('long_help', default='x', help=LONG_HELP),
    cfg.StrOpt('format', default='%(asctime)s %(message)s\nnext line',
               help='A default on two lines.'),
    cfg.BoolOpt('flag', default=False, sample_default='<depends>',
                help='Sample default.'),
    cfg.Opt('bounded', type=types.List(bounds=True), default=['x', 'y'],
            help='Bounded list.'),
    cfg.Opt('factors', type=types.List(types.Float()), default=[1.0, 0.5],
            help='Floats.'),
    cfg.Opt('custom', type=types.String(type_name='custom value',
                                        regex='^[a-z]+$'),
            default='abc', help='Custom type name.'),
    cfg.IntOpt('text_int', default='42', help='Text default.'),
    cfg.BoolOpt('text_bool', default='True', help='Text default.'),
    cfg.StrOpt('moved', deprecated_group='oldgroup', help='Moved here.'),
    cfg.StrOpt('with-dest', dest='other_dest', default='d',
               help='Dest differs.'),
    cfg.StrOpt('nohelp'),
    cfg.BoolOpt('debug', short='d', default=False, mutable=True,
                help='Listed again: this definition wins, in the first '
                     'place.'),
]

database_opts = [
    cfg.StrOpt('connection', secret=True,
               deprecated_opts=[cfg.DeprecatedOpt('sql_connection',
                                                  group='DEFAULT'),
                                cfg.DeprecatedOpt('connection',
                                                  group='sql')],
               help='The SQLAlchemy connection string.'),
    cfg.IntOpt('max_pool_size', default=5, min=0, help='Pool size.'),
]

api_opts = [
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=['keystone', 'noauth2'], help='Auth.'),
]

upper_opts = [cfg.StrOpt('thing', default='t', help='Upper-case group.')]
zeta_opts = [cfg.IntOpt('z', default=26, help='Zed.')]


def list_test():
    return [
        (None, default_opts),
        (database, database_opts),
        ('api', api_opts),
        ('Upper', upper_opts),
        (zeta, zeta_opts),
    ]


extra_default = [cfg.StrOpt('extra_opt', default='x', help='Extra.')]
extra_db = [cfg.IntOpt('idle_timeout', default=3600,
                       deprecated_name='sql_idle_timeout',
                       deprecated_group='DEFAULT', help='Idle timeout.')]


def list_extra():
    return [
        ('DEFAULT', extra_default),
        (api_group, [cfg.BoolOpt('api_extra', default=True,
                                 help='Extra API switch.')]),
        ('database', extra_db),
        ('empty', []),
    ]


NAMESPACES = {'goslo.test': list_test, 'goslo.extra': list_extra}


def _loaders(namespaces):
    return [(n, NAMESPACES[n]) for n in namespaces if n in NAMESPACES]


def _all_opts():
    for _, listing in [(n, f()) for n, f in NAMESPACES.items()]:
        for group, opts in listing:
            name = getattr(group, 'name', group) or 'DEFAULT'
            for opt in opts:
                yield name.lower() if name != 'DEFAULT' else name, opt


def main(argv):
    cmd, args = argv[0], argv[1:]
    generator._get_raw_opts_loaders = _loaders
    logging.basicConfig(level=logging.CRITICAL)
    if cmd == 'generate':
        generator.main(args)
    elif cmd == 'validate':
        logging.getLogger().setLevel(logging.INFO)
        conf = cfg.ConfigOpts()
        validator._register_cli_opts(conf)
        conf(args)
        sys.exit(validator._validate(conf))
    elif cmd == 'parse':
        sections = {}
        cfg.ConfigParser(args[0], sections).parse()
        print(json.dumps(sections, sort_keys=True))
    elif cmd == 'load':
        conf = cfg.ConfigOpts()
        seen = {}
        for group, opt in _all_opts():
            seen[(group, opt.dest)] = opt
        for (group, _), opt in seen.items():
            conf.register_opt(opt, group=None if group == 'DEFAULT' else group)
        for (group, dest), opt in seen.items():
            if opt.required and opt.default is None:
                conf.set_override(dest, 'set-by-test',
                                  group=None if group == 'DEFAULT' else group)
        conf(['--config-file', args[0]])
        diff = {}
        for (group, dest), opt in seen.items():
            g = conf if group == 'DEFAULT' else conf[group]
            got = g[dest]
            want = opt.type(opt.default) if isinstance(opt.default, str) \
                else opt.default
            if opt.required and opt.default is None:
                want = 'set-by-test'
            if got != want:
                diff['%s.%s' % (group, dest)] = [repr(got), repr(want)]
        print(json.dumps(diff, sort_keys=True))
    else:
        sys.exit('unknown command %s' % cmd)


if __name__ == '__main__':
    main(sys.argv[1:])
