// Command compute-api is goslo's example service. For now it only reads its
// configuration files and prints what they set, secrets masked; it grows
// into a full OpenStack-style API service as the packages land.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/goslo/goslo/internal/ini"
)

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var cf files
	flag.Var(&cf, "config-file", "config file (repeatable)")
	flag.Parse()
	for _, name := range cf {
		f, err := ini.ParseFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compute-api:", err)
			os.Exit(1)
		}
		for _, s := range f.Sections {
			for _, k := range s.Keys {
				vs := s.Values[k]
				v := vs[len(vs)-1].Text
				if strings.Contains(k, "password") || strings.Contains(k, "secret") {
					v = "****"
				}
				fmt.Printf("%s.%s = %s\n", s.Name, k, v)
			}
		}
	}
}
