package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/verken/verken/internal/backup"
)

// runBackup writes a backup archive: from the data directory when the
// server is stopped, or from a running server (--server, with an
// administrator's API token in VERKEN_TOKEN) while it keeps serving.
func runBackup(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("backup", "write a consistent backup FILE (tar.gz: the store and the transit network; the index is rebuilt on restore). With --server, from a running server, using an administrator's API token in VERKEN_TOKEN", stderr, &cfg)
	server := fs.String("server", "", "base URL of a running Verken, e.g. http://localhost:8080")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken backup: name one file")
		return 2
	}
	file := fs.Arg(0)
	var err error
	if *server != "" {
		err = writeFile(file, func(w io.Writer) error {
			return fetchBackup(strings.TrimRight(*server, "/"), os.Getenv("VERKEN_TOKEN"), w)
		})
	} else {
		sys, _, code, ok := openParsed(cfg, false, stderr)
		if !ok {
			return code
		}
		err = writeFile(file, func(w io.Writer) error { return backup.Write(w, sys.store, cfg.dataDir) })
		sys.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "verken backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup written to %s\n", file)
	return 0
}

func fetchBackup(server, token string, w io.Writer) error {
	req, err := http.NewRequest("GET", server+"/api/v1/admin/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// runRestore unpacks a backup into an empty data directory and rebuilds
// the index from it.
func runRestore(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("restore", "restore backup FILE into an empty data directory and rebuild the search index", stderr, &cfg)
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken restore: name one file")
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	if err := backup.Restore(f, cfg.dataDir); err != nil {
		fmt.Fprintf(stderr, "verken restore: %v\n", err)
		return 1
	}
	sys, _, code, ok := openParsed(cfg, true, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	n, _ := sys.store.Count()
	fmt.Fprintf(stdout, "restored %d suppliers into %s; index rebuilt\n", n, cfg.dataDir)
	return 0
}
