package directory

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta       = []byte("meta")
	keySchemaVersion = []byte("schema_version")
)

// migration brings the store from one schema version to the next.
type migration func(tx *bolt.Tx) error

// migrations are the store's schema, in order: migrations()[i] brings a
// store at version i to version i+1. A change to what the store holds
// (a new bucket, a record in a new shape) is a new function at the end;
// the ones before it stay as they are, since stores out there ran them.
func migrations() []migration {
	return []migration{
		// 1: the buckets, as every store before the schema version had them.
		func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketSuppliers, bucketByKBO, bucketChanges, bucketHistory, bucketAccounts, bucketAccountsByEmail, bucketSessions, bucketTokens, bucketOnce, bucketOutbox, bucketSaved, bucketChecks} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		},
		// 2: the buckets of market consultations: package consult owns
		// what is in them (consult/store.go names them). They are spelled
		// out here, not taken from consult, so that this step stays as it
		// ran; a bucket consult adds later is a step of its own.
		func(tx *bolt.Tx) error {
			for _, b := range []string{"consultations", "consultation_recipients", "consultation_links", "consultation_questions", "consultations_by_account"} {
				if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
					return err
				}
			}
			return nil
		},
		// 3: the buckets of buyers' purchasing plans (plans.go).
		func(tx *bolt.Tx) error {
			for _, b := range []string{"purchase_plans", "purchase_plans_by_account"} {
				if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
					return err
				}
			}
			return nil
		},
		// 4: mail kept before bodies were sealed held one-time links in
		// plain text ("body"): drop those bodies, so that no store written
		// before goes on carrying live links into its backups.
		func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("outbox"))
			type rewrite struct{ k, v []byte }
			var rewrites []rewrite
			err := b.ForEach(func(k, v []byte) error {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(v, &m); err != nil {
					return err
				}
				if _, ok := m["body"]; !ok {
					return nil
				}
				delete(m, "body")
				if _, ok := m["withheld"]; !ok {
					m["withheld"] = json.RawMessage(`"` + WithheldUpgraded + `"`)
				}
				nv, err := json.Marshal(m)
				if err != nil {
					return err
				}
				rewrites = append(rewrites, rewrite{append([]byte(nil), k...), nv})
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range rewrites {
				if err := b.Put(r.k, r.v); err != nil {
					return err
				}
			}
			return nil
		},
		// 5: the buckets consultations added after step 2: attachments,
		// the public list, and the suppliers' opt-outs with their links
		// (consult/store.go names them).
		func(tx *bolt.Tx) error {
			for _, b := range []string{"consultation_files", "consultations_public", "consultation_optouts", "consultation_optout_links"} {
				if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
					return err
				}
			}
			return nil
		},
		// 6: the buckets of saved-search alerts (alerts.go): what the last
		// weekly digest found, the switch-off links, when each account's
		// digest ran.
		func(tx *bolt.Tx) error {
			for _, b := range []string{"search_alerts", "search_alert_links", "search_alert_digests"} {
				if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
					return err
				}
			}
			return nil
		},
		// 7: the index of the mail that waits to be passed on (outbox.go),
		// made from the outbox.
		func(tx *bolt.Tx) error {
			index, err := tx.CreateBucketIfNotExists([]byte("outbox_waiting"))
			if err != nil {
				return err
			}
			return tx.Bucket([]byte("outbox")).ForEach(func(k, v []byte) error {
				var m Mail
				if err := json.Unmarshal(v, &m); err != nil {
					return err
				}
				return indexWaiting(index, k, m)
			})
		},
	}
}

// SchemaVersion is the version of the store this build writes.
func SchemaVersion() int { return len(migrations()) }

// ErrNewerSchema: the store was written by a newer Verken, whose data this
// one could misread or damage.
var ErrNewerSchema = errors.New("the store was written by a newer version of Verken")

// schemaVersion reads the version a store is at; a store from before
// versions were recorded is at 0.
func schemaVersion(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("schema version %q unreadable", v)
	}
	return n, nil
}

// migrate runs the migrations the store has not had, each in its own
// transaction together with the version it reaches: a crash between two
// leaves the store at a version it really is at, and the next start goes
// on from there. It returns the version the store was at.
func migrate(db *bolt.DB) (int, error) {
	var from int
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		if from, err = schemaVersion(tx); err != nil {
			return err
		}
		if from == 0 && tx.Bucket(bucketSuppliers) == nil {
			// A store from before versions always has its suppliers bucket;
			// a bbolt file with other buckets is someone else's.
			return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
				return fmt.Errorf("not a Verken store: it holds bucket %q and no suppliers", name)
			})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	steps := migrations()
	if from > len(steps) {
		return from, fmt.Errorf("%w: schema version %d, this one knows up to %d; run the newer version (or restore a backup made by this one)", ErrNewerSchema, from, len(steps))
	}
	for v := from; v < len(steps); v++ {
		err := db.Update(func(tx *bolt.Tx) error {
			if err := steps[v](tx); err != nil {
				return err
			}
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, []byte(strconv.Itoa(v+1)))
		})
		if err != nil {
			return from, fmt.Errorf("migrate the store to schema version %d: %w", v+1, err)
		}
	}
	return from, nil
}
