package config_test

import "github.com/goslo/goslo/config"

// The options of testdata/sample/oslo_opts.py, declared with this package:
// the sample and validator tests compare what both make of them.

const longHelp = "Some help text that is long enough to be wrapped, with a URL that " +
	"cannot be broken: https://docs.openstack.org/oslo.config/latest/" +
	"reference/defining.html#option-types-and-validation and some " +
	"well-known-and-long hyphenated-words, an em--dash, and a -flag.\n" +
	"\n" +
	"Possible values:\n" +
	"\n" +
	"  * first, indented\n" +
	"  * second\twith a tab\n" +
	"\n" +
	"Caf\u00e9 \u2013 na\u00efve unicode text that also needs wrapping at the " +
	"right column, please."

var (
	testDBGroup = config.Group{Name: "database", Title: "Database options",
		Help: "Options for the database connection, which every API worker " +
			"opens at start-up and keeps in a pool."}
	testZetaGroup = config.Group{Name: "zeta", Help: "Last group."}
	testAPIGroup  = config.Group{Name: "api", Help: "API options."}
)

func testDefaultOpts() []config.Option {
	return []config.Option{
		&config.Opt[string]{Name: "host", Default: "localhost", SampleDefault: "<current hostname>",
			Help: "Name of this node. This can be an opaque identifier. " +
				"It is not necessarily a hostname, FQDN, or IP address. " +
				"However, the node name must be valid within an AMQP key."},
		&config.Opt[int]{Name: "tuning", Default: 10, Advanced: true, Help: "Advanced knob."},
		&config.Opt[bool]{Name: "debug", Short: "d", Default: false, Mutable: true,
			Help: "If set to true, the logging level will be set to DEBUG instead of the default INFO level."},
		&config.Opt[int]{Name: "workers", Type: config.Integer{Min: new(1), Max: new(64)}, Default: 4,
			Help: "Number of workers.\n\nMore workers handle more requests, at the price of memory."},
		&config.Opt[float64]{Name: "ratio", Type: config.Float{Min: new(0.0), Max: new(1.5)}, Default: 0.25, Help: "A ratio."},
		&config.Opt[int]{Name: "bind_port", Type: config.Port{}, Default: 8774, Help: "Port to listen on."},
		&config.Opt[int]{Name: "admin_port", Type: config.Port{Min: new(1024), Max: new(2048)}, Default: 1025, Help: "Admin port."},
		&config.Opt[string]{Name: "mode", Default: "fast", Help: "Mode.", Type: config.String{Choices: []config.Choice[string]{
			{Value: "fast", Description: "Go fast; skip the slow checks that nobody ever needed anyway, which makes this description long enough to wrap."},
			{Value: "slow"},
			{Value: "", Description: "Empty."},
		}}},
		&config.Opt[int]{Name: "level", Default: 1, Help: "Level::", Type: config.Integer{Choices: []config.Choice[int]{
			{Value: 1, Description: "one"}, {Value: 2},
		}}},
		&config.Opt[string]{Name: "password", Secret: true, Help: "Secret."},
		&config.Opt[[]string]{Name: "hosts", Default: []string{"a", "b c", " d"}, Help: "Hosts."},
		&config.Opt[[]string]{Name: "empty_list", Default: []string{}, Help: "Nothing."},
		&config.Opt[map[string]string]{Name: "mapping", Default: map[string]string{"b": "2", "a": "1"}, Help: "Mapping."},
		&config.Opt[map[string]int]{Name: "weights", Default: map[string]int{"y": 2, "x": 1}, Help: "Weights."},
		&config.Opt[[]string]{Name: "multi", Type: config.MultiString{}, Default: []string{"x", " y "}, Help: "Many."},
		&config.Opt[[]string]{Name: "multi_empty", Type: config.MultiString{}, Help: "None yet."},
		&config.Opt[[]int]{Name: "multi_int", Type: config.Multi[int]{Item: config.Integer{Min: new(1)}}, Help: "Many numbers."},
		&config.Opt[string]{Name: "padded", Default: " padded ", Help: "Spaces."},
		&config.Opt[string]{Name: "log-config-append", Metavar: "PATH", DeprecatedName: "log-config",
			DeprecatedOpts: []config.DeprecatedOpt{{Name: "log_cfg", Group: "logging"}}, Help: "Log config."},
		&config.Opt[string]{Name: "old", DeprecatedForRemoval: true, DeprecatedSince: "Zed",
			DeprecatedReason: "It was never used by anything in the code base, and keeping it confuses operators.",
			Help:             "Old."},
		&config.Opt[bool]{Name: "older", Default: true, DeprecatedForRemoval: true, Help: "DEPRECATED: already marked."},
		&config.Opt[string]{Name: "my_ip", Type: config.IPAddress{}, Default: "127.0.0.1", SampleDefault: "<host_ipv4>",
			Help: "IP address of this host."},
		&config.Opt[string]{Name: "ipv6", Type: config.IPAddress{Version: 6}, Help: "An IPv6 address."},
		&config.Opt[string]{Name: "fqdn", Type: config.Hostname{}, Default: "example.org", Help: "A hostname."},
		&config.Opt[string]{Name: "server", Type: config.HostAddress{}, Default: "10.0.0.1", Help: "A host."},
		&config.Opt[string]{Name: "domain", Type: config.HostDomain{}, Default: "host_1.example", Help: "A domain."},
		&config.Opt[string]{Name: "endpoint", Type: config.URI{Schemes: []string{"http", "https"}},
			Default: "http://localhost:5000/v3", Help: "Endpoint."},
		&config.Opt[string]{Name: "required_thing", Required: true, Help: "Must be set."},
		&config.Opt[int]{Name: "required_count", Required: true, Default: 3, Help: "Must be set, has a default."},
		&config.Opt[string]{Name: "long_help", Default: "x", Help: longHelp},
		&config.Opt[string]{Name: "format", Default: "%(asctime)s %(message)s\nnext line", Help: "A default on two lines."},
		&config.Opt[bool]{Name: "flag", Default: false, SampleDefault: "<depends>", Help: "Sample default."},
		&config.Opt[[]string]{Name: "bounded", Type: config.List[string]{Bounds: true}, Default: []string{"x", "y"}, Help: "Bounded list."},
		&config.Opt[[]float64]{Name: "factors", Default: []float64{1.0, 0.5}, Help: "Floats."},
		&config.Opt[string]{Name: "custom", Type: config.String{Name: "custom value", Regex: "^[a-z]+$"}, Default: "abc",
			Help: "Custom type name."},
		&config.Opt[int]{Name: "text_int", Default: "42", Help: "Text default."},
		&config.Opt[bool]{Name: "text_bool", Default: "True", Help: "Text default."},
		&config.Opt[string]{Name: "moved", DeprecatedGroup: "oldgroup", Help: "Moved here."},
		&config.Opt[string]{Name: "with-dest", Dest: "other_dest", Default: "d", Help: "Dest differs."},
		&config.Opt[string]{Name: "nohelp"},
		&config.Opt[bool]{Name: "debug", Short: "d", Default: false, Mutable: true,
			Help: "Listed again: this definition wins, in the first place."},
	}
}

func listTest() []config.GroupOpts {
	return []config.GroupOpts{
		{Opts: testDefaultOpts()},
		{Group: testDBGroup, Opts: []config.Option{
			&config.Opt[string]{Name: "connection", Group: "database", Secret: true,
				DeprecatedOpts: []config.DeprecatedOpt{{Name: "sql_connection", Group: "DEFAULT"}, {Name: "connection", Group: "sql"}},
				Help:           "The SQLAlchemy connection string."},
			&config.Opt[int]{Name: "max_pool_size", Group: "database", Default: 5, Type: config.Integer{Min: new(0)}, Help: "Pool size."},
		}},
		{Group: config.Group{Name: "api"}, Opts: []config.Option{
			&config.Opt[string]{Name: "auth_strategy", Group: "api", Default: "keystone",
				Type: config.String{Choices: config.Choices("keystone", "noauth2")}, Help: "Auth."},
		}},
		{Group: config.Group{Name: "Upper"}, Opts: []config.Option{
			&config.Opt[string]{Name: "thing", Group: "upper", Default: "t", Help: "Upper-case group."},
		}},
		{Group: testZetaGroup, Opts: []config.Option{
			&config.Opt[int]{Name: "z", Group: "zeta", Default: 26, Help: "Zed."},
		}},
	}
}

func listExtra() []config.GroupOpts {
	return []config.GroupOpts{
		{Group: config.Group{Name: "DEFAULT"}, Opts: []config.Option{
			&config.Opt[string]{Name: "extra_opt", Default: "x", Help: "Extra."},
		}},
		{Group: testAPIGroup, Opts: []config.Option{
			&config.Opt[bool]{Name: "api_extra", Group: "api", Default: true, Help: "Extra API switch."},
		}},
		{Group: config.Group{Name: "database"}, Opts: []config.Option{
			&config.Opt[int]{Name: "idle_timeout", Group: "database", Default: 3600,
				DeprecatedName: "sql_idle_timeout", DeprecatedGroup: "DEFAULT", Help: "Idle timeout."},
		}},
		{Group: config.Group{Name: "empty"}},
	}
}

func init() {
	config.RegisterNamespace("goslo.test", listTest)
	config.RegisterNamespace("goslo.extra", listExtra)
}
