package consult

import (
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Widening a draft: the candidates are the suppliers that match under the
// correlation rule (one offer with the task, serving the place, with free
// capacity); before sending, the buyer may also add suppliers that do not
// match — one that has the task but no free capacity, or that serves a
// neighbouring area. An added supplier is marked so on the record (Added),
// counts toward MaxRecipients, and is added only when it may be consulted
// at all: not delisted, not opted out of the consultation's tasks, with an
// address to mail; a firm without a Verken profile (unclaimed) only when it
// does the consultation's activity, as UnclaimedCandidates would find it.

// Reference is what adding a supplier reads besides the store: the tasks
// (for a scope given as a CPV code) and the places (a supplier's
// municipality).
type Reference struct {
	Tasks  *data.Taxonomy
	Places *data.Gazetteer
}

// MaxWiden bounds the list Widen proposes.
const MaxWiden = 100

// scopeTasks are the tasks a scope is about: its own, or those its CPV code
// maps to.
func scopeTasks(sc Scope, tax *data.Taxonomy) []string {
	if len(sc.Tasks) > 0 || sc.CPV == "" || tax == nil {
		return sc.Tasks
	}
	tasks, _ := tax.TasksForCPV(sc.CPV)
	return tasks
}

// candidateOf is a supplier as a candidate the buyer added, with its
// profile's figures for the scope's tasks on the day.
func candidateOf(sup directory.Supplier, tasks []string, today directory.Date, places *data.Gazetteer) Candidate {
	c := Candidate{SupplierID: sup.ID, Name: sup.Name, Kind: string(sup.Kind), Social: sup.Kind.SocialEconomy(),
		Eligible: sup.EligibleForReserved(today), TargetGroupShare: sup.TargetGroupShare, Unclaimed: sup.Unclaimed, Added: true}
	var fte float64
	var earliest time.Time
	for _, o := range sup.Offers {
		if !slices.Contains(tasks, o.Task) {
			continue
		}
		fte += o.FreeFTE
		start := today.Time().AddDate(0, 0, 7*o.LeadTimeWeeks)
		if from := o.AvailableFrom.Time(); !o.AvailableFrom.IsZero() && from.After(start) {
			start = from
		}
		if earliest.IsZero() || start.Before(earliest) {
			earliest = start
		}
	}
	c.FreeFTE = math.Round(fte*100) / 100
	if !earliest.IsZero() {
		c.EarliestStart = earliest.Format(time.DateOnly)
	}
	if len(sup.Sites) > 0 && places != nil {
		if m, ok := places.Municipality(sup.Sites[0].Municipality); ok {
			c.Municipality = m.Name.NL
		}
	}
	return c
}

// doesTask reports whether one of a supplier's offers has one of tasks.
func doesTask(sup directory.Supplier, tasks []string) bool {
	return slices.ContainsFunc(sup.Offers, func(o directory.Offer) bool { return slices.Contains(tasks, o.Task) })
}

// Refused says which supplier may not be added to a consultation, and why:
// Code is "unknown" (no such supplier), "delisted" (out of search),
// "opted_out" (of consultations about its tasks), "no_email" (nowhere to
// mail it) or "unclaimed_task" (a firm without a Verken profile that does
// not do the consultation's task).
type Refused struct {
	SupplierID, Name, Code string
	reason                 string
}

func (e *Refused) Error() string {
	return fmt.Sprintf("supplier %s may not be added: %s", e.SupplierID, e.reason)
}

// Add adds suppliers to a draft's candidates, marked as added by the
// buyer, and returns the candidates added (one already a candidate is
// left as it is). A supplier that may not be consulted refuses the whole
// call with a *Refused; more than MaxRecipients candidates with a
// validation error (recipients, too_many).
func (s *Store) Add(id string, supplierIDs []string, ref Reference, now time.Time) ([]Candidate, error) {
	c, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	switch {
	case !c.Draft():
		return nil, ErrSent
	case c.Closed(now):
		return nil, ErrClosed
	}
	ids := slices.Compact(slices.Sorted(slices.Values(supplierIDs)))
	ids = slices.DeleteFunc(ids, func(sid string) bool { _, ok := c.Candidate(sid); return ok || sid == "" })
	if len(ids) == 0 {
		return nil, nil
	}
	var v invalid
	if len(c.Candidates)+len(ids) > MaxRecipients {
		v.add("recipients", "too_many", fmt.Sprintf("at most %d suppliers", MaxRecipients), MaxRecipients)
		return nil, v.err()
	}
	// The profiles are read before the write, in a transaction of their own.
	sups, err := s.dir.GetMany(ids)
	if err != nil {
		return nil, err
	}
	tasks := scopeTasks(c.Scope, ref.Tasks)
	today := directory.DateOf(now)
	byID := map[string]directory.Supplier{}
	for _, sup := range sups {
		byID[sup.ID] = sup
	}
	var added []Candidate
	err = s.db.Update(func(tx *bolt.Tx) error {
		// The draft again, inside the write: another request may have
		// sent it or added to it meanwhile.
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if !c.Draft() {
			return ErrSent
		}
		for _, sid := range ids {
			if _, ok := c.Candidate(sid); ok {
				continue
			}
			sup, ok := byID[sid]
			if code, reason := mayAdd(tx, sup, ok, tasks); code != "" {
				return &Refused{SupplierID: sid, Name: sup.Name, Code: code, reason: reason}
			}
			cand := candidateOf(sup, tasks, today, ref.Places)
			c.Candidates = append(c.Candidates, cand)
			added = append(added, cand)
		}
		if len(c.Candidates) > MaxRecipients {
			v.add("recipients", "too_many", fmt.Sprintf("at most %d suppliers", MaxRecipients), MaxRecipients)
			return v.err()
		}
		return put(tx, bucketConsultations, id, c)
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// mayAdd says, inside tx, why a supplier may not be added to a
// consultation about tasks: a code and a reason, or "" when it may.
func mayAdd(tx *bolt.Tx, sup directory.Supplier, found bool, tasks []string) (string, string) {
	switch {
	case !found:
		return "unknown", "is not a supplier"
	case sup.Delisted != nil:
		return "delisted", "is out of search"
	case optedOut(tx, sup.ID, tasks):
		return "opted_out", "opted out of consultations about this task"
	case sup.Contact.Email == "":
		return "no_email", "has no e-mail address"
	case sup.Unclaimed && !doesTask(sup, tasks):
		return "unclaimed_task", "has no Verken profile and does not do this task"
	}
	return "", ""
}

// Widen proposes the suppliers a draft could be widened with: those with
// an offer of its tasks and a site in the province of its place (or in its
// region), whatever their free capacity or service area, that are not
// candidates yet and may be added (not opted out, with an address). At
// most MaxWiden, in the engine's order.
func (s *Store) Widen(e search.Engine, c Consultation, ref Reference, now time.Time) ([]Candidate, error) {
	if !c.Draft() {
		return nil, ErrSent
	}
	today := directory.DateOf(now)
	q := search.Query{Tasks: c.Scope.Tasks, CPV: c.Scope.CPV, Today: today}
	switch {
	case c.Scope.Place != "" && ref.Places != nil:
		if _, _, m, err := search.ResolveServed(ref.Places, "place", c.Scope.Place); err == nil {
			q.Provinces = []string{m.Province}
		}
	case c.Scope.Region != "" && ref.Places != nil:
		if p, ok := ref.Places.ResolveProvince(c.Scope.Region); ok {
			q.Provinces = []string{p.Code}
		} else if r, ok := ref.Places.ResolveRegion(c.Scope.Region); ok {
			q.Regions = []string{r.Code}
		}
	}
	matches, err := e.Matches(q)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range matches {
		if _, ok := c.Candidate(m.ID); !ok {
			ids = append(ids, m.ID)
		}
		if len(ids) == MaxWiden*2 {
			break
		}
	}
	sups, err := s.dir.GetMany(ids)
	if err != nil {
		return nil, err
	}
	tasks := scopeTasks(c.Scope, ref.Tasks)
	var out []Candidate
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, sup := range sups {
			if len(out) == MaxWiden {
				break
			}
			if code, _ := mayAdd(tx, sup, true, tasks); code == "" {
				out = append(out, candidateOf(sup, tasks, today, ref.Places))
			}
		}
		return nil
	})
	return out, err
}
