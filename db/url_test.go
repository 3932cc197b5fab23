package db_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/db"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want db.URL
	}{
		{"sqlite://", db.URL{Drivername: "sqlite"}},
		{"sqlite:///", db.URL{Drivername: "sqlite", HasDatabase: true}},
		{"sqlite:///:memory:", db.URL{Drivername: "sqlite", Database: ":memory:", HasDatabase: true}},
		{"sqlite:///relative/path.db", db.URL{Drivername: "sqlite", Database: "relative/path.db", HasDatabase: true}},
		{"sqlite:////absolute/path.db", db.URL{Drivername: "sqlite", Database: "/absolute/path.db", HasDatabase: true}},
		{"postgresql://nova:s3cr%40t%2F1@db.example.com:5433/nova?sslmode=require&application_name=a+b",
			db.URL{Drivername: "postgresql", Username: "nova", HasUsername: true, Password: "s3cr@t/1", HasPassword: true,
				Host: "db.example.com", Port: 5433, HasPort: true, Database: "nova", HasDatabase: true,
				Query: []db.QueryArg{{Name: "sslmode", Value: "require"}, {Name: "application_name", Value: "a b"}}}},
		{"postgresql+psycopg2://u@[::1]/d%20b", db.URL{Drivername: "postgresql+psycopg2", Username: "u", HasUsername: true,
			Host: "::1", Database: "d%20b", HasDatabase: true}},
		// The password pattern stops at the first "@".
		{"postgresql://u:p@ss@h/db", db.URL{Drivername: "postgresql", Username: "u", HasUsername: true, Password: "p",
			HasPassword: true, Host: "ss@h", Database: "db", HasDatabase: true}},
		{"postgresql://h/db?a=&b=1&c&d=x%zz", db.URL{Drivername: "postgresql", Host: "h", Database: "db", HasDatabase: true,
			Query: []db.QueryArg{{Name: "b", Value: "1"}, {Name: "d", Value: "x%zz"}}}},
		{"postgresql://h:+1_0/db", db.URL{Drivername: "postgresql", Host: "h", Port: 10, HasPort: true, Database: "db", HasDatabase: true}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := db.ParseURL(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(&tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	for _, bad := range []string{"", "foo", "postgresql://h:abc/db", "postgresql://h:/db", "://x"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := db.ParseURL(bad); !errors.Is(err, db.ErrURL) {
				t.Errorf("ParseURL(%q) error = %v, want ErrURL", bad, err)
			}
		})
	}
}

func TestURLErrorsHidePassword(t *testing.T) {
	for _, s := range []string{"postgresql://u:hunter2@h:port/db", "mysql://u:hunter2@h/db", "postgres://u:hunter2@h/db"} {
		_, err := db.ParseURL(s)
		if err == nil {
			_, err = db.OpenURL(ctx, s)
		}
		if err == nil {
			t.Fatalf("%s: no error", s)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// pythonURLAnswer is what testdata/oracle/url.py writes for one URL.
type pythonURLAnswer struct {
	OK         bool       `json:"ok"`
	Error      string     `json:"error"`
	Drivername string     `json:"drivername"`
	Backend    string     `json:"backend"`
	Username   *string    `json:"username"`
	Password   *string    `json:"password"`
	Host       *string    `json:"host"`
	Port       *int       `json:"port"`
	Database   *string    `json:"database"`
	Query      [][]string `json:"query"`
	Repr       string     `json:"repr"`
}

// goAnswer puts ParseURL's result in the oracle's form.
func goAnswer(s string) pythonURLAnswer {
	u, err := db.ParseURL(s)
	if err != nil {
		return pythonURLAnswer{}
	}
	opt := func(v string, ok bool) *string {
		if !ok {
			return nil
		}
		return &v
	}
	a := pythonURLAnswer{OK: true, Drivername: u.Drivername, Backend: u.Backend(),
		Username: opt(u.Username, u.HasUsername), Password: opt(u.Password, u.HasPassword),
		Host: opt(u.Host, u.Host != ""), Database: opt(u.Database, u.HasDatabase), Repr: u.String()}
	if u.HasPort {
		a.Port = &u.Port
	}
	// SQLAlchemy groups a name's values at the name's first place.
	var names []string
	byName := map[string][]string{}
	for _, q := range u.Query {
		if _, ok := byName[q.Name]; !ok {
			names = append(names, q.Name)
		}
		byName[q.Name] = append(byName[q.Name], q.Value)
	}
	for _, n := range names {
		for _, v := range byName[n] {
			a.Query = append(a.Query, []string{n, v})
		}
	}
	return a
}

// genURL builds a connection string from pieces chosen to hit the
// corners of SQLAlchemy's pattern and of percent-decoding.
func genURL(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	piece := func(alphabet []string, max int) string {
		var b strings.Builder
		for range r.IntN(max + 1) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	text := []string{"a", "Z", "0", "_", "-", ".", ":", "@", "/", "?", "&", "=", "+", " ", "%", "%41", "%2F", "%40",
		"%zz", "%e2%82", "%C3%A9", "%ff", "é", "✓", "[", "]", "#", ";"}
	var b strings.Builder
	b.WriteString(pick("postgresql", "postgresql+psycopg2", "sqlite", "sqlite+pysqlite", "mysql+pymysql", "é+x", "a b", "", "pg_8"))
	b.WriteString(pick("://", "://", "://", ":/", ""))
	if r.IntN(2) == 0 {
		b.WriteString(piece(text, 4))
		if r.IntN(2) == 0 {
			b.WriteString(":" + piece(text, 5))
		}
		b.WriteString("@")
	}
	switch r.IntN(4) {
	case 0:
		b.WriteString("[" + pick("::1", "fe80::1%eth0", "x") + "]")
	case 1:
		b.WriteString(pick("localhost", "db.example.com", "10.0.0.1", "h", ""))
	}
	if r.IntN(3) == 0 {
		b.WriteString(":" + pick("5432", "", "abc", " 12 ", "+1_0", "1__0", "-5", "٣٤", "0", "65536"))
	}
	if r.IntN(4) != 0 {
		b.WriteString("/" + piece(text, 5))
	}
	if r.IntN(2) == 0 {
		b.WriteString("?" + piece(text, 8))
	}
	return b.String()
}

// TestParseURLAgainstSQLAlchemy compares ParseURL with SQLAlchemy's
// make_url on fixed and generated connection strings.
func TestParseURLAgainstSQLAlchemy(t *testing.T) {
	needPython(t, "sqlalchemy")
	inputs := []string{
		"sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite:///rel/path.db", "sqlite:////abs/path.db",
		"postgresql://u:p%40ss@h:5432/db?sslmode=require&a=1&a=2", "postgresql+psycopg2://u@h/d%20b",
		"postgresql://h:/db", "postgresql://h:abc/db", "postgresql://[::1]:5/db", "postgresql://u:p@ss@h/db",
		"postgresql://u:p/ss@h/db", "postgresql://h/db?a=&b=1&c&d=x+y%zz", "postgres://h/db", "é+x://h",
		"postgresql://h: 12/db", "postgresql://%41:%zz@h/db", "mysql+pymysql://u:p@h/db?charset=utf8", "foo",
		"postgresql://h/db?x=1;y=2", "sqlite:///x.db?timeout=3&uri=true", "postgresql://h:+1_0/db",
		"postgresql://u:@h/db", "postgresql://@h/db", "postgresql:///db?host=/var/run/postgresql",
		"postgresql://h/db\n?x=1", "postgresql://u:%e2%82%ac%e2%82@h/", "postgresql://u:%ed%a0%80@h/",
		"postgresql://h:٣٤/d", "postgresql://u:a%F0%9F%98@h/d?%F0%9F=%80%80",
	}
	r := rand.New(rand.NewPCG(7, 11))
	for range 3000 {
		inputs = append(inputs, genURL(r))
	}
	in, _ := json.Marshal(inputs)
	cmd := exec.Command(pythonPath, "testdata/oracle/url.py")
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var want []pythonURLAnswer
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	failures, oks := 0, 0
	for i, s := range inputs {
		w := want[i]
		if w.OK {
			oks++
		}
		if !w.OK {
			w = pythonURLAnswer{} // any error
		}
		if len(w.Query) == 0 {
			w.Query = nil
		}
		if d := cmp.Diff(w, goAnswer(s)); d != "" {
			failures++
			if failures <= 20 {
				t.Errorf("%q (-sqlalchemy +goslo):\n%s", s, d)
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d URLs differ", failures, len(inputs))
	}
	// The generator must exercise both outcomes.
	if oks < len(inputs)/4 || oks > len(inputs)*9/10 {
		t.Errorf("SQLAlchemy parsed %d of %d inputs: the generator is off", oks, len(inputs))
	}
	t.Logf("%d URLs, %d parsed by SQLAlchemy, all answers equal", len(inputs), oks)
}
