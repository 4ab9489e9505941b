package directory

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// ErrSecretNotFound: no live session, token or one-time link has this
// secret — unknown, expired or used; which one is not told.
var ErrSecretNotFound = errors.New("unknown or expired")

// newSecret is 32 random bytes, URL-safe.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret is how a secret is stored: a leaked store file does not give
// working sessions, tokens or links.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
