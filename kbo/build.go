package kbo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// Codes of the extract's code table that the import relies on (code.csv;
// data/README.md names the sources).
const (
	statusActive      = "AC"   // Status
	addressSeat       = "REGO" // TypeOfAddress: registered office
	addressEstab      = "BAET" // TypeOfAddress: establishment unit
	denomName         = "001"  // TypeOfDenomination: name
	denomAbbreviation = "002"
	denomCommercial   = "003"
	langDutch         = "2"   // Language: 0 unknown, 1 French, 2 Dutch, 3 German, 4 English
	contactEnterprise = "ENT" // EntityContact
)

// Skip reasons, as counted and printed.
const (
	SkipNotActive    = "not active"
	SkipNoName       = "no name"
	SkipNoAddress    = "no address (registered office or establishment)"
	SkipOutside      = "no address in Flanders or Brussels"
	SkipNoTask       = "no NACE-BEL code that maps to a task"
	SkipClaimed      = "claimed profile: the supplier keeps it"
	SkipIncomplete   = "update names an enterprise the directory does not hold, without all its rows"
	SkipInvalid      = "refused by the directory's rules"
	SkipNoEnterprise = "activity or establishment of an enterprise missing from enterprise.csv"
)

// Builder turns the register's record of an enterprise into a supplier.
type Builder struct {
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
	NACE   *data.NACEMap
}

// inArea reports whether a Belgian address lies in Flanders or Brussels:
// its postcode is one of the gazetteer's.
func (b *Builder) inArea(a *directory.RegistryAddress) bool {
	if a == nil || a.Country != "" {
		return false
	}
	_, ok := b.Places.Postcode(strings.TrimSpace(a.Postcode))
	return ok
}

// mapped reports whether the activity maps to at least one task.
func (b *Builder) mapped(version, code string) bool { return len(b.NACE.Tasks(version, code)) > 0 }

// Build derives the unclaimed profile of enterprise number num from its
// register record, or says why it is not kept.
func (b *Builder) Build(num string, r *directory.Registry) (*directory.Supplier, string) {
	if r.Status != statusActive {
		return nil, SkipNotActive
	}
	name := pickName(r.Names)
	if name == "" {
		return nil, SkipNoName
	}
	tasks := map[string]bool{}
	addTasks := func(acts []directory.RegistryActivity) {
		for _, a := range acts {
			for _, t := range b.NACE.Tasks(a.Version, a.Code) {
				tasks[t] = true
			}
		}
	}
	addTasks(r.Activities)
	var sites []directory.Site
	anyAddress := r.Address != nil
	if b.inArea(r.Address) {
		sites = append(sites, site("kbo-seat", "", r.Address))
	}
	for _, e := range r.Establishments {
		anyAddress = anyAddress || e.Address != nil
		if !b.inArea(e.Address) || len(sites) >= 50 {
			continue
		}
		addTasks(e.Activities) // an establishment's activity counts where it is
		sites = append(sites, site("kbo-"+e.Number, pickName(e.Names), e.Address))
	}
	switch {
	case !anyAddress:
		return nil, SkipNoAddress
	case len(sites) == 0:
		return nil, SkipOutside
	case len(tasks) == 0:
		return nil, SkipNoTask
	}
	s := &directory.Supplier{
		Name:             name,
		Kind:             directory.KindRegulier,
		EnterpriseNumber: num,
		Sites:            sites,
		Unclaimed:        true,
		Registry:         r,
	}
	for _, t := range b.Tasks.Tasks() {
		if tasks[t.ID] {
			s.Offers = append(s.Offers, directory.Offer{ID: "kbo-" + t.ID, Task: t.ID, AtClientSite: true})
		}
	}
	for _, c := range r.Contacts {
		switch {
		case c.Type == "EMAIL" && s.Contact.Email == "" && directory.CheckEmail(c.Value) == nil:
			s.Contact.Email = c.Value
		case c.Type == "WEB" && s.Contact.Website == "":
			s.Contact.Website = c.Value
		case c.Type == "TEL" && s.Contact.Phone == "":
			s.Contact.Phone = c.Value
		}
	}
	return s, ""
}

// pickName is the name to show: the legal name (type 001) in Dutch where
// there is one, else in a language not stated, else in French, German,
// English; a commercial name only when there is no legal name.
func pickName(names []directory.RegistryName) string {
	rank := func(n directory.RegistryName) int {
		t := map[string]int{denomName: 0, denomCommercial: 10, denomAbbreviation: 20}[n.Type]
		if n.Type != denomName && n.Type != denomCommercial && n.Type != denomAbbreviation {
			t = 30
		}
		l := map[string]int{langDutch: 0, "0": 1, "1": 2, "3": 3, "4": 4}[n.Language]
		return t + l
	}
	best, bestRank := "", 1<<30
	for _, n := range names {
		if v := strings.TrimSpace(n.Name); v != "" && rank(n) < bestRank {
			best, bestRank = v, rank(n)
		}
	}
	return best
}

func site(id, name string, a *directory.RegistryAddress) directory.Site {
	street := a.StreetNL
	if street == "" {
		street = a.StreetFR
	}
	if a.HouseNumber != "" {
		street += " " + a.HouseNumber
	}
	if a.Box != "" {
		street += " bus " + a.Box
	}
	return directory.Site{ID: id, Name: name, Street: strings.TrimSpace(street), Postcode: strings.TrimSpace(a.Postcode)}
}

// sortRegistry puts every list of the record in one order, so that the same
// facts always make the same record.
func sortRegistry(r *directory.Registry) {
	cmpName := func(a, b directory.RegistryName) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Language, b.Language), cmp.Compare(a.Name, b.Name))
	}
	cmpAct := func(a, b directory.RegistryActivity) int {
		return cmp.Or(cmp.Compare(a.Version, b.Version), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Classification, b.Classification))
	}
	slices.SortFunc(r.Names, cmpName)
	r.Names = slices.Compact(r.Names)
	slices.SortFunc(r.Activities, cmpAct)
	r.Activities = slices.Compact(r.Activities)
	slices.SortFunc(r.Contacts, func(a, b directory.RegistryContact) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value))
	})
	r.Contacts = slices.Compact(r.Contacts)
	slices.SortFunc(r.Establishments, func(a, b directory.RegistryEstablishment) int { return cmp.Compare(a.Number, b.Number) })
	for i := range r.Establishments {
		e := &r.Establishments[i]
		slices.SortFunc(e.Names, cmpName)
		e.Names = slices.Compact(e.Names)
		slices.SortFunc(e.Activities, cmpAct)
		e.Activities = slices.Compact(e.Activities)
	}
}

// Report counts what an import did.
type Report struct {
	Extract   Meta
	Kept      int // enterprises that make a profile
	Created   int
	Updated   int
	Unchanged int
	Delisted  int            // profiles taken out because the enterprise stopped or no longer qualifies
	Relisted  int            // profiles put back: the enterprise qualifies again
	Mapped    map[string]int // task -> kept enterprises offering it
	Skipped   map[string]int // reason -> enterprises
}

func newReport(m Meta) *Report {
	return &Report{Extract: m, Mapped: map[string]int{}, Skipped: map[string]int{}}
}

// String prints the report, one fact a line.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "KBO extract %d (%s, snapshot %s): %d kept (%d created, %d updated, %d unchanged), %d delisted, %d relisted\n",
		r.Extract.ExtractNumber, r.Extract.ExtractType, r.Extract.SnapshotDate, r.Kept, r.Created, r.Updated, r.Unchanged, r.Delisted, r.Relisted)
	reasons := make([]string, 0, len(r.Skipped))
	for k := range r.Skipped {
		reasons = append(reasons, k)
	}
	slices.Sort(reasons)
	for _, k := range reasons {
		fmt.Fprintf(&b, "skipped %d: %s\n", r.Skipped[k], k)
	}
	tasks := make([]string, 0, len(r.Mapped))
	for k := range r.Mapped {
		tasks = append(tasks, k)
	}
	slices.Sort(tasks)
	for _, k := range tasks {
		fmt.Fprintf(&b, "mapped %d: %s\n", r.Mapped[k], k)
	}
	return b.String()
}
