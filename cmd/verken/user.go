package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/verken/verken/directory"
)

// runUser adds an account from the command line: the way to the first
// administrator of a new installation.
func runUser(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("user", "add an account: verken user --email E --name N --role admin|supplier|buyer [--supplier ID]. The password comes from VERKEN_PASSWORD or the first line of standard input, never from a flag. Stop the server first", stderr, &cfg)
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "the person's name")
	role := fs.String("role", "admin", "admin, supplier or buyer")
	supplier := fs.String("supplier", "", "the supplier id a supplier user keeps")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	password := os.Getenv("VERKEN_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(stderr, "verken user: give the password in VERKEN_PASSWORD or on standard input")
			return 2
		}
		password = strings.TrimRight(line, "\r\n")
	}
	a := directory.Account{Email: *email, Name: *name, Role: directory.Role(*role)}
	switch a.Role {
	case directory.RoleAdmin, directory.RoleBuyer:
	case directory.RoleSupplier:
		if *supplier == "" {
			fmt.Fprintln(stderr, "verken user: a supplier user needs --supplier")
			return 2
		}
		a.SupplierIDs = []string{*supplier}
	default:
		fmt.Fprintf(stderr, "verken user: unknown role %q\n", *role)
		return 2
	}
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	if *supplier != "" {
		if _, err := sys.store.Get(*supplier); err != nil {
			fmt.Fprintf(stderr, "verken user: supplier %s: %v\n", *supplier, err)
			return 1
		}
	}
	if err := sys.store.CreateAccount(&a, password); err != nil {
		log.Error("cannot add the account", "err", err)
		return 1
	}
	fmt.Fprintf(stdout, "account %s added: %s (%s)\n", a.ID, a.Email, a.Role)
	return 0
}
