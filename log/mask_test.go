package log

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMaskPasswordExamples(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"'adminPass' : 'aaaaa'", "'adminPass' : '***'"},
		{"'admin_pass' : 'aaaaa'", "'admin_pass' : '***'"},
		{`"password" : "aaaaa"`, `"password" : "***"`},
		{"'original_password' : 'aaaaa'", "'original_password' : '***'"},
		{"password=secret123 user=admin", "password=*** user=admin"},
		{"--password s3cr3t --user admin", "--password *** --user admin"},
		{"<password>x</password>", "<password>***</password>"},
		{"nothing to hide", "nothing to hide"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := MaskPassword(tc.in); got != tc.want {
				t.Errorf("MaskPassword(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// maskInputs generates messages in the shapes strutils' patterns know,
// and noise around them.
func maskInputs() [][2]string {
	keys := append([]string{"Password", "PASSWORD", "password2", "admin_password", "AdminPass", "auth_token",
		"X-Auth-Token", "token", "secret", "Secret_UUID", "private_key", "passphrase", "chapPassword",
		"db_password", "new_pass", "sys_pswd", "configdrive", "fernetkey", "encrypted_key", "user", "pass",
		"passwd", "keystonecredential0", "ADMİN_PASS", "prıvate_key", "ſecret", "toKen"}, sanitizeKeys[18:]...)
	shapes := []string{
		"%s=%s", "%s = %s", "%s='%s'", `%s="%s"`, "%s = '%s' tail", `%s: "%s"`, `"%s": "%s"`, "'%s': '%s'",
		`{"%s": "%s", "user": "bob"}`, "{'%s': u'%s'}", "--%s %s", "--%s %s --next x", "<%s>%s</%s>",
		"<%s>%s</other>", "%s '%s'", `%s "%s"`, "'%s', '--opt', '%s'", "%s -p %s", "%s --pw %s",
		"%s\t=\t%s", "%s=%s\n%s=%s", "[%s=%s]", "%s=%s;", "%s==%s", "%s =%s",
		`{"a": {"%s": "%s"}, "b": "c"}`, `'x%s': '%s', 'y': 'z'`, "%s2=%s %s3=%s",
		"%s\u00a0=\u00a0%s", "%s\u2003%s", "%s\v=\v%s",
	}
	values := []string{"s3cr3t", "p@ss w0rd", "", "a'b", `a"b`, "=x=", "ünïcode", "tok-123.456", "<tag>", "x\ny"}
	var out [][2]string
	for _, k := range keys {
		for si, sh := range shapes {
			v := values[(len(k)+si)%len(values)]
			n := strings.Count(sh, "%s")
			args := make([]any, n)
			for i := range args {
				if i%2 == 0 {
					args[i] = k
				} else {
					args[i] = v
				}
			}
			out = append(out, [2]string{fmt.Sprintf(sh, args...), "***"})
		}
	}
	// Random mixtures: fragments of the shapes, quotes, separators.
	r := rand.New(rand.NewPCG(1, 2))
	frags := []string{"password", "token", "secret", "=", " = ", "'", `"`, ":", ", ", "--", "<", ">", "</",
		"u'", "x", "y ", "123", " ", "\n", "{", "}", "admin_pass", "--password", "\u3000", "-", "A", "é"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for j := r.IntN(12) + 1; j > 0; j-- {
			b.WriteString(frags[r.IntN(len(frags))])
		}
		secret := "***"
		if i%7 == 0 {
			secret = "<hidden>"
		}
		out = append(out, [2]string{b.String(), secret})
	}
	return out
}

func TestMaskPasswordAgainstOsloUtils(t *testing.T) {
	inputs := maskInputs()
	var want []string
	runPython(t, "testdata/mask.py", inputs, &want)
	fails := 0
	for i, in := range inputs {
		got := MaskPasswordWith(in[0], in[1])
		if got != want[i] {
			fails++
			if fails <= 25 {
				t.Errorf("MaskPasswordWith(%q, %q) = %q, oslo_utils %q", in[0], in[1], got, want[i])
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d differ", fails, len(inputs))
	}
	t.Logf("%d messages compared", len(inputs))
}
