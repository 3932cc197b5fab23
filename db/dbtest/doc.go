// Package dbtest gives each test a database of its own: a SQLite file in
// the test's temporary directory, or a schema of its own on the
// PostgreSQL test server that GOSLO_TEST_PG_DSN names (db/testdata/
// postgres.sh start prints it; .ci/run exports it), dropped when the test
// ends. goslo's own tests and a service's tests use it alike.
package dbtest
