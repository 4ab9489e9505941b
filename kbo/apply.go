package kbo

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/verken/verken/directory"
)

// batch is how many suppliers go to the store at once (the store writes
// them in one transaction).
const batch = 5000

// Import reads the extract and writes what it keeps into the store: new
// enterprises become unclaimed profiles, known ones are updated, and a
// profile whose enterprise stopped (or no longer qualifies) is delisted,
// never deleted. Claimed profiles are left to their supplier. Importing the
// same extract twice changes nothing the second time.
func (b *Builder) Import(st *directory.Store, x *Extract, by directory.Actor) (*Report, error) {
	rep := newReport(x.Meta)
	w := &writer{b: b, st: st, by: by, rep: rep, snapshot: x.Meta.SnapshotDate, kept: map[string]bool{}}
	if x.Update() {
		if err := b.applyUpdate(x, w); err != nil {
			return nil, err
		}
		return rep, w.flush()
	}
	cands, err := b.readFull(x, rep)
	if err != nil {
		return nil, err
	}
	nums := make([]uint64, 0, len(cands))
	for n := range cands {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		c := cands[n]
		delete(cands, n)
		if err := w.put(numberText(n), &c.reg); err != nil {
			return nil, err
		}
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	// Every profile from the register that this full extract did not keep
	// is delisted: its enterprise stopped, or no longer qualifies.
	var gone []directory.Supplier
	err = st.List(func(s directory.Supplier) error {
		if s.Unclaimed && s.Registry != nil && s.Registry.Source == directory.SourceKBO && s.Delisted == nil && !w.kept[s.EnterpriseNumber] {
			gone = append(gone, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range gone {
		w.delist(s, "no longer in the KBO extract as an active enterprise with a mapped activity in Flanders or Brussels")
	}
	return rep, w.flush()
}

// writer gathers suppliers and writes them in batches.
type writer struct {
	b        *Builder
	st       *directory.Store
	by       directory.Actor
	rep      *Report
	snapshot directory.Date
	rows     []directory.ImportRow
	kept     map[string]bool
	delisted int
	// delists and relists wait for the batch before them: the store's
	// import keeps a supplier's delisting as it is, so they go through
	// Delist and Relist.
	delists []delisting
	relists []string
}

type delisting struct {
	id      string
	version uint64
	reason  string
}

// put builds the profile of enterprise num and queues it, or counts why not.
// An enterprise that does not qualify (any more) and has a profile from the
// register has that profile delisted.
func (w *writer) put(num string, reg *directory.Registry) error {
	cur, err := w.st.GetByEnterpriseNumber(num)
	exists := err == nil
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return err
	}
	if exists && (!cur.Unclaimed || cur.Registry == nil) {
		w.rep.Skipped[SkipClaimed]++
		return nil
	}
	sup, why := w.b.Build(num, reg)
	if sup == nil {
		w.rep.Skipped[why]++
		if exists && cur.Delisted == nil {
			w.delist(cur, "the KBO no longer gives it "+why)
		}
		return nil
	}
	v := directory.Validator{Places: w.b.Places, Tasks: w.b.Tasks}
	if err := v.Normalize(sup); err != nil {
		w.rep.Skipped[SkipInvalid]++
		return nil
	}
	sup.Provenance = map[string]directory.Provenance{}
	for _, f := range []string{"name", "sites", "offers", "contact", "registry"} {
		p := directory.Provenance{Source: directory.SourceKBO, Since: w.snapshot}
		if exists && same(field(&cur, f), field(sup, f)) {
			if old, ok := cur.Provenance[f]; ok {
				p = old
			}
		}
		sup.Provenance[f] = p
	}
	if exists && cur.Delisted != nil && cur.Delisted.By == directory.SourceKBO {
		w.relists = append(w.relists, num) // it qualifies again; an administrator's delisting stays
	}
	if exists {
		sup.ID = cur.ID
	}
	w.kept[num] = true
	w.rep.Kept++
	for _, o := range sup.Offers {
		w.rep.Mapped[o.Task]++
	}
	w.rows = append(w.rows, directory.ImportRow{Row: len(w.rows) + 1, Supplier: sup})
	if len(w.rows) >= batch {
		return w.flushRows()
	}
	return nil
}

// delist queues the profile taken out of search, with the reason.
func (w *writer) delist(s directory.Supplier, reason string) {
	w.delists = append(w.delists, delisting{s.ID, s.Version, reason})
}

func (w *writer) flush() error {
	if err := w.flushRows(); err != nil {
		return err
	}
	kbo := directory.Actor{Name: directory.SourceKBO}
	for len(w.delists) > 0 {
		n := min(len(w.delists), batch)
		reqs := make([]directory.DelistRequest, n)
		for i, d := range w.delists[:n] {
			reqs[i] = directory.DelistRequest{ID: d.id, Version: d.version, Reason: d.reason}
		}
		if err := w.st.DelistAll(reqs, kbo); err != nil {
			return err
		}
		w.delisted += n
		w.delists = w.delists[n:]
	}
	for _, num := range w.relists {
		s, err := w.st.GetByEnterpriseNumber(num)
		if err != nil {
			return err
		}
		if err := w.st.Relist(s.ID, s.Version, kbo); err != nil {
			return err
		}
		w.rep.Relisted++
	}
	w.relists = w.relists[:0]
	w.rep.Delisted = w.delisted
	return nil
}

func (w *writer) flushRows() error {
	if len(w.rows) == 0 {
		return nil
	}
	r, err := w.st.Import(w.rows, false, w.by)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("the store refused %d profiles, first: %s", len(r.Errors), r.Errors[0])
	}
	w.rep.Created += len(r.Created)
	w.rep.Updated += len(r.Updated)
	w.rep.Unchanged += len(r.Unchanged)
	w.rows = w.rows[:0]
	return nil
}

func field(s *directory.Supplier, f string) any {
	switch f {
	case "name":
		return s.Name
	case "sites":
		return s.Sites
	case "offers":
		return s.Offers
	case "contact":
		return s.Contact
	}
	return s.Registry
}

func same(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
