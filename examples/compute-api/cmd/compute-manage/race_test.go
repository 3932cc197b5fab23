//go:build race

package main

// raceEnabled builds the service under test with -race too.
const raceEnabled = true
