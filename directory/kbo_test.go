package directory

import (
	"errors"
	"testing"
)

func TestNormalizeEnterpriseNumber(t *testing.T) {
	// 0123.456.749: 1234567 mod 97 = 48, 97 - 48 = 49.
	ok := map[string]string{
		"0123.456.749":    "0123456749",
		"BE 0123 456 749": "0123456749",
		"be0123456749":    "0123456749",
		"123.456.749":     "0123456749", // the old nine-digit form
	}
	for in, want := range ok {
		got, err := NormalizeEnterpriseNumber(in)
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	bad := map[string]error{
		"0123.456.748": ErrKBOCheck,
		"0123.456.7":   ErrKBOFormat,
		"2123.456.749": ErrKBOStart,
		"0123.456.7x9": ErrKBOFormat,
		"":             ErrKBOFormat,
	}
	for in, want := range bad {
		if _, err := NormalizeEnterpriseNumber(in); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", in, err, want)
		}
	}
	// A multiple of 97 gets check digits 97.
	n := EnterpriseNumberWithCheck(97 * 12345)
	if n[8:] != "97" {
		t.Fatalf("check for a multiple of 97: %s", n)
	}
	if _, err := NormalizeEnterpriseNumber(n); err != nil {
		t.Fatalf("%s: %v", n, err)
	}
}
