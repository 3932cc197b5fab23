package log_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/log"
	"github.com/goslo/goslo/reqctx"
)

var logger = log.Get("nova.api.servers")

func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	logFile := filepath.Join(dir, "nova-api.log")

	conf := config.New()
	if err := log.RegisterOptions(conf); err != nil {
		fmt.Println(err)
		return
	}
	args := []string{"--log-file", logFile, "--debug"}
	if err := conf.Load(args, config.LoadOptions{DefaultConfigFiles: []string{}}); err != nil {
		fmt.Println(err)
		return
	}
	h, err := log.Setup(conf, "nova")
	if err != nil {
		fmt.Println(err)
		return
	}

	rc := reqctx.New()
	rc.RequestID = "req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21"
	rc.UserID, rc.ProjectID = "8c1a", "42fe"
	ctx := reqctx.With(context.Background(), rc)

	logger.InfoContext(ctx, "Creating server", "flavor", "m1.small", log.Instance("7e2b"))
	logger.Warn("Quota almost used", log.Exception(errors.New("OverQuota: 9 of 10 cores")))
	h.Close()

	data, _ := os.ReadFile(logFile)
	// The time and the process id vary; the rest is oslo's line.
	fmt.Print(regexp.MustCompile(`(?m)^\S+ \S+ \d+ `).ReplaceAllString(string(data), ""))
	// Output:
	// INFO nova.api.servers [None req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21 8c1a 42fe - - - -] [instance: 7e2b] Creating server flavor=m1.small
	// WARNING nova.api.servers [-] Quota almost used: OverQuota: 9 of 10 cores
	// ERROR nova.api.servers OverQuota: 9 of 10 cores
	// ERROR nova.api.servers
}

func ExampleMaskPassword() {
	fmt.Println(log.MaskPassword(`{"auth": {"user": "admin", "password": "s3cr3t"}}`))
	fmt.Println(log.MaskPassword("mysql --user=nova --password=s3cr3t"))
	// oslo_utils' quirk, kept: a JSON member after the password loses its value.
	fmt.Println(log.MaskPassword(`{"password": "s3cr3t", "user": "admin"}`))
	// Output:
	// {"auth": {"user": "admin", "password": "***"}}
	// mysql --user=nova --password=***
	// {"password": "***", "user": "}
}

func ExampleSetup_errors() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "nova.conf")
	os.WriteFile(file, []byte("[DEFAULT]\nlogging_context_format_string = %(asctime)s %(request)s %(message)s\n"), 0o644)

	conf := config.New()
	log.RegisterOptions(conf)
	conf.Load([]string{"--config-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}})
	_, err := log.Setup(conf, "nova")
	fmt.Println(err != nil, regexp.MustCompile(` \(the fields are.*`).ReplaceAllString(err.Error(), ""))
	// Output:
	// true log: option logging_context_format_string: %(request)s: unknown field
}
