package log

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goslo/goslo/config"
)

// ErrLogConfigAppend is returned by Setup when log_config_append is set:
// it names a Python logging configuration file (logging.config's
// fileConfig format: handler classes, formatter classes), which has no
// meaning for a Go program. Remove the option and express the same
// configuration with the log_* options.
var ErrLogConfigAppend = errors.New("log_config_append names a Python logging configuration file, which goslo does not read; use the log_* options instead")

// processStart is the origin of relativeCreated, as logging._startTime.
var processStart = float64(time.Now().UnixNano()) / 1e9

// Handler is the logging of a service as Setup configured it from the
// options: the formatter (oslo's ContextFormatter or JSONFormatter), the
// outputs (a log file, standard error or output, syslog, journald) and
// the rate limit. It is an slog.Handler (the one of the root logger) and
// the owner of the open files and of the goroutine that watches the log
// file: Close it at exit. Call Reopen on SIGHUP to reopen the log file
// after an external rotation.
type Handler struct {
	root      *handler
	conf      *config.Config
	text      *textFormatter // nil with use_json
	json      *jsonFormatter
	outs      []output
	limiter   *rateLimiter
	secrets   atomic.Pointer[secretSet]
	secretsMu sync.Mutex
	watcher   *watcher
	closed    atomic.Bool
	closeMu   sync.Mutex
	closeErr  error
	anyPlain  bool // an output wants the line without colours
	anyColor  bool // an output is a terminal stream (ColorHandler)
}

// output is where formatted lines go.
type output interface {
	// write writes one record; line has no newline. colored is the line
	// as ColorHandler formats it.
	write(e *rec, line, colored []byte) error
	reopen() error
	close() error
}

// settings are the options Setup reads, gathered so that tests can
// build a Handler without a Config.
type settings struct {
	debug                                 bool
	logFile, logDir                       string
	watch, useSyslog, useJournal, useJSON bool
	useStderr, useEventlog, publishErrors bool
	facility                              string
	rotation, intervalType                string
	interval, maxCount, maxSizeMB         int
	formats                               formatOpts
	levels                                []string
	rateInterval, rateBurst               int
	rateExcept                            string
}

func readSettings(conf *config.Config) (s settings, err error) {
	if _, err := conf.Value(config.DefaultGroup, "logging_context_format_string"); err != nil {
		return s, fmt.Errorf("log: the logging options are not registered: call log.RegisterOptions before conf.Load: %w", err)
	}
	if v, ok := logConfigAppendOpt.Lookup(conf); ok && v != "" {
		return s, fmt.Errorf("log: option log_config_append (%s): %w", v, ErrLogConfigAppend)
	}
	s = settings{
		debug:     debugOpt.Get(conf),
		logFile:   logFileOpt.Get(conf),
		logDir:    logDirOpt.Get(conf),
		watch:     watchLogFileOpt.Get(conf),
		useSyslog: useSyslogOpt.Get(conf), useJournal: useJournalOpt.Get(conf), useJSON: useJSONOpt.Get(conf),
		useStderr: useStderrOpt.Get(conf), useEventlog: useEventlogOpt.Get(conf),
		publishErrors: publishErrorsOpt.Get(conf),
		facility:      syslogLogFacilityOpt.Get(conf),
		rotation:      strings.ToLower(logRotationTypeOpt.Get(conf)),
		intervalType:  strings.ToLower(logRotateIntervalTypeOpt.Get(conf)),
		interval:      logRotateIntervalOpt.Get(conf),
		maxCount:      maxLogfileCountOpt.Get(conf),
		maxSizeMB:     maxLogfileSizeMBOpt.Get(conf),
		formats: formatOpts{
			context:         contextFormatOpt.Get(conf),
			dflt:            defaultFormatOpt.Get(conf),
			debugSuffix:     debugSuffixOpt.Get(conf),
			exceptionPrefix: exceptionPrefixOpt.Get(conf),
			userIdentity:    userIdentityFormatOpt.Get(conf),
			instance:        instanceFormatOpt.Get(conf),
			instanceUUID:    instanceUUIDFormatOpt.Get(conf),
			dateFormat:      logDateFormatOpt.Get(conf),
		},
		levels:       defaultLogLevelsOpt.Get(conf),
		rateInterval: rateLimitIntervalOpt.Get(conf),
		rateBurst:    rateLimitBurstOpt.Get(conf),
		rateExcept:   rateLimitExceptLevelOpt.Get(conf),
	}
	return s, nil
}

// Setup sets up logging for a service from conf, as oslo.log's
// setup(conf, product_name): it builds the outputs and the formatter
// from the options RegisterOptions registered, sets the level of every
// logger (debug, default_log_levels), installs the result as the
// handler of slog.Default and of every logger from Get, and registers a
// mutate hook so that debug and default_log_levels changed by
// conf.Mutate take effect at once. product fills %(project)s.
//
// Every format string is parsed and checked here: an unknown %(field)s,
// a malformed conversion or a conversion that does not fit its field is
// an error that names the option, never a broken line later. So are an
// unknown level in default_log_levels, a bad syslog facility, a log file
// that cannot be opened, and the options goslo cannot honour:
// log_config_append (ErrLogConfigAppend), use_eventlog (Windows only)
// and publish_errors (needs oslo.messaging).
//
// Setup again replaces the previous set-up, which it closes.
func Setup(conf *config.Config, product string) (*Handler, error) {
	s, err := readSettings(conf)
	if err != nil {
		return nil, err
	}
	lt, err := parseLevels(s.debug, s.levels)
	if err != nil {
		return nil, fmt.Errorf("log: option %w", err)
	}
	h, err := build(s, product, "unknown", outputEnv{})
	if err != nil {
		return nil, err
	}
	h.conf = conf
	h.refreshSecrets()
	lt.apply()
	conf.OnMutate(h.mutated)
	if old := active.Swap(h); old != nil && old != h {
		old.Close()
	}
	slog.SetDefault(slog.New(&handler{node: rootNode}))
	return h, nil
}

// outputEnv lets tests redirect the outputs.
type outputEnv struct {
	stdout, stderr          *os.File
	syslogPath, journalPath string
	binary                  string
	fileHook                func(*fileOutput)
	now                     func() time.Time
	hostname                string
	statEvery               time.Duration
}

// build makes a Handler from settings.
func build(s settings, product, version string, env outputEnv) (_ *Handler, err error) {
	h := &Handler{}
	h.root = &handler{node: rootNode, owner: h}
	if s.useEventlog {
		return nil, fmt.Errorf("log: option use_eventlog: the Windows Event Log is not available on this platform")
	}
	if s.publishErrors {
		return nil, fmt.Errorf("log: option publish_errors: publishing errors needs oslo.messaging's notifier, which goslo does not have")
	}
	if s.useJSON {
		h.json = newJSONFormatter(env.hostname, s.formats.dateFormat)
	} else if h.text, err = newTextFormatter(s.formats, product, version); err != nil {
		return nil, err
	}
	var facility int
	if s.useSyslog || s.useJournal {
		if facility, err = findFacility(s.facility); err != nil {
			return nil, fmt.Errorf("log: option syslog_log_facility: %w", err)
		}
	}
	if s.rateBurst >= 1 && s.rateInterval >= 1 {
		if h.limiter, err = newRateLimiter(s.rateBurst, s.rateInterval, s.rateExcept); err != nil {
			return nil, fmt.Errorf("log: option rate_limit_except_level: %w", err)
		}
	}
	if env.binary == "" {
		env.binary = filepath.Base(os.Args[0])
	}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	// oslo.log watches the file on Linux only.
	s.watch = s.watch && runtime.GOOS == "linux"
	path := logFilePath(s.logFile, s.logDir, env.binary)
	if path != "" {
		fo, err := newFileOutput(path, s, env)
		if err != nil {
			return nil, err
		}
		h.outs = append(h.outs, fo)
		if s.watch {
			if h.watcher, err = watchFile(fo); err != nil {
				return nil, fmt.Errorf("log: option watch_log_file: %w", err)
			}
		}
	}
	if s.useStderr {
		f := env.stderr
		if f == nil {
			f = os.Stderr
		}
		h.outs = append(h.outs, &streamOutput{f: f})
	}
	if s.useJournal {
		h.outs = append(h.outs, newJournalOutput(env.journalPath, env.binary, facility))
	}
	if path == "" && !s.useStderr && !s.useJournal {
		f := env.stdout
		if f == nil {
			f = os.Stdout
		}
		h.outs = append(h.outs, &streamOutput{f: f})
	}
	if s.useSyslog {
		h.outs = append(h.outs, newSyslogOutput(env.syslogPath, env.binary, facility))
	}
	for _, o := range h.outs {
		if _, ok := o.(*streamOutput); ok {
			h.anyColor = true
		} else {
			h.anyPlain = true
		}
	}
	return h, nil
}

// logFilePath is oslo.log's _get_log_file_path.
func logFilePath(file, dir, binary string) string {
	switch {
	case file != "" && dir == "":
		return file
	case file != "" && dir != "":
		if filepath.IsAbs(file) {
			return file
		}
		return filepath.Join(dir, file)
	case dir != "":
		return filepath.Join(dir, binary) + ".log"
	}
	return ""
}

// applyLevels installs the levels of debug and default_log_levels.
func (h *Handler) applyLevels(debug bool, pairs []string) error {
	lt, err := parseLevels(debug, pairs)
	if err != nil {
		return fmt.Errorf("log: option %w", err)
	}
	lt.apply()
	return nil
}

// mutated is the mutate hook: debug and default_log_levels take effect,
// and the secrets to mask are read again.
func (h *Handler) mutated(c *config.Config, changes []config.Change) {
	if h.closed.Load() {
		return
	}
	h.refreshSecrets()
	relevel := false
	for _, ch := range changes {
		if ch.Group != config.DefaultGroup {
			continue
		}
		switch ch.Name {
		case "debug", "default_log_levels":
			relevel = true
		case "log-config-append", "log_config_append":
			if v, ok := logConfigAppendOpt.Lookup(c); ok && v != "" {
				h.root.log(slog.LevelError, fmt.Sprintf("log: option log_config_append (%s): %v", v, ErrLogConfigAppend))
			}
		}
	}
	if relevel {
		if err := h.applyLevels(debugOpt.Get(c), defaultLogLevelsOpt.Get(c)); err != nil {
			h.root.log(slog.LevelError, err.Error()+"; the levels stay as they were")
		}
	}
}

// log logs a message of the logging itself through h.
func (h *handler) log(l slog.Level, msg string) {
	r := slog.NewRecord(time.Now(), l, msg, 0)
	h.Handle(context.Background(), r)
}

// Enabled implements slog.Handler for the root logger.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.root.Enabled(ctx, l) }

// Handle implements slog.Handler: it writes r as a record of the root
// logger.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error { return h.handle(ctx, h.root, r) }

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.root.WithAttrs(attrs) }

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler { return h.root.WithGroup(name) }

// handle formats a record and writes it to every output.
func (h *Handler) handle(ctx context.Context, lh *handler, r slog.Record) error {
	if h.closed.Load() {
		return beforeSetup(lh, r)
	}
	if h.limiter != nil {
		ok, warn := h.limiter.allow(r.Level)
		if warn {
			w := slog.NewRecord(time.Now(), slog.LevelError, h.limiter.warning(), 0)
			h.write(context.Background(), &handler{node: rootNode, owner: h}, w)
		}
		if !ok {
			return nil
		}
	}
	return h.write(ctx, lh, r)
}

// write formats a record and writes it to every output.
func (h *Handler) write(ctx context.Context, lh *handler, r slog.Record) error {
	e := getRec(ctx, lh, r)
	defer putRec(e)
	if e.name == "goslo.config" || e.name == "oslo.config" {
		// Config logs option changes; a secret's new value must be known
		// before its line is written.
		h.refreshSecrets()
	}
	bp := bufPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			bufPool.Put(bp)
		}
	}()
	buf := (*bp)[:0]
	var plain, colored []byte
	if h.json != nil {
		buf = h.json.format(buf, e)
		plain = buf
		if h.anyColor {
			// ColorHandler adds the reset sequence to JSON lines too.
			start := len(buf)
			buf = append(append(buf, plain...), resetColor...)
			colored = buf[start:]
			plain = buf[:start]
		}
	} else {
		if h.anyPlain {
			buf = h.text.format(buf, e, false)
			plain = buf
		}
		if h.anyColor {
			start := len(buf)
			buf = h.text.format(buf, e, true)
			colored = buf[start:]
		}
	}
	if sec := h.secrets.Load(); sec != nil && !sec.empty() {
		plain = sec.mask(plain, h.json != nil)
		colored = sec.mask(colored, false)
	}
	*bp = buf
	var errs []error
	for _, o := range h.outs {
		if err := o.write(e, plain, colored); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Reopen closes and reopens the log file, for SIGHUP after logrotate
// moved it (the "create" method): lines written after it go to a new
// file at the configured path. It also reads the values of secret
// options again (call it after conf.Reload). Other outputs are left
// alone.
func (h *Handler) Reopen() error {
	if h.closed.Load() {
		return errors.New("log: reopen: the handler is closed")
	}
	h.refreshSecrets()
	var errs []error
	for _, o := range h.outs {
		if err := o.reopen(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close stops the file watcher, closes the outputs and, if h is the
// active set-up, returns logging to its state before Setup (WARNING and
// above to standard error). Close is idempotent.
func (h *Handler) Close() error {
	h.closeMu.Lock()
	defer h.closeMu.Unlock()
	if h.closed.Swap(true) {
		return h.closeErr
	}
	active.CompareAndSwap(h, nil)
	var errs []error
	if h.watcher != nil {
		errs = append(errs, h.watcher.stop())
	}
	for _, o := range h.outs {
		errs = append(errs, o.close())
	}
	h.closeErr = errors.Join(errs...)
	return h.closeErr
}
