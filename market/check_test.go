package market_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

// cleaner is an eligible maatwerkbedrijf cleaning offices in East Flanders.
func cleaner(n int, fte float64, leadWeeks int) *directory.Supplier {
	o := offer("office-cleaning", fte, directory.ServiceArea{Provinces: []string{"OVL"}})
	o.LeadTimeWeeks = leadWeeks
	s := supplier(n, fmt.Sprintf("cleaner-%d", n), "9000", o)
	s.TargetGroupShare = 65
	s.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: fmt.Sprintf("M-%d", n), ValidFrom: directory.NewDate(2020, 1, 1)}}
	return s
}

// checkIndex is a market checker over a real store and index holding sups.
func checkIndex(t testing.TB, classAt search.TransitClass, sups ...*directory.Supplier) *market.Checker {
	t.Helper()
	dir := t.TempDir()
	s := testenv.Store(t, dir, 0)
	for _, sup := range sups {
		if err := s.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	g, tx := testenv.Tables(t)
	x, err := catalogue.Open(filepath.Join(dir, "index"), s, catalogue.Options{Places: g, Tasks: tx, Transit: classAt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	rules, err := data.LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	return &market.Checker{Engine: x, Places: g, Tasks: tx, Transit: classAt, Rules: rules}
}

func codes(r *market.CheckReport) string {
	var out []string
	for _, a := range r.Advice {
		out = append(out, a.Code)
	}
	return strings.Join(out, ",")
}

func check(t *testing.T, x *market.Checker, in market.CheckInput) *market.CheckReport {
	t.Helper()
	if len(in.Tasks) == 0 {
		in.Tasks = []string{"office-cleaning"}
	}
	if in.Place == "" {
		in.Place = "9000"
	}
	if in.Start.IsZero() {
		in.Start = today.AddDays(8 * 7)
	}
	r, err := x.Check(in, today)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The worked example: 6 FTE of cleaning in Ghent, four eligible suppliers
// free 2, 2, 1.5 and 1 FTE. Together 6.5 FTE: coverage 6.5 / 6 = 1.08. No
// one carries more than 2, so: split into lots of at most 2 FTE (3 lots),
// and reserve them — two suppliers can each carry a 2 FTE lot, and the
// eligible capacity covers three.
func TestMarketCheckWorkedExample(t *testing.T) {
	x := checkIndex(t, nil, cleaner(1, 2, 2), cleaner(2, 2, 2), cleaner(3, 1.5, 2), cleaner(4, 1, 2))
	r := check(t, x, market.CheckInput{VolumeFTE: 6})
	f := r.Figures
	if f.Matching != 4 || f.Eligible != 4 || f.Social != 4 || f.FreeFTE != 6.5 || f.Coverage != 1.08 || f.LargestFTE != 2 || f.CanStart != 4 {
		t.Fatalf("figures: %+v", f)
	}
	if got := codes(r); got != "reserve_lots" {
		t.Fatalf("advice %s", got)
	}
	if a := r.Advice[0]; a.Figures["lots"] != 3 || a.Figures["lot_fte"] != 2 || a.Figures["reserved"] != 3 {
		t.Fatalf("reserve lots: %+v", a.Figures)
	}
	// The same in hours: 228 hours a week is 6 FTE.
	if h := check(t, x, market.CheckInput{HoursPerWeek: 228}); h.Figures.VolumeFTE != 6 || h.Figures.Coverage != 1.08 {
		t.Fatalf("hours per week: %+v", h.Figures)
	}
}

// One case that triggers each rule and one that just misses it.
func TestMarketCheckRules(t *testing.T) {
	four := []*directory.Supplier{cleaner(1, 2, 2), cleaner(2, 2, 2), cleaner(3, 1.5, 2), cleaner(4, 1, 2)}
	x := checkIndex(t, nil, four...)
	has := func(r *market.CheckReport, code string) bool {
		return strings.Contains(","+codes(r)+",", ","+code+",")
	}

	// Reserve the whole contract: ≥ 3 eligible, together ≥ volume, and one
	// carries it. 2 FTE: yes; 2.01 FTE: nobody carries it.
	if r := check(t, x, market.CheckInput{VolumeFTE: 2}); !has(r, market.AdviceReserve) || has(r, market.AdviceSplitLots) {
		t.Errorf("2 FTE: %s", codes(r))
	}
	if r := check(t, x, market.CheckInput{VolumeFTE: 2.01}); has(r, market.AdviceReserve) || !has(r, market.AdviceReserveLots) {
		t.Errorf("2.01 FTE: %s", codes(r))
	}
	// ... and only with reserve_min_suppliers eligible: 4 are not 5.
	five := market.DefaultSettings
	five.ReserveMinSuppliers = 5
	if r := check(t, x, market.CheckInput{VolumeFTE: 2, Settings: &five}); has(r, market.AdviceReserve) {
		t.Errorf("reserve_min_suppliers 5: %s", codes(r))
	}
	// Capacity too thin below coverage 1: 6.5 FTE is exactly covered.
	if r := check(t, x, market.CheckInput{VolumeFTE: 6.5}); has(r, market.AdviceThinCapacity) {
		t.Errorf("6.5 FTE: %s", codes(r))
	}
	if r := check(t, x, market.CheckInput{VolumeFTE: 7}); !has(r, market.AdviceThinCapacity) || r.Figures.Coverage != 0.93 {
		t.Errorf("7 FTE: %s, coverage %v", codes(r), r.Figures.Coverage)
	}
	// Too urgent when more than half cannot start: all four need 2 weeks.
	if r := check(t, x, market.CheckInput{VolumeFTE: 2, Start: today.AddDays(14)}); has(r, market.AdviceTooUrgent) {
		t.Errorf("start in 2 weeks: %s", codes(r))
	}
	if r := check(t, x, market.CheckInput{VolumeFTE: 2, Start: today.AddDays(13)}); !has(r, market.AdviceTooUrgent) || r.Figures.CanStart != 0 {
		t.Errorf("start in 13 days: %s", codes(r))
	}
	// Half exactly is not "most": two of four late.
	mixed := checkIndex(t, nil, cleaner(1, 2, 1), cleaner(2, 2, 1), cleaner(3, 2, 10), cleaner(4, 2, 10))
	if r := check(t, mixed, market.CheckInput{VolumeFTE: 2, Start: today.AddDays(28)}); has(r, market.AdviceTooUrgent) || r.Figures.CanStart != 2 {
		t.Errorf("two of four in time: %s", codes(r))
	}
	// Award criterion with fewer than 2 social-economy suppliers.
	one := checkIndex(t, nil, cleaner(1, 5, 1))
	if r := check(t, one, market.CheckInput{VolumeFTE: 2}); !has(r, market.AdviceAwardCriterion) {
		t.Errorf("one social supplier: %s", codes(r))
	}
	if r := check(t, x, market.CheckInput{VolumeFTE: 2}); has(r, market.AdviceAwardCriterion) {
		t.Errorf("four social suppliers: %s", codes(r))
	}
	// Poorly reachable: class E at the place; class D is still fine.
	for class, want := range map[uint8]bool{4: false, 5: true, 0: true} {
		xc := checkIndex(t, func(float64, float64) uint8 { return class }, cleaner(1, 2, 2))
		if r := check(t, xc, market.CheckInput{VolumeFTE: 1}); has(r, market.AdvicePoorlyReached) != want {
			t.Errorf("place class %d: %s", class, codes(r))
		}
	}
}

// The thin-capacity advice names the regular firms that cooperate, and the
// report counts the suppliers a contract would make dependent.
func TestMarketCheckCooperationAndDependency(t *testing.T) {
	firm := supplier(9, "regular-firm", "9000", offer("office-cleaning", 1, directory.ServiceArea{}))
	firm.Kind, firm.Cooperation = directory.KindRegulier, []string{"onderaanneming"}
	small := cleaner(1, 1, 1)
	small.TurnoverEUR, small.TurnoverYear = 100000, 2025
	big := cleaner(2, 1, 1)
	big.TurnoverEUR, big.TurnoverYear = 1000000, 2025
	x := checkIndex(t, nil, firm, small, big)
	r := check(t, x, market.CheckInput{VolumeFTE: 5, YearlyValueEUR: 40000})
	var thin *market.Advice
	for i := range r.Advice {
		if r.Advice[i].Code == market.AdviceThinCapacity {
			thin = &r.Advice[i]
		}
	}
	if thin == nil || len(thin.Suppliers) != 1 || thin.Suppliers[0] != "regular-firm" {
		t.Fatalf("thin capacity: %+v", r.Advice)
	}
	// 40,000 is 40 % of 100,000 (dependent) and 4 % of 1,000,000.
	if r.Figures.Dependent != 1 || r.Figures.WithTurnover != 2 || r.Figures.Social != 2 || r.Figures.Regular != 1 {
		t.Fatalf("figures: %+v", r.Figures)
	}
	if r2 := check(t, x, market.CheckInput{VolumeFTE: 5, YearlyValueEUR: 30000}); r2.Figures.Dependent != 0 {
		t.Fatalf("30 %% is not above 30 %%: %+v", r2.Figures)
	}
	// A bad input names its field.
	if _, err := x.Check(market.CheckInput{Tasks: []string{"office-cleaning"}, Place: "9000"}, today); err == nil || !strings.Contains(err.Error(), "volume") {
		t.Fatalf("no volume: %v", err)
	}
}

// The second example through the real engine: 60 FTE with eligible
// suppliers at 20, 17, 10 and 5 FTE and a regular firm at 40: four lots of
// 15, three reserved on art. 15 (BT-71 res-ws) and one open, each with its
// notice fields; the contract lies above the EU threshold.
func TestMarketCheckLotsAndTheirLegalFrame(t *testing.T) {
	firm := supplier(9, "regular-firm", "9000", offer("office-cleaning", 40, directory.ServiceArea{Provinces: []string{"OVL"}}))
	firm.Kind = directory.KindRegulier
	x := checkIndex(t, nil, cleaner(1, 20, 1), cleaner(2, 17, 1), cleaner(3, 10, 1), cleaner(4, 5, 1), firm)
	r := check(t, x, market.CheckInput{VolumeFTE: 60, YearlyValueEUR: 1200000, DurationMonths: 24})
	p := r.Plan
	if len(p.Lots) != 4 || p.LotFTE != 15 || p.Reserved != 3 {
		t.Fatalf("plan: %+v", p)
	}
	for i, l := range p.Lots {
		g := l.Legal
		wantBT71, wantBasis := "res-ws", "sheltered_integration"
		if i == 3 {
			wantBT71, wantBasis = "none", "none"
		}
		if g.BT71 != wantBT71 || g.Basis != wantBasis || g.BT736 != "no" || g.BT262 == "" || g.BT27 != 600000 || g.LegalBasisEU == "" {
			t.Errorf("lot %d: %+v", i+1, g)
		}
		// 15 FTE × 38 h × 52 weeks × 65 % target-group share.
		if g.TargetGroupHours != 19266 {
			t.Errorf("lot %d: %v target-group hours", i+1, g.TargetGroupHours)
		}
	}
	if p.Lots[3].Legal.WhyNone != market.WhyEligibleCovered || p.Lots[3].Legal.Clause != market.ClauseExecution || p.Lots[0].Legal.Clause != market.ClauseReservation {
		t.Errorf("the open lot: %+v", p.Lots[3].Legal)
	}
	if th := r.Threshold; th == nil || !th.Above || th.AmountEUR != 216000 || th.ValueEUR != 2400000 {
		t.Errorf("threshold: %+v", th)
	}
	// The social economy covers 52 of 60 FTE: the open lot is where an
	// execution clause with the regular firm comes in.
	if codes(r) != "reserve_lots,capacity_thin" {
		t.Errorf("advice %s", codes(r))
	}
}

// The segments overview counts the social economy per task group and
// area; a cached table is worked out again once the engine applies a
// change.
func TestSegmentsFollowChanges(t *testing.T) {
	dir := t.TempDir()
	store := testenv.Store(t, dir, 0)
	for _, sup := range []*directory.Supplier{cleaner(1, 2, 1), cleaner(2, 3, 1)} {
		if err := store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	g, tx := testenv.Tables(t)
	idx, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	x := &market.Checker{Engine: idx, Places: g, Tasks: tx, Segs: &market.SegmentCache{}}
	task, ok := tx.Task("office-cleaning")
	if !ok {
		t.Fatal("no office-cleaning task")
	}
	cell := func() market.Segment {
		t.Helper()
		tab, err := x.Segments("", today)
		if err != nil {
			t.Fatal(err)
		}
		r := slices.Index(tab.Groups, task.Group)
		a := slices.IndexFunc(tab.Areas, func(a market.SegmentArea) bool { return a.Code == "OVL" })
		if r < 0 || a < 0 {
			t.Fatalf("no %s row or OVL column: %v %v", task.Group, tab.Groups, tab.Areas)
		}
		return tab.Cells[r][a]
	}
	if got := cell(); got.Suppliers != 2 || got.FreeFTE != 5 {
		t.Fatalf("two cleaners in Ghent: %+v", got)
	}
	if err := store.Create(cleaner(3, 4, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.CatchUp(); err != nil {
		t.Fatal(err)
	}
	if got := cell(); got.Suppliers != 3 || got.FreeFTE != 9 {
		t.Fatalf("after a third cleaner: %+v", got)
	}
}

// Firms without a Verken profile (from the KBO) are in no figure; the
// check counts apart those of the activity located in the place's province.
func TestMarketCheckCountsUnclaimedFirmsApart(t *testing.T) {
	unclaimed := func(n int, postcode, task string) *directory.Supplier {
		s := supplier(n, fmt.Sprintf("kbo-%d", n), postcode, directory.Offer{Task: task, AtClientSite: true})
		s.Kind, s.Unclaimed = directory.KindRegulier, true
		return s
	}
	x := checkIndex(t, nil, cleaner(1, 2, 2), cleaner(2, 1, 2),
		unclaimed(3, "9000", "office-cleaning"), unclaimed(4, "9300", "office-cleaning"), // East Flanders
		unclaimed(5, "2000", "office-cleaning"), // Antwerp
		unclaimed(6, "9000", "catering"))
	r := check(t, x, market.CheckInput{VolumeFTE: 2})
	if f := r.Figures; f.Matching != 2 || f.FreeFTE != 3 || f.Unclaimed != 2 || f.UnclaimedArea != "OVL" {
		t.Fatalf("matching %d, %v FTE, %d unclaimed in %q; want 2, 3, 2 in OVL", f.Matching, f.FreeFTE, f.Unclaimed, f.UnclaimedArea)
	}
	r = check(t, x, market.CheckInput{VolumeFTE: 2, Place: "2000"})
	if f := r.Figures; f.Unclaimed != 1 || f.UnclaimedArea != "ANT" {
		t.Fatalf("in Antwerp: %d unclaimed in %q, want 1 in ANT", f.Unclaimed, f.UnclaimedArea)
	}
}

// The check says how many eligible suppliers rest on declarations only.
func TestMarketCheckCountsEligibilityOnDeclarationsOnly(t *testing.T) {
	vouched := cleaner(3, 1, 2)
	vouched.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MW-3", Issuer: "Departement WSE", ValidFrom: directory.NewDate(2020, 1, 1),
		Register: "Departement WSE", RegisterDate: directory.NewDate(2026, 11, 1)}}
	vouched.ShareVerified = &directory.Verification{At: today.Time(), By: "admin"}
	registerOnly := cleaner(4, 1, 2) // a register's recognition, the share declared
	registerOnly.Recognitions = vouched.Recognitions
	x := checkIndex(t, nil, cleaner(1, 2, 2), cleaner(2, 1, 2), vouched, registerOnly)
	r := check(t, x, market.CheckInput{VolumeFTE: 2})
	if f := r.Figures; f.Eligible != 4 || f.EligibleDeclared != 3 {
		t.Fatalf("eligible %d, on declarations only %d; want 4 and 3", f.Eligible, f.EligibleDeclared)
	}
}
