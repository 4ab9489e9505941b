package directory

import (
	"errors"
	"strconv"
	"strings"
)

// Errors of NormalizeEnterpriseNumber; their texts are the reasons shown to users.
var (
	ErrKBOFormat = errors.New("must be 10 digits, for example 0123.456.749")
	ErrKBOStart  = errors.New("must start with 0 or 1")
	ErrKBOCheck  = errors.New("check digits do not match (mod 97)")
)

// NormalizeEnterpriseNumber accepts a KBO/BCE enterprise number as people
// write it ("0123.456.749", "BE 0123 456 749", or the old nine digits) and
// returns its ten digits after checking them: the last two are 97 minus the
// first eight modulo 97.
func NormalizeEnterpriseNumber(s string) (string, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	s = strings.TrimPrefix(s, "BE")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == ' ' || r == '-' || r == '/':
		default:
			return "", ErrKBOFormat
		}
	}
	digits := b.String()
	if len(digits) == 9 {
		digits = "0" + digits
	}
	if len(digits) != 10 {
		return "", ErrKBOFormat
	}
	if digits[0] != '0' && digits[0] != '1' {
		return "", ErrKBOStart
	}
	base, _ := strconv.Atoi(digits[:8])
	check, _ := strconv.Atoi(digits[8:])
	if 97-base%97 != check {
		return "", ErrKBOCheck
	}
	return digits, nil
}

// FormatEnterpriseNumber writes ten digits as 0123.456.749.
func FormatEnterpriseNumber(digits string) string {
	if len(digits) != 10 {
		return digits
	}
	return digits[:4] + "." + digits[4:7] + "." + digits[7:]
}

// EnterpriseNumberWithCheck completes eight digits with their check digits.
func EnterpriseNumberWithCheck(first8 int) string {
	s := strconv.Itoa(first8)
	for len(s) < 8 {
		s = "0" + s
	}
	c := 97 - first8%97
	if c < 10 {
		return s + "0" + strconv.Itoa(c)
	}
	return s + strconv.Itoa(c)
}
