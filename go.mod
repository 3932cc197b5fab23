module github.com/goslo/goslo

go 1.26

require go.uber.org/goleak v1.3.0

require github.com/google/go-cmp v0.7.0 // indirect
