// Command verken runs Verken: the web server (the default), and the
// operator's sub-commands.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands are the sub-commands, each with its own flags and --help.
var commands = []struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}{
	{"serve", "run the web server (the default)", runServe},
	{"reindex", "rebuild the search index from the store", runReindex},
	{"import", "import suppliers from a JSON or JSON Lines file, keyed on the KBO number", runImport},
	{"export", "write every supplier to a JSON Lines file", runExport},
	{"user", "add an account, such as the first administrator", runUser},
	{"backup", "write a consistent backup of the data directory, also from a running server", runBackup},
	{"restore", "restore a backup into an empty data directory", runRestore},
	{"seed", "fill an empty data directory with N generated demo suppliers", runSeed},
	{"bench", "send a bounded load to a running server and print throughput and latency", runBench},
	{"transit", "transit import FEED.zip ...: import public-transport timetables (GTFS)", runTransit},
	{"kbo", "kbo import FILE.zip: import a KBO Open Data extract as unclaimed profiles; kbo generate: write a synthetic one", runKBO},
	{"recognitions", "recognitions import FILE: import an authority's register of recognitions (CSV or XLSX)", runRecognitions},
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-help" {
		return runServe(args, stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "verken: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Verken: explore the social-economy supplier market before tendering.")
	fmt.Fprintln(w, "\nUsage: verken [command] [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'verken COMMAND --help' for a command's flags; each flag can also be set by the environment")
	fmt.Fprintln(w, "variable named beside it (VERKEN_DATA, VERKEN_ADDR, ...). docs/operations.md explains running it.")
}
