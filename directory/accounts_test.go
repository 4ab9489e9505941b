package directory_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func TestAccountsSessionsTokensAndLinks(t *testing.T) {
	s := testenv.Store(t, "", 0)
	clock := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	a := directory.Account{Email: " Els@Brug.example ", Name: "Els", Role: directory.RoleSupplier, SupplierIDs: []string{"sup1"}}
	if err := s.CreateAccount(&a, "kort"); !errors.Is(err, directory.ErrPasswordTooShort) {
		t.Fatalf("short password: %v", err)
	}
	if err := s.CreateAccount(&a, "een lang wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if a.Email != "els@brug.example" || a.PasswordHash == "" || a.PasswordHash == "een lang wachtwoord" {
		t.Fatalf("account: %+v", a)
	}
	// The hash states its parameters: argon2id, 19 MiB, two passes.
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; a.PasswordHash[:len(want)] != want {
		t.Fatalf("hash %s", a.PasswordHash)
	}
	dup := directory.Account{Email: "ELS@brug.example", Role: directory.RoleBuyer}
	if err := s.CreateAccount(&dup, "nog een lang wachtwoord"); !errors.Is(err, directory.ErrEmailTaken) {
		t.Fatalf("duplicate e-mail: %v", err)
	}
	if _, err := s.Authenticate("els@brug.example", "fout wachtwoord"); !errors.Is(err, directory.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if got, err := s.Authenticate("ELS@BRUG.EXAMPLE", "een lang wachtwoord"); err != nil || got.ID != a.ID {
		t.Fatalf("login: %v", err)
	}

	secret, _, err := s.NewSession(a.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.SessionBySecret(secret); err != nil || got.ID != a.ID {
		t.Fatalf("session: %v", err)
	}
	clock = clock.Add(2 * time.Hour)
	if _, _, err := s.SessionBySecret(secret); !errors.Is(err, directory.ErrSecretNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	secret, _, _ = s.NewSession(a.ID, time.Hour)
	if err := s.SetPassword(a.ID, "een ander lang wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionBySecret(secret); err == nil {
		t.Fatal("a new password left the old session alive")
	}

	tok, info, err := s.NewToken(a.ID, "sup1", "ERP")
	if err != nil || info.Prefix != tok[:9] {
		t.Fatalf("token: %v %+v", err, info)
	}
	if got, acc, err := s.TokenBySecret(tok); err != nil || got.SupplierID != "sup1" || acc.ID != a.ID {
		t.Fatalf("token lookup: %v", err)
	}
	if err := s.RevokeToken("someone-else", info.ID); err == nil {
		t.Fatal("another account revoked the token")
	}
	if err := s.RevokeToken(a.ID, info.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenBySecret(tok); !errors.Is(err, directory.ErrTokenRevoked) {
		t.Fatalf("revoked token: %v", err)
	}

	link, err := s.NewLink(directory.Link{Kind: directory.LinkReset, AccountID: a.ID}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PeekLink(directory.LinkInvite, link); err == nil {
		t.Fatal("a reset link works as an invitation")
	}
	if l, err := s.UseLink(directory.LinkReset, link); err != nil || l.AccountID != a.ID {
		t.Fatalf("use: %+v %v", l, err)
	}
	if _, err := s.UseLink(directory.LinkReset, link); !errors.Is(err, directory.ErrSecretNotFound) {
		t.Fatal("a one-time link worked twice")
	}

	if err := s.DeleteAccount(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByEmail(a.Email); !errors.Is(err, directory.ErrAccountNotFound) {
		t.Fatalf("deleted account: %v", err)
	}
	if list, _ := s.Tokens(a.ID); len(list) != 0 {
		t.Fatal("a deleted account kept its tokens")
	}
}
