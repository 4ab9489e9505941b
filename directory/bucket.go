package directory

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// Accounts, sessions, tokens, one-time links and saved reports are each a
// JSON value under a string key in a bucket of their own. These helpers are
// how they are written and read; the caller names its own "not found", so
// that a missing session and a missing account stay different errors.

// putJSON stores v under key.
func putJSON(tx *bolt.Tx, bucket []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), b)
}

// getJSON reads the value under key into v, or returns notFound.
func getJSON(tx *bolt.Tx, bucket []byte, key string, v any, notFound error) error {
	b := tx.Bucket(bucket).Get([]byte(key))
	if b == nil {
		return notFound
	}
	return json.Unmarshal(b, v)
}

// listJSON decodes every value of a bucket and keeps those keep accepts.
// The buckets it reads stay small (accounts, their tokens, saved reports), so
// a scan needs no index per account.
func listJSON[T any](db *bolt.DB, bucket []byte, keep func(T) bool) ([]T, error) {
	var out []T
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			if keep(x) {
				out = append(out, x)
			}
			return nil
		})
	})
	return out, err
}

// accountOf reads the account_id of a stored session or token.
func accountOf(v []byte) string {
	var x struct {
		AccountID string `json:"account_id"`
	}
	_ = json.Unmarshal(v, &x)
	return x.AccountID
}

// deleteWhere removes the values match accepts; the keys are gathered
// first, as bbolt forbids deleting under a running ForEach.
func deleteWhere(tx *bolt.Tx, bucket []byte, match func(v []byte) bool) error {
	b := tx.Bucket(bucket)
	var keys [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if match(v) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
