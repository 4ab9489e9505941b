package directory

import "slices"

// ReservedMinSharePct is the least share, in per cent, of workers from
// target groups that a supplier needs, besides a valid recognition, to take
// part in a reserved contract. Art. 20 of Directive 2014/24/EU lets a member
// state reserve contracts for economic operators whose aim is the social and
// professional integration of disabled or disadvantaged persons, provided at
// least 30 % of their workers are such persons; art. 15 of the Belgian law of
// 17 June 2016 on public procurement transposes it with the same threshold.
const ReservedMinSharePct = 30

// Period is a span of calendar days, both ends included. A zero From means
// since ever; a zero To means open-ended.
type Period struct {
	From Date `json:"from"`
	To   Date `json:"to,omitempty"`
}

// Contains reports whether day d lies in the period.
func (p Period) Contains(d Date) bool {
	if !p.From.IsZero() && d.Before(p.From) {
		return false
	}
	return p.To.IsZero() || !p.To.Before(d)
}

// empty reports whether no day lies in the period: a recognition whose end
// lies before its start (validation refuses one, but an old record may hold
// it) is valid on no day.
func (p Period) empty() bool { return !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) }

// EligibleForReserved reports whether the supplier may take part in a
// reserved contract on day d: one of its recognitions is valid that day and
// its share of target-group workers is at least ReservedMinSharePct. Every
// recognition counts, whatever its type and whether an administrator
// verified it; a share never given is 0 and so too low. Delisting and kind
// are not part of the rule: a delisted supplier is out of search altogether.
func (s *Supplier) EligibleForReserved(d Date) bool {
	return s.TargetGroupShare >= ReservedMinSharePct && s.RecognisedOn(d)
}

// ReservedPeriods returns the days on which EligibleForReserved holds, as
// disjoint periods in order, none adjacent to the next (overlapping and
// back-to-back recognitions are one period); nil when the share is too low
// or no recognition is valid on any day. The share is the supplier's now,
// not dated, so the periods are those of its recognitions. An index can
// keep them and answer for any day without the supplier at hand.
func (s *Supplier) ReservedPeriods() []Period {
	if !(s.TargetGroupShare >= ReservedMinSharePct) { // NaN too
		return nil
	}
	var ps []Period
	for _, r := range s.Recognitions {
		if p := r.Period(); !p.empty() {
			ps = append(ps, p)
		}
	}
	// A zero From (since ever) sorts first, being the zero time.
	slices.SortFunc(ps, func(a, b Period) int { return a.From.Time().Compare(b.From.Time()) })
	var out []Period
	for _, p := range ps {
		if n := len(out); n > 0 && touches(out[n-1], p) {
			if last := &out[n-1]; !last.To.IsZero() && (p.To.IsZero() || last.To.Before(p.To)) {
				last.To = p.To
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

// touches reports whether p, which starts no earlier than last, overlaps
// last or starts the day after it ends.
func touches(last, p Period) bool {
	return last.To.IsZero() || p.From.IsZero() || !last.To.AddDays(1).Before(p.From)
}

// EligibilityBasis is why a supplier may (or may not) take part in a
// reserved contract on a day, as a procurement file states it: the
// recognition that holds, who vouches for it, and the share of
// target-group workers with who vouches for that.
type EligibilityBasis struct {
	Eligible bool
	// Recognition is the recognition valid on the day that counts, a
	// register's before a declared one (nil when none holds).
	Recognition *Recognition
	// Share is the target-group share; ShareVerified says an
	// administrator checked it (ShareVerifiedOn when).
	Share           float64
	ShareVerified   bool
	ShareVerifiedOn Date
	// Verified: the recognition comes from an authority's register and
	// the share was verified (search's reserved=verified).
	Verified bool
}

// EligibilityOn works out the basis of EligibleForReserved on day d.
func (s *Supplier) EligibilityOn(d Date) EligibilityBasis {
	b := EligibilityBasis{Share: s.TargetGroupShare, Eligible: s.EligibleForReserved(d)}
	if v := s.ShareVerified; v != nil {
		b.ShareVerified, b.ShareVerifiedOn = true, DateOf(v.At)
	}
	for i := range s.Recognitions {
		r := &s.Recognitions[i]
		if !r.ValidOn(d) {
			continue
		}
		if b.Recognition == nil || r.FromRegister() && !b.Recognition.FromRegister() {
			b.Recognition = r
		}
	}
	b.Verified = b.Eligible && b.Recognition != nil && b.Recognition.FromRegister() && b.ShareVerified
	return b
}

// VerifiedReservedPeriods are the days on which EligibilityOn is Verified:
// the periods of the register's recognitions, when the share is verified
// and high enough.
func (s *Supplier) VerifiedReservedPeriods() []Period {
	if s.ShareVerified == nil {
		return nil
	}
	only := *s
	only.Recognitions = nil
	for _, r := range s.Recognitions {
		if r.FromRegister() {
			only.Recognitions = append(only.Recognitions, r)
		}
	}
	return only.ReservedPeriods()
}
