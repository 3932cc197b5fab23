package config

import (
	"os"
	"path/filepath"
	"sort"
)

// configDirs is oslo's _get_config_dirs: ~/.PROJECT/, ~/, /etc/PROJECT/,
// /etc/ (and the snap directories when running from a snap).
func configDirs(project string) []string {
	var dirs []string
	if project != "" {
		dirs = append(dirs, fixPath(filepath.Join("~", "."+project)))
	}
	dirs = append(dirs, fixPath("~"))
	if project != "" {
		dirs = append(dirs, filepath.Join("/etc", project))
	}
	dirs = append(dirs, "/etc")
	if project != "" {
		if sc := os.Getenv("SNAP_COMMON"); sc != "" {
			dirs = append(dirs, filepath.Join(sc, "etc", project))
		}
		if s := os.Getenv("SNAP"); s != "" {
			dirs = append(dirs, filepath.Join(s, "etc", project))
		}
	}
	return dirs
}

func searchDirs(dirs []string, name string) string {
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// FindConfigFiles returns oslo's default config files (extension ".conf")
// or directories (".conf.d"): PROJECT+ext and PROG+ext, each the first
// found in ~/.PROJECT/, ~/, /etc/PROJECT/, /etc/.
func FindConfigFiles(project, prog, ext string) []string {
	dirs := configDirs(project)
	out := []string{}
	for _, name := range []string{project, prog} {
		if name == "" {
			continue
		}
		if p := searchDirs(dirs, name+ext); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
