module github.com/goslo/goslo

go 1.26.0

require go.uber.org/goleak v1.3.0

require github.com/google/go-cmp v0.7.0

require (
	github.com/coreos/go-systemd/v22 v22.7.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
