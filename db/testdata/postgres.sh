#!/usr/bin/env bash
# A throw-away PostgreSQL server for goslo's db tests, on 127.0.0.1 and a
# private socket directory, with fsync off.
#
#   eval "$(db/testdata/postgres.sh start)"   # sets GOSLO_TEST_PG_DSN and GOSLO_TEST_PG_DIR
#   go test ./db/...
#   db/testdata/postgres.sh stop "$GOSLO_TEST_PG_DIR"
#
# It uses Debian's postgresql package (binaries in /usr/lib/postgresql/*/bin,
# or PG_BIN). initdb refuses to run as root, so as root the server runs as the
# postgres user (runuser). The password has characters that must be
# percent-encoded in the URL, so every test also checks that decoding.
set -euo pipefail

cmd=${1:-}
case "$cmd" in
start)
	bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		echo "postgres.sh: no PostgreSQL binaries (install Debian's postgresql or set PG_BIN)" >&2
		exit 1
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/goslo-pg.XXXXXX")
	run=()
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
		run=(runuser -u postgres --)
	fi
	chmod 700 "$dir"
	password='s3cr@t/pw:1'
	printf '%s\n' "$password" >"$dir/pwfile"
	[ "${#run[@]}" -gt 0 ] && chown postgres: "$dir/pwfile"
	"${run[@]}" "$bin/initdb" -D "$dir/data" -U goslo --pwfile="$dir/pwfile" \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2; exit 1; }
	mkdir -p "$dir/sock"
	[ "${#run[@]}" -gt 0 ] && chown postgres: "$dir/sock"
	# A free port: ask the kernel for one, then start; retry if it was taken.
	for attempt in 1 2 3 4 5; do
		port=$(( (RANDOM % 20000) + 30000 ))
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
CONF
		if "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
			break
		fi
		port=
	done
	if [ -z "$port" ]; then
		echo "postgres.sh: the server did not start; see $dir/server.log" >&2
		cat "$dir/server.log" >&2 || true
		exit 1
	fi
	"${run[@]}" "$bin/psql" -q -h "$dir/sock" -p "$port" -U goslo -d postgres \
		-c "CREATE DATABASE goslo" >/dev/null
	echo "$bin" >"$dir/bin"
	echo "export GOSLO_TEST_PG_DIR='$dir'"
	echo "export GOSLO_TEST_PG_DSN='postgresql://goslo:s3cr%40t%2Fpw%3A1@127.0.0.1:$port/goslo'"
	;;
stop)
	dir=${2:-${GOSLO_TEST_PG_DIR:-}}
	if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
		exit 0
	fi
	bin=$(cat "$dir/bin" 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	run=()
	[ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
	"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start | stop [DIR]" >&2
	exit 2
	;;
esac
