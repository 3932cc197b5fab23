package log

import (
	"github.com/goslo/goslo/config"
)

// DefaultLogDateFormat is the default of log_date_format.
const DefaultLogDateFormat = "%Y-%m-%d %H:%M:%S"

// defaultLogLevels is oslo.log's DEFAULT_LOG_LEVELS.
var defaultLogLevels = []string{
	"amqp=WARN", "amqplib=WARN", "boto=WARN",
	"qpid=WARN", "sqlalchemy=WARN", "suds=INFO",
	"oslo.messaging=INFO", "oslo_messaging=INFO",
	"iso8601=WARN",
	"requests.packages.urllib3.connectionpool=WARN",
	"urllib3.connectionpool=WARN", "websocket=WARN",
	"requests.packages.urllib3.util.retry=WARN",
	"urllib3.util.retry=WARN",
	"keystonemiddleware=WARN", "routes.middleware=WARN",
	"stevedore=WARN", "taskflow=WARN",
	"keystoneauth=WARN", "oslo.cache=INFO",
	"oslo_policy=INFO",
	"dogpile.core.dogpile=INFO",
}

// DefaultLogLevels returns a copy of oslo.log's default
// default_log_levels, for a service that wants to extend it (oslo.log's
// get_default_log_levels).
func DefaultLogLevels() []string { return append([]string(nil), defaultLogLevels...) }

const ignoreMessage = "This option is ignored if log_config_append is set."

// The options, declared as oslo.log's _options.py declares them: the same
// names, deprecated names, defaults, help, and command-line flags.
var (
	debugOpt = &config.Opt[bool]{Name: "debug", Short: "d", Default: false, Mutable: true,
		Help: "If set to true, the logging level will be set to DEBUG instead of the default INFO level."}

	logConfigAppendOpt = &config.Opt[string]{Name: "log-config-append", Metavar: "PATH",
		DeprecatedName: "log-config", Mutable: true,
		Help: "The name of a logging configuration file. This file is appended to any existing logging " +
			"configuration files. For details about logging configuration files, see the Python logging " +
			"module documentation. Note that when logging configuration files are used then all logging " +
			"configuration is set in the configuration file and other logging configuration options are " +
			"ignored (for example, log-date-format)."}
	logDateFormatOpt = &config.Opt[string]{Name: "log-date-format", Default: DefaultLogDateFormat,
		Metavar: "DATE_FORMAT",
		Help:    "Defines the format string for %%(asctime)s in log records. Default: %(default)s . " + ignoreMessage}
	logFileOpt = &config.Opt[string]{Name: "log-file", Metavar: "PATH", DeprecatedName: "logfile",
		Help: "(Optional) Name of log file to send logging output to. If no default is set, logging will " +
			"go to stderr as defined by use_stderr. " + ignoreMessage}
	logDirOpt = &config.Opt[string]{Name: "log-dir", DeprecatedName: "logdir",
		Help: "(Optional) The base directory used for relative log_file  paths. " + ignoreMessage}
	watchLogFileOpt = &config.Opt[bool]{Name: "watch-log-file", Default: false,
		Help: "Uses logging handler designed to watch file system. When log file is moved or removed this " +
			"handler will open a new log file with specified path instantaneously. It makes sense only if " +
			"log_file option is specified and Linux platform is used. " + ignoreMessage}
	useSyslogOpt = &config.Opt[bool]{Name: "use-syslog", Default: false,
		Help: "Use syslog for logging. Existing syslog format is DEPRECATED and will be changed later to " +
			"honor RFC5424. " + ignoreMessage}
	useJournalOpt = &config.Opt[bool]{Name: "use-journal", Default: false,
		Help: "Enable journald for logging. If running in a systemd environment you may wish to enable " +
			"journal support. Doing so will use the journal native protocol which includes structured " +
			"metadata in addition to log messages." + ignoreMessage}
	syslogLogFacilityOpt = &config.Opt[string]{Name: "syslog-log-facility", Default: "LOG_USER",
		Help: "Syslog facility to receive log lines. " + ignoreMessage}
	useJSONOpt = &config.Opt[bool]{Name: "use-json", Default: false,
		Help: "Use JSON formatting for logging. " + ignoreMessage}

	useStderrOpt = &config.Opt[bool]{Name: "use_stderr", Default: false,
		Help: "Log output to standard error. " + ignoreMessage}
	useEventlogOpt = &config.Opt[bool]{Name: "use_eventlog", Default: false,
		Help: "Log output to Windows Event Log."}
	logRotateIntervalOpt = &config.Opt[int]{Name: "log_rotate_interval", Default: 1,
		Help: "The amount of time before the log files are rotated. This option is ignored unless " +
			"log_rotation_type is set to \"interval\"."}
	logRotateIntervalTypeOpt = &config.Opt[string]{Name: "log_rotate_interval_type", Default: "days",
		Type: config.String{IgnoreCase: true,
			Choices: config.Choices("Seconds", "Minutes", "Hours", "Days", "Weekday", "Midnight")},
		Help: "Rotation interval type. The time of the last file change (or the time when the service " +
			"was started) is used when scheduling the next rotation."}
	maxLogfileCountOpt = &config.Opt[int]{Name: "max_logfile_count", Default: 30,
		Help: "Maximum number of rotated log files."}
	maxLogfileSizeMBOpt = &config.Opt[int]{Name: "max_logfile_size_mb", Default: 200,
		Help: "Log file maximum size in MB. This option is ignored if \"log_rotation_type\" is not set " +
			"to \"size\"."}
	logRotationTypeOpt = &config.Opt[string]{Name: "log_rotation_type", Default: "none",
		Type: config.String{IgnoreCase: true, Choices: []config.Choice[string]{
			{Value: "interval", Description: "Rotate logs at predefined time intervals."},
			{Value: "size", Description: "Rotate logs once they reach a predefined size."},
			{Value: "none", Description: "Do not rotate log files."},
		}},
		Help: "Log rotation type."}

	contextFormatOpt = &config.Opt[string]{Name: "logging_context_format_string",
		Default: "%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [%(global_request_id)s " +
			"%(request_id)s %(user_identity)s] %(instance)s%(message)s",
		Help: "Format string to use for log messages with context. Used by " +
			"oslo_log.formatters.ContextFormatter"}
	defaultFormatOpt = &config.Opt[string]{Name: "logging_default_format_string",
		Default: "%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [-] %(instance)s%(message)s",
		Help: "Format string to use for log messages when context is undefined. Used by " +
			"oslo_log.formatters.ContextFormatter"}
	debugSuffixOpt = &config.Opt[string]{Name: "logging_debug_format_suffix",
		Default: "%(funcName)s %(pathname)s:%(lineno)d",
		Help: "Additional data to append to log message when logging level for the message is DEBUG. " +
			"Used by oslo_log.formatters.ContextFormatter"}
	exceptionPrefixOpt = &config.Opt[string]{Name: "logging_exception_prefix",
		Default: "%(asctime)s.%(msecs)03d %(process)d ERROR %(name)s %(instance)s",
		Help: "Prefix each line of exception output with this format. Used by " +
			"oslo_log.formatters.ContextFormatter"}
	userIdentityFormatOpt = &config.Opt[string]{Name: "logging_user_identity_format",
		Default: "%(user)s %(project)s %(domain)s %(system_scope)s %(user_domain)s %(project_domain)s",
		Help: "Defines the format string for %(user_identity)s that is used in " +
			"logging_context_format_string. Used by oslo_log.formatters.ContextFormatter"}
	// defaultLogLevelsOpt is mutable in goslo (not in oslo.log): a service
	// can change per-logger levels on SIGHUP without a restart.
	defaultLogLevelsOpt = &config.Opt[[]string]{Name: "default_log_levels", Default: defaultLogLevels,
		Mutable: true,
		Help:    "List of package logging levels in logger=LEVEL pairs. " + ignoreMessage}
	publishErrorsOpt = &config.Opt[bool]{Name: "publish_errors", Default: false,
		Help: "Enables or disables publication of error events."}
	instanceFormatOpt = &config.Opt[string]{Name: "instance_format", Default: "[instance: %(uuid)s] ",
		Help: "The format for an instance that is passed with the log message."}
	instanceUUIDFormatOpt = &config.Opt[string]{Name: "instance_uuid_format", Default: "[instance: %(uuid)s] ",
		Help: "The format for an instance UUID that is passed with the log message."}
	rateLimitIntervalOpt = &config.Opt[int]{Name: "rate_limit_interval", Default: 0,
		Help: "Interval, number of seconds, of log rate limiting."}
	rateLimitBurstOpt = &config.Opt[int]{Name: "rate_limit_burst", Default: 0,
		Help: "Maximum number of logged messages per rate_limit_interval."}
	rateLimitExceptLevelOpt = &config.Opt[string]{Name: "rate_limit_except_level", Default: "CRITICAL",
		Help: "Log level name used by rate limiting: CRITICAL, ERROR, INFO, WARNING, DEBUG or empty " +
			"string. Logs with level greater or equal to rate_limit_except_level are not filtered. An " +
			"empty string means that all levels are filtered."}

	fatalDeprecationsOpt = &config.Opt[bool]{Name: "fatal_deprecations", Default: false,
		Help: "Enables or disables fatal status of deprecations."}
)

// The option lists of oslo.log's _options.py, in its order.
var (
	commonCLIOpts  = []config.Option{debugOpt}
	loggingCLIOpts = []config.Option{logConfigAppendOpt, logDateFormatOpt, logFileOpt, logDirOpt,
		watchLogFileOpt, useSyslogOpt, useJournalOpt, syslogLogFacilityOpt, useJSONOpt}
	genericLogOpts = []config.Option{useStderrOpt, useEventlogOpt, logRotateIntervalOpt,
		logRotateIntervalTypeOpt, maxLogfileCountOpt, maxLogfileSizeMBOpt, logRotationTypeOpt}
	logOpts = []config.Option{contextFormatOpt, defaultFormatOpt, debugSuffixOpt, exceptionPrefixOpt,
		userIdentityFormatOpt, defaultLogLevelsOpt, publishErrorsOpt, instanceFormatOpt,
		instanceUUIDFormatOpt, rateLimitIntervalOpt, rateLimitBurstOpt, rateLimitExceptLevelOpt}
)

// RegisterOptions registers oslo.log's options with conf, as oslo.log's
// register_options: debug (-d) and the log_* options that may be given on
// the command line (--log-file, --log-dir, --log-config-append,
// --log-date-format, --use-syslog, --use-journal, --use-json,
// --syslog-log-facility, --watch-log-file) as command-line options, the
// others as config-file options, all in [DEFAULT]. Call it before
// conf.Load. Registering twice is harmless.
func RegisterOptions(conf *config.Config) error {
	if err := conf.RegisterCLI(commonCLIOpts...); err != nil {
		return err
	}
	if err := conf.RegisterCLI(loggingCLIOpts...); err != nil {
		return err
	}
	if err := conf.Register(genericLogOpts...); err != nil {
		return err
	}
	return conf.Register(logOpts...)
}

// Options returns every option oslo.log declares, in [DEFAULT], for
// sample-config generators (oslo.log's list_opts); it includes
// fatal_deprecations, which RegisterOptions does not register.
func Options() []config.Option {
	var all []config.Option
	for _, l := range [][]config.Option{commonCLIOpts, loggingCLIOpts, genericLogOpts, logOpts,
		{fatalDeprecationsOpt}} {
		all = append(all, l...)
	}
	return all
}

// SetDefaults changes the defaults of logging_context_format_string and
// default_log_levels for conf, as oslo.log's set_defaults; an empty
// format or a nil list leaves that default alone. Call it after
// RegisterOptions.
func SetDefaults(conf *config.Config, contextFormat string, logLevels []string) error {
	if logLevels != nil {
		if err := defaultLogLevelsOpt.SetDefault(conf, append([]string(nil), logLevels...)); err != nil {
			return err
		}
	}
	if contextFormat != "" {
		return contextFormatOpt.SetDefault(conf, contextFormat)
	}
	return nil
}

// IsDebugEnabled reports whether the debug option is set.
func IsDebugEnabled(conf *config.Config) bool { return debugOpt.Get(conf) }

// The namespace of the sample generator and the validator: oslo.log's
// entry point name, so that an existing oslo-config-generator
// configuration (namespace = oslo.log) works unchanged.
func init() {
	config.RegisterNamespace("oslo.log", func() []config.GroupOpts {
		return config.ByGroup(Options()...)
	})
}
