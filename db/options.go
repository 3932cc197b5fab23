package db

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/goslo/goslo/config"
)

// The [database] options, declared as oslo.db's options.py declares them:
// the same names, defaults, deprecated names and help, so an OpenStack
// service's config file and its generated sample work unchanged. The ones
// goslo cannot honour are registered all the same (a file that sets them
// stays valid) and listed in the package documentation.
var (
	SQLiteSynchronous = &config.Opt[bool]{Name: "sqlite_synchronous", Group: Group.Name,
		DeprecatedGroup: config.DefaultGroup, Default: true,
		Help: "If True, SQLite uses synchronous mode."}
	Backend = &config.Opt[string]{Name: "backend", Group: Group.Name, Default: "sqlalchemy",
		DeprecatedName: "db_backend", DeprecatedGroup: config.DefaultGroup,
		Help: "The back end to use for the database."}
	Connection = &config.Opt[string]{Name: "connection", Group: Group.Name, Secret: true,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_connection", Group: config.DefaultGroup},
			{Name: "sql_connection", Group: "DATABASE"},
			{Name: "connection", Group: "sql"},
		},
		Help: "The SQLAlchemy connection string to use to connect to the database."}
	SlaveConnection = &config.Opt[string]{Name: "slave_connection", Group: Group.Name, Secret: true,
		Help: "The SQLAlchemy connection string to use to connect to the slave database."}
	MySQLSQLMode = &config.Opt[string]{Name: "mysql_sql_mode", Group: Group.Name, Default: "TRADITIONAL",
		Help: "The SQL mode to be used for MySQL sessions. This option, including the default, " +
			"overrides any server-set SQL mode. To use whatever SQL mode is set by the server " +
			"configuration, set this to no value. Example: mysql_sql_mode="}
	MySQLEnableNDB = &config.Opt[bool]{Name: "mysql_enable_ndb", Group: Group.Name, Default: false,
		Help: "If True, transparently enables support for handling MySQL Cluster (NDB)."}
	ConnectionRecycleTime = &config.Opt[int]{Name: "connection_recycle_time", Group: Group.Name, Default: 3600,
		Help: "Connections which have been present in the connection pool longer than this number " +
			"of seconds will be replaced with a new one the next time they are checked out from the pool."}
	MaxPoolSize = &config.Opt[int]{Name: "max_pool_size", Group: Group.Name, Default: 5,
		Help: "Maximum number of SQL connections to keep open in a pool. Setting a value of 0 " +
			"indicates no limit."}
	MaxRetries = &config.Opt[int]{Name: "max_retries", Group: Group.Name, Default: 10,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_max_retries", Group: config.DefaultGroup},
			{Name: "sql_max_retries", Group: "DATABASE"},
		},
		Help: "Maximum number of database connection retries during startup. Set to -1 to " +
			"specify an infinite retry count."}
	RetryInterval = &config.Opt[int]{Name: "retry_interval", Group: Group.Name, Default: 10,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_retry_interval", Group: config.DefaultGroup},
			{Name: "reconnect_interval", Group: "DATABASE"},
		},
		Help: "Interval between retries of opening a SQL connection."}
	MaxOverflow = &config.Opt[int]{Name: "max_overflow", Group: Group.Name, Default: 50,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_max_overflow", Group: config.DefaultGroup},
			{Name: "sqlalchemy_max_overflow", Group: "DATABASE"},
		},
		Help: "If set, use this value for max_overflow with SQLAlchemy."}
	ConnectionDebug = &config.Opt[int]{Name: "connection_debug", Group: Group.Name, Default: 0,
		Type: config.Integer{Min: new(0), Max: new(100)},
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_connection_debug", Group: config.DefaultGroup},
		},
		Help: "Verbosity of SQL debugging information: 0=None, 100=Everything."}
	ConnectionTrace = &config.Opt[bool]{Name: "connection_trace", Group: Group.Name, Default: false,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sql_connection_trace", Group: config.DefaultGroup},
		},
		Help: "Add Python stack traces to SQL as comment strings."}
	PoolTimeout = &config.Opt[int]{Name: "pool_timeout", Group: Group.Name,
		DeprecatedOpts: []config.DeprecatedOpt{
			{Name: "sqlalchemy_pool_timeout", Group: "DATABASE"},
		},
		Help: "If set, use this value for pool_timeout with SQLAlchemy."}
	UseDBReconnect = &config.Opt[bool]{Name: "use_db_reconnect", Group: Group.Name, Default: false,
		Help: "Enable the experimental use of database reconnect on connection lost."}
	DBRetryInterval = &config.Opt[int]{Name: "db_retry_interval", Group: Group.Name, Default: 1,
		Help: "Seconds between retries of a database transaction."}
	DBIncRetryInterval = &config.Opt[bool]{Name: "db_inc_retry_interval", Group: Group.Name, Default: true,
		Help: "If True, increases the interval between retries of a database operation up to " +
			"db_max_retry_interval."}
	DBMaxRetryInterval = &config.Opt[int]{Name: "db_max_retry_interval", Group: Group.Name, Default: 10,
		Help: "If db_inc_retry_interval is set, the maximum seconds between retries of a database operation."}
	DBMaxRetries = &config.Opt[int]{Name: "db_max_retries", Group: Group.Name, Default: 20,
		Help: "Maximum retries in case of connection error or deadlock error before error is raised. " +
			"Set to -1 to specify an infinite retry count."}
	ConnectionParameters = &config.Opt[string]{Name: "connection_parameters", Group: Group.Name, Default: "",
		Help: "Optional URL parameters to append onto the connection URL at connect time; specify " +
			"as param1=value1&param2=value2&..."}
)

// Group is the [database] group.
var Group = config.Group{Name: "database"}

// allOpts lists the options in options.py's order.
func allOpts() []config.Option {
	return []config.Option{
		SQLiteSynchronous, Backend, Connection, SlaveConnection, MySQLSQLMode, MySQLEnableNDB,
		ConnectionRecycleTime, MaxPoolSize, MaxRetries, RetryInterval, MaxOverflow,
		ConnectionDebug, ConnectionTrace, PoolTimeout, UseDBReconnect, DBRetryInterval,
		DBIncRetryInterval, DBMaxRetryInterval, DBMaxRetries, ConnectionParameters,
	}
}

// RegisterOptions registers the [database] options with conf (oslo.db's
// options.set_defaults without new defaults). Registering twice is not an
// error.
func RegisterOptions(conf *config.Config) error {
	if err := conf.RegisterGroup(Group); err != nil {
		return fmt.Errorf("db: register options: %w", err)
	}
	if err := conf.Register(allOpts()...); err != nil {
		return fmt.Errorf("db: register options: %w", err)
	}
	return nil
}

// The options under oslo.db's namespace name, so that an
// oslo-config-generator file listing "namespace = oslo.db" works unchanged.
func init() {
	config.RegisterNamespace("oslo.db", func() []config.GroupOpts {
		return []config.GroupOpts{{Group: Group, Opts: allOpts()}}
	})
}

// Options configure Open: the [database] options as Go values (what
// oslo.db's create_engine takes as arguments). OptionsFrom reads them
// from a Config; DefaultOptions has oslo.db's defaults.
type Options struct {
	// Connection is the SQLAlchemy URL (see ParseURL).
	Connection string
	// ConnectionParameters are appended to the URL's query
	// ("param1=value1&param2=value2").
	ConnectionParameters string

	// MaxPoolSize is the number of connections kept open (0: no limit);
	// MaxOverflow the number opened beyond it when all are busy and
	// closed when returned (-1: no limit; for SQLite it does not apply,
	// see the package documentation). PoolTimeout is how long a
	// transaction waits for a connection before failing (0: SQLAlchemy's
	// 30 s). ConnectionRecycleTime closes a connection that has been open
	// longer, when it is next returned (0 or less: never).
	MaxPoolSize           int
	MaxOverflow           int
	PoolTimeout           time.Duration
	ConnectionRecycleTime time.Duration

	// MaxRetries and RetryInterval retry the first connection at Open
	// while the database is unreachable: MaxRetries attempts in all (-1:
	// until ctx ends, 0: Open does not connect at all).
	MaxRetries    int
	RetryInterval time.Duration

	// Retry is the policy of DB.Retry and of DB.Tx: the db_* options.
	Retry RetryPolicy

	// SQLiteSynchronous false sets PRAGMA synchronous = OFF.
	SQLiteSynchronous bool
	// ConnectionDebug logs statements: at 50 or more, each statement the
	// package runs is logged at INFO, at 100 with its arguments at DEBUG.
	ConnectionDebug int

	// Logger receives the connection retries and connection_debug's
	// statements; nil is slog.Default().
	Logger *slog.Logger
}

// DefaultOptions returns oslo.db's defaults with the given connection.
func DefaultOptions(connection string) Options {
	return Options{
		Connection:            connection,
		MaxPoolSize:           5,
		MaxOverflow:           50,
		ConnectionRecycleTime: time.Hour,
		MaxRetries:            10,
		RetryInterval:         10 * time.Second,
		Retry:                 DefaultRetryPolicy(),
		SQLiteSynchronous:     true,
	}
}

// OptionsFrom reads the [database] options of conf (registered with
// RegisterOptions).
func OptionsFrom(conf *config.Config) Options {
	o := Options{
		Connection:            Connection.Get(conf),
		ConnectionParameters:  ConnectionParameters.Get(conf),
		MaxPoolSize:           MaxPoolSize.Get(conf),
		MaxOverflow:           MaxOverflow.Get(conf),
		ConnectionRecycleTime: time.Duration(ConnectionRecycleTime.Get(conf)) * time.Second,
		MaxRetries:            MaxRetries.Get(conf),
		RetryInterval:         time.Duration(RetryInterval.Get(conf)) * time.Second,
		SQLiteSynchronous:     SQLiteSynchronous.Get(conf),
		ConnectionDebug:       ConnectionDebug.Get(conf),
		Retry: RetryPolicy{
			Interval:    time.Duration(DBRetryInterval.Get(conf)) * time.Second,
			IncInterval: DBIncRetryInterval.Get(conf),
			MaxInterval: time.Duration(DBMaxRetryInterval.Get(conf)) * time.Second,
			MaxRetries:  DBMaxRetries.Get(conf),
		},
	}
	if n, ok := PoolTimeout.Lookup(conf); ok {
		o.PoolTimeout = time.Duration(n) * time.Second
	}
	return o
}
