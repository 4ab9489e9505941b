package ui

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
)

func (s *server) apiGetSupplier(c *fiber.Ctx) error {
	sup, err := s.Store.Get(c.Params("id"))
	if err == nil && sup.Delisted != nil && !s.viewer(c).MaySupply(sup.ID) {
		err = directory.ErrNotFound
	}
	if errors.Is(err, directory.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: c.Params("id"), Reason: "no supplier has this id"})
	}
	if err != nil {
		return err
	}
	return c.JSON(s.viewer(c).visible(sup))
}

// supplierView is the supplier page's content.
type supplierView struct {
	S       directory.Supplier
	Back    string
	MayEdit bool // the viewer keeps this supplier's profile
	Admin   bool // sees who verified a fact, and the note
	// Reserved is today's verdict on reserved contracts, with its reasons.
	Reserved reservedView
	// Sites and TransitNote: how well each site is served, and by which
	// timetables; empty without a network.
	Sites       []profileSite
	TransitNote string
	// Provenance says which facts an authority states, and since when.
	Provenance string
}

// profileSite is a site with its public-transport class as a badge and
// its nearest stations, each named once.
type profileSite struct {
	siteReach
	OV       ovBadge
	Stations []transit.StopReach
}

// ovBadge is a public-transport class as a badge: its short form ("OV E"),
// the words a screen reader reads in its place, and the title a pointer
// shows.
type ovBadge struct {
	Short, Words, Title string
	Served              bool
}

// ovBadge makes the badge of a class letter; "" or "-" is not served.
func (s *server) ovBadge(lang, class string) ovBadge {
	if _, ok := transit.ParseClass(class); !ok {
		return ovBadge{Short: s.catalog.T(lang, "transit.not_served")}
	}
	word := s.catalog.T(lang, "transit.word."+class)
	return ovBadge{Short: s.catalog.T(lang, "transit.class", class), Words: s.catalog.T(lang, "transit.class_words", class, word),
		Title: s.catalog.T(lang, "transit.class_title", class, word), Served: true}
}

// reservedView says whether the supplier may take part in a reserved
// contract today, by directory.EligibleForReserved, and why in words.
type reservedView struct {
	Eligible bool
	// Verified: on a register's recognition and a verified share, what
	// search's reserved=verified finds.
	Verified bool
	Verdict  string
	Reasons  []string
	Rule     string
}

// reservedVerdict explains directory's rule for one supplier on today's
// date: a recognition valid today and at least ReservedMinSharePct per
// cent target-group workers.
func (s *server) reservedVerdict(lang string, sup directory.Supplier) reservedView {
	today := s.today()
	v := reservedView{Eligible: sup.EligibleForReserved(today),
		Rule: s.catalog.T(lang, "reserved.rule", directory.ReservedMinSharePct)}
	v.Verdict = s.catalog.T(lang, "reserved.not_eligible")
	if v.Eligible {
		v.Verdict = s.catalog.T(lang, "reserved.eligible")
		for _, p := range sup.ReservedPeriods() {
			if p.Contains(today) && !p.To.IsZero() {
				v.Verdict = s.catalog.T(lang, "reserved.eligible_until", formatDate(lang, p.To.Time()))
			}
		}
	}
	name := func(r directory.Recognition) string { return strings.TrimSpace(r.Type + " " + r.Number) }
	basis := sup.EligibilityOn(today)
	v.Verified = basis.Verified
	valid := basis.Recognition // a register's before a declared one
	var next, last *directory.Recognition
	for i := range sup.Recognitions {
		r := &sup.Recognitions[i]
		switch {
		case r.ValidOn(today):
		case !r.ValidFrom.IsZero() && today.Before(r.ValidFrom):
			if next == nil || r.ValidFrom.Before(next.ValidFrom) {
				next = r
			}
		case !r.ValidTo.IsZero():
			if last == nil || last.ValidTo.Before(r.ValidTo) {
				last = r
			}
		}
	}
	switch {
	case valid != nil && valid.ValidTo.IsZero():
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.recognition_open", name(*valid)))
	case valid != nil:
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.recognition_valid", name(*valid), formatDate(lang, valid.ValidTo.Time())))
	case next != nil:
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.recognition_future", name(*next), formatDate(lang, next.ValidFrom.Time())))
	case last != nil:
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.recognition_expired", name(*last), formatDate(lang, last.ValidTo.Time())))
	default:
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.recognition_none"))
	}
	// Who vouches for the recognition and for the share.
	if valid != nil {
		if valid.FromRegister() {
			v.Reasons[len(v.Reasons)-1] += " " + s.catalog.T(lang, "reserved.source_register", valid.Register, formatDate(lang, valid.RegisterDate.Time()))
		} else {
			v.Reasons[len(v.Reasons)-1] += " " + s.catalog.T(lang, "reserved.source_declared")
		}
	}
	share := formatNumber(lang, sup.TargetGroupShare)
	if sup.TargetGroupShare >= directory.ReservedMinSharePct {
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.share_enough", share, directory.ReservedMinSharePct))
	} else {
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.share_low", share, directory.ReservedMinSharePct))
	}
	if basis.ShareVerified {
		v.Reasons[len(v.Reasons)-1] += " " + s.catalog.T(lang, "reserved.share_verified", formatDate(lang, basis.ShareVerifiedOn.Time()))
	} else {
		v.Reasons[len(v.Reasons)-1] += " " + s.catalog.T(lang, "reserved.share_declared")
	}
	if v.Verified {
		v.Reasons = append(v.Reasons, s.catalog.T(lang, "reserved.verified"))
	}
	return v
}

// stations names each station once: the stops the network gives that bear
// the same name (a bus station's bays, the two sides of a street) become
// one, at the nearest one's distance, with every mode and departure.
func stations(stops []transit.StopReach, most int) []transit.StopReach {
	var out []transit.StopReach
	at := map[string]int{}
	// later reports whether time b (on the next day when bNext) comes
	// after a.
	later := func(a string, aNext bool, b string, bNext bool) bool {
		if aNext != bNext {
			return bNext
		}
		return b > a
	}
	for _, st := range stops {
		i, ok := at[st.Name]
		if !ok {
			if len(out) == most {
				continue
			}
			at[st.Name] = len(out)
			st.Modes = slices.Clone(st.Modes)
			out = append(out, st)
			continue
		}
		g := &out[i]
		g.DistanceM = min(g.DistanceM, st.DistanceM)
		for _, m := range st.Modes {
			if !slices.Contains(g.Modes, m) {
				g.Modes = append(g.Modes, m)
			}
		}
		g.Departures += st.Departures
		g.PeakPerHour += st.PeakPerHour
		if st.First != "" && (g.First == "" || later(st.First, st.FirstNextDay, g.First, g.FirstNextDay)) {
			g.First, g.FirstNextDay = st.First, st.FirstNextDay
		}
		if st.Last != "" && (g.Last == "" || later(g.Last, g.LastNextDay, st.Last, st.LastNextDay)) {
			g.Last, g.LastNextDay = st.Last, st.LastNextDay
		}
	}
	return out
}

func (s *server) supplierPage(c *fiber.Ctx) error {
	sup, err := s.Store.Get(c.Params("id"))
	v := s.viewer(c)
	mayEdit := v.MaySupply(c.Params("id"))
	if err == nil && sup.Delisted != nil && !mayEdit {
		err = directory.ErrNotFound // delisted: gone for the public
	}
	if errors.Is(err, directory.ErrNotFound) {
		lang := s.lang(c)
		return s.render(c, fiber.StatusNotFound, "error", s.catalog.T(lang, "error.title"), errorView{Message: s.catalog.T(lang, "error.not_found")})
	}
	if err != nil {
		return err
	}
	back := "/"
	// Only a same-site search may be linked back to.
	if ref := c.Get(fiber.HeaderReferer); ref != "" {
		if i := strings.Index(ref, "://"+c.Hostname()+"/?"); i >= 0 {
			back = ref[i+len("://"+c.Hostname()):]
		}
	}
	lang := s.lang(c)
	var sites []profileSite
	for _, sr := range s.reachOfSites(lang, sup) {
		sites = append(sites, profileSite{siteReach: sr, OV: s.ovBadge(lang, classLetter(sr.Reach.Class)), Stations: stations(sr.Reach.Stops, 3)})
	}
	view := supplierView{S: v.visible(sup), Back: back, MayEdit: mayEdit, Admin: v.Admin(),
		Reserved: s.reservedVerdict(lang, sup), Sites: sites, TransitNote: s.networkNote(lang)}
	if p, ok := sup.Provenance["name"]; ok && p.Source == directory.SourceKBO {
		view.Provenance = s.catalog.T(lang, "supplier.provenance_kbo", formatDate(lang, p.Since.Time()))
	}
	return s.render(c, fiber.StatusOK, "supplier", sup.Name, view)
}

// classLetter is a class as its letter, "" when not served.
func classLetter(c transit.Class) string {
	if c == transit.NotServed {
		return ""
	}
	return c.String()
}
