//go:build race

package wsgi

const raceEnabled = true
