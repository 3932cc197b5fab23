// Package log is oslo.log for Go services, built on log/slog: the
// options operators already have in their config files (debug,
// log_file, log_dir, use_json, use_syslog, use_journal,
// default_log_levels, logging_context_format_string, ...) set up the
// same output, and every line made with a request context shows its
// request id and user identity, as nova's or glance's lines do.
//
//	conf := config.New()
//	log.RegisterOptions(conf)             // before Load: --debug, --log-file, ... are CLI options
//	conf.Load(os.Args[1:], config.LoadOptions{Project: "nova"})
//	h, err := log.Setup(conf, "nova")     // slog.Default and every log.Get logger now log here
//	if err != nil { ... }                 // a bad format string or level is reported here
//	defer h.Close()
//	...
//	var logger = log.Get("nova.api")      // oslo's getLogger(__name__)
//	logger.InfoContext(ctx, "Creating server", "flavor", flavorID)
//	logger.Error("Build failed", log.Exception(err))
//
// with ctx carrying a reqctx.RequestContext gives, with oslo's default
// format strings:
//
//	2024-05-02 10:11:12.345 4242 INFO nova.api [None req-6d8a... 8c1a 42fe - - - -] Creating server flavor=m1.small
//	2024-05-02 10:11:12.346 4242 ERROR nova.api [-] Build failed: no valid host
//	2024-05-02 10:11:12.346 4242 ERROR nova.api no valid host
//	2024-05-02 10:11:12.346 4242 ERROR nova.api
//
// On SIGHUP call h.Reopen (after logrotate's "create"); conf.Mutate
// applies debug and default_log_levels at once through the hook Setup
// registers.
//
// # Format strings
//
// logging_context_format_string (for lines with a request context that
// has a request id), logging_default_format_string (the others),
// logging_debug_format_suffix (appended to DEBUG lines),
// logging_exception_prefix (before each line of an exception),
// logging_user_identity_format, instance_format, instance_uuid_format
// and log_date_format are applied exactly as oslo.log's ContextFormatter
// and Python's logging apply them: Python's %-formatting with every flag,
// width, precision and conversion, the fields of a LogRecord (asctime,
// msecs, created, relativeCreated, process, levelname, levelno, name,
// pathname, filename, module, funcName, lineno, thread, threadName,
// processName, message, msg, ...), those oslo adds (isotime, instance,
// user_identity, error_summary, resource, color, project, version) and
// the request context's (request_id, global_request_id, user, project,
// domain, user_name, project_name, roles, is_admin, ...); asctime through
// C's strftime as glibc has it. The comparison test renders the same
// records with the real oslo.log and with this package over several
// configurations and time zones and requires equal lines.
//
// A format that names an unknown field, is malformed, or converts a
// field to a type it cannot have (%d of name) makes Setup fail with an
// error naming the option: Python would write a traceback instead of the
// line. A request-context field in a format used without a context is
// empty (Python fails on it); logging_user_identity_format, as oslo,
// shows "-" for unknown or empty fields.
//
// # Attributes
//
// oslo's format strings have no place for slog's attributes, so they
// follow the message as key=value (quoted like slog's TextHandler; groups
// as dotted keys): a line without attributes has exactly oslo's shape. In
// JSON output they are the members of "extra", as the keyword arguments
// of oslo's logger adapter are. A few keys mean what oslo's keyword
// arguments mean (see the Key constants): context (a
// *reqctx.RequestContext), exc_info (Exception), instance (Instance),
// instance_uuid (InstanceUUID) and resource (Resource). A logger made
// with slog.Default().With("logger", name) logs as the named logger, for
// packages that cannot import this one.
//
// # Levels
//
// slog's DEBUG, INFO, WARN and ERROR are Python's; LevelTrace and
// LevelCritical are oslo's TRACE (5) and CRITICAL (50); others show as
// Python shows unnamed levels ("Level 25"). A logger's level is the one
// default_log_levels gives its longest dotted prefix ("amqp=WARN" covers
// "amqp.connection", not "amqplib"), else the root level: DEBUG with
// debug, INFO without. A disabled line costs two atomic loads and no
// allocation. Unlike oslo.log, default_log_levels is mutable.
//
// # Outputs
//
// As oslo.log chooses them: the log file (log_file, in log_dir, or
// log_dir/PROGRAM.log), standard error (use_stderr), journald
// (use_journal, native protocol with oslo's fields), standard output when
// none of those, and syslog (use_syslog, syslog_log_facility). Lines on
// standard output and error end with the colour reset sequence, as
// oslo's ColorHandler writes them, JSON lines too. use_json selects oslo's
// JSONFormatter: its field names and order, Python's json spelling.
//
// The log file is opened with O_APPEND and every record, exception lines
// included, is written whole by one write: several worker processes can
// share the file without mixing or losing lines. Within a process, the
// records that goroutines log while a write is in progress go out
// together in the next one, written by the goroutine that was writing;
// the others do not wait for it, except at ERROR and above (a process's
// last words before it exits). log_rotation_type size and interval
// rotate as Python's RotatingFileHandler and TimedRotatingFileHandler do
// (the same names, the same schedule from the file's last change), under
// an flock so that with several processes one rotates and the others
// reopen. Without rotation the path is checked every second and the file
// reopened when logrotate moved it; watch_log_file reopens at once
// (inotify), and Reopen does it on demand. copytruncate needs nothing.
//
// # Secrets
//
// The values of options declared Secret never appear in a line: they are
// replaced by **** wherever they occur, also the old value of a mutable
// secret in config's change message (values shorter than 4 characters
// are not searched for). MaskPassword masks credentials in text as
// oslo_utils' mask_password does; the auth token of a request context is
// never shown.
//
// # Why by hand
//
// Python's %-formatting, glibc's strftime, oslo's formatter rules and
// Python's rotating handlers are what operators' existing options mean;
// no Go library implements them, so they are written here, each checked
// against the Python it imitates. The journald protocol is written here
// (not with go-systemd's journal package) so that tests can point it at
// their own socket.
//
// # Not supported
//
// log_config_append names a Python logging configuration file: Setup
// returns ErrLogConfigAppend. use_eventlog (Windows) and publish_errors
// (oslo.messaging) are errors too. fatal_deprecations is listed by
// Options but not registered, as in oslo.log. thread is the process id
// and threadName "MainThread": goroutines have no identity. Rate limiting
// follows rate_limit.py (oslo.log 5.0.1 itself fails to install it).
package log
