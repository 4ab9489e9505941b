package directory

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketHistory = []byte("history")

// Actor is who makes a change: an account, or the system for imports and
// demo data.
type Actor struct {
	AccountID string `json:"account_id,omitempty"`
	Name      string `json:"name"`
	// Consultation is the title of the market consultation whose answer
	// made the change: a supplier that said what capacity it commits may
	// put that figure on its profile in one click, signed in (AccountID
	// and Name are its user) or through its mail's link (no account, no
	// name). The history names the answer, never an id.
	Consultation string `json:"consultation,omitempty"`
}

// System is the actor of changes no person made.
var System = Actor{Name: "system"}

// Actions a history entry records.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionConfirm = "confirm"
	ActionVerify  = "verify"
	ActionDelist  = "delist"
	ActionImport  = "import"
)

// FieldChange is one field's old and new value, as text.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// HistoryEntry is one write to a supplier: who, when, what.
type HistoryEntry struct {
	SupplierID string        `json:"supplier_id"`
	Version    uint64        `json:"version"`
	At         time.Time     `json:"at"`
	Actor      Actor         `json:"actor"`
	Action     string        `json:"action"`
	Changes    []FieldChange `json:"changes,omitempty"`
}

func historyKey(id string, version uint64) []byte {
	k := make([]byte, len(id)+1+8)
	copy(k, id)
	binary.BigEndian.PutUint64(k[len(id)+1:], version)
	return k
}

// appendHistory records a write in the transaction that makes it.
func appendHistory(tx *bolt.Tx, e HistoryEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketHistory).Put(historyKey(e.SupplierID, e.Version), b)
}

// History returns a supplier's history, oldest first.
func (s *Store) History(id string) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketHistory).Cursor()
		prefix := append([]byte(id), 0)
		for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var e HistoryEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// ChangedSince lists the fields written after version, with who wrote
// them: what a person editing from that version would overwrite.
func (s *Store) ChangedSince(id string, version uint64) ([]HistoryEntry, error) {
	all, err := s.History(id)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(e HistoryEntry) bool { return e.Version <= version }), nil
}

// bookkeeping fields change with every write; history leaves them out.
var bookkeeping = map[string]bool{"version": true, "updated_at": true, "confirmed_at": true, "created_at": true}

// Diff lists the fields that differ between two versions of a supplier,
// by their JSON paths ("offers[0].free_fte").
func Diff(old, new *Supplier) []FieldChange {
	a, b := flatten(old), flatten(new)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if a[k] != b[k] && !bookkeeping[k] {
			out = append(out, FieldChange{Field: k, Old: a[k], New: b[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// flatten turns a supplier into path → value text.
func flatten(s *Supplier) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	raw, _ := json.Marshal(s)
	var v any
	_ = json.Unmarshal(raw, &v)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(path+"["+strconv.Itoa(i)+"]", e)
			}
		case nil:
		case string:
			out[path] = x
		default:
			out[path] = fmt.Sprint(x)
		}
	}
	walk("", v)
	return out
}

// keepVerifications carries an administrator's verifications from the
// stored version to an edited one where the fact is unchanged; an edited
// fact is unverified again.
func keepVerifications(old, edited *Supplier) {
	edited.ShareVerified = nil
	if old.ShareVerified != nil && old.TargetGroupShare == edited.TargetGroupShare {
		edited.ShareVerified = old.ShareVerified
	}
	for i := range edited.Recognitions {
		r := &edited.Recognitions[i]
		r.Verified = nil
		for _, o := range old.Recognitions {
			if o.Verified != nil && o.Type == r.Type && o.Number == r.Number && o.Issuer == r.Issuer &&
				o.ValidFrom.String() == r.ValidFrom.String() && o.ValidTo.String() == r.ValidTo.String() {
				r.Verified = o.Verified
			}
		}
	}
	edited.Delisted = old.Delisted
}

// Public returns the entry as anyone but an administrator may see it, as
// Supplier.Public shows a supplier: who verified or delisted shows as
// PublicVerifier and a verification's note is left out. Unless keepActor,
// the author is PublicVerifier too, without an account id: what an
// administrator (or the system) did is the directory's doing.
//
// A change made from an answer to a consultation keeps the consultation
// it came from; without keepActor, its author is then left out rather
// than shown as PublicVerifier: the supplier made it, not the directory.
func (e HistoryEntry) Public(keepActor bool) HistoryEntry {
	switch {
	case keepActor:
	case e.Actor.Consultation != "":
		e.Actor = Actor{Consultation: e.Actor.Consultation}
	default:
		e.Actor = Actor{Name: PublicVerifier}
	}
	if e.Changes == nil {
		return e
	}
	anon := func(s string) string {
		if s == "" {
			return ""
		}
		return PublicVerifier
	}
	changes := make([]FieldChange, 0, len(e.Changes))
	for _, c := range e.Changes {
		switch {
		case strings.HasSuffix(c.Field, "verified.note"):
			continue
		case strings.HasSuffix(c.Field, "verified.by"), c.Field == "delisted.by":
			c.Old, c.New = anon(c.Old), anon(c.New)
		}
		changes = append(changes, c)
	}
	e.Changes = changes
	return e
}
