package py_test

import (
	"errors"
	"fmt"

	"github.com/goslo/goslo/internal/py"
)

// A logging format string applied to a record's values, as
// "format % mapping" does in Python.
func ExampleParseFormat() {
	pieces, err := py.ParseFormat("%(levelname)-7s %(lineno)04d %(msecs).1f%%")
	if err != nil {
		fmt.Println(err)
		return
	}
	values := map[string]py.Value{"levelname": py.Str("INFO"), "lineno": py.Int(42), "msecs": py.Float(7.25)}
	var b []byte
	for _, p := range pieces {
		b = append(b, p.Lit...)
		if p.Converts() {
			b = py.AppendFormat(b, values[p.Key], p.Spec)
		}
	}
	fmt.Println(string(b))
	// Output: INFO    0042 7.2%
}

// A caller words its own errors from a FormatError.
func ExampleFormatError() {
	_, err := py.ParseFormat("%(name)s %(lineno)q")
	var fe *py.FormatError
	if errors.As(err, &fe) {
		fmt.Printf("%v (character %q at byte %d)\n", err, fe.Char, fe.Pos)
	}
	// Output: unsupported format character 'q' (0x71) at index 18 (character 'q' at byte 18)
}

func ExampleAppendFloatRepr() {
	for _, f := range []float64{1, 0.1, 1e16, 1.5e-5} {
		fmt.Println(string(py.AppendFloatRepr(nil, f)))
	}
	// Output:
	// 1.0
	// 0.1
	// 1e+16
	// 1.5e-05
}

func ExampleStrRepr() {
	fmt.Println(py.StrRepr("it's\té"))
	fmt.Println(string(py.AppendStrASCII(nil, "it's\té")))
	// Output:
	// "it's\té"
	// "it's\t\xe9"
}

func ExampleAppendJSONString() {
	fmt.Println(string(py.AppendJSONString(nil, "żółw 🐢")))
	// Output: "\u017c\u00f3\u0142w \ud83d\udc22"
}
