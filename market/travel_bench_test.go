package market_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/transit"
)

// BenchmarkMarketCheckWithJourneys times whole market checks with journey
// times on the grid feed, De Lijn's order of size (transit.WriteGridFeed:
// 30,000 stops, 10,000,000 stop_times): 500 cleaners with one or two
// sites on the grid all match, and each check plans, from a place on the
// grid, the journeys there by 07:00 and back from 15:30 for every one of
// them. It reports the checks' p50 and p95 and how many suppliers arrive
// in time.
//
//	go test -run - -bench MarketCheckWithJourneys -benchtime 100x ./market
func BenchmarkMarketCheckWithJourneys(b *testing.B) {
	network := gridNetwork(b)
	r := rand.New(rand.NewPCG(50, 0))
	// The grid's part in East Flanders, around Ghent: x 40–110, y 40–90.
	inFlanders := func() (float64, float64) { return transit.GridPoint(40+r.IntN(70), 40+r.IntN(50)) }
	var sups []*directory.Supplier
	for n := range 500 {
		s := cleaner(n, 0.5+float64(n%4), 2)
		s.Sites = nil
		for k := range 1 + n%2 {
			lat, lon := inFlanders()
			s.Sites = append(s.Sites, directory.Site{ID: fmt.Sprintf("s%d", k+1), Postcode: "9000", Lat: lat, Lon: lon})
		}
		sups = append(sups, s)
	}
	holder := &transit.Holder{}
	holder.Set(network)
	x := checkIndex(b, holder.ClassAt, sups...)
	x.Network = network
	var took []time.Duration
	matched, inTime := 0, 0.0
	b.ResetTimer()
	for b.Loop() {
		lat, lon := inFlanders()
		in := market.CheckInput{Tasks: []string{"office-cleaning"}, Place: fmt.Sprintf("%.6f,%.6f", lat, lon), VolumeFTE: 4,
			Start: directory.NewDate(2027, 3, 1), DurationMonths: 24, YearlyValueEUR: 200000}
		t0 := time.Now()
		rep, err := x.Check(in, today)
		took = append(took, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Figures.TravelChecked {
			b.Fatal("the check planned no journeys")
		}
		matched = len(rep.Suppliers)
		for _, s := range rep.Suppliers {
			if s.Travel != nil && s.Travel.InTime {
				inTime++
			}
		}
	}
	b.StopTimer()
	reportPercentiles(b, took)
	b.ReportMetric(float64(matched), "matching-suppliers")
	b.ReportMetric(inTime/float64(len(took)), "in-time-suppliers")
}

// BenchmarkSearchReach times searches with reach on the grid feed over
// 20,000 demo suppliers (about a tenth of them have a site on the grid):
// one reverse RAPTOR query from the place, then every site within walking
// distance of a stop reached in time. Result caches are off.
//
//	go test -run - -bench SearchReach -benchtime 100x ./market
func BenchmarkSearchReach(b *testing.B) {
	holder := &transit.Holder{}
	holder.Set(gridNetwork(b))
	data := b.TempDir()
	store := testenv.Store(b, data, 20000)
	g, tx := testenv.Tables(b)
	x, err := catalogue.Open(filepath.Join(data, "index"), store, catalogue.Options{Places: g, Tasks: tx, Transit: holder.ClassAt,
		Reach: market.ReachFinder(holder), NoResultCache: true})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewPCG(51, 0))
	var took []time.Duration
	hits := 0
	b.ResetTimer()
	for b.Loop() {
		lat, lon := transit.GridPoint(40+r.IntN(70), 40+r.IntN(50))
		q := search.Query{Reach: fmt.Sprintf("%.6f,%.6f", lat, lon), MaxMinutes: 45, Sort: search.SortTravelTime, Today: today}
		t0 := time.Now()
		res, err := x.Search(q)
		took = append(took, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		hits += res.Total
	}
	b.StopTimer()
	reportPercentiles(b, took)
	b.ReportMetric(float64(hits)/float64(len(took)), "hits")
}

// gridNetwork imports the grid feed (transit.WriteGridFeed), written once
// into the system's temporary folder, as the reference day's network.
func gridNetwork(b *testing.B) *transit.Network {
	b.Helper()
	dir, err := transit.GridFeedDir()
	if err != nil {
		b.Fatal(err)
	}
	snap, err := transit.Import([]transit.Source{{Name: "groot", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	return transit.NewNetwork(snap)
}

// reportPercentiles reports the p50 and p95 of the times taken.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	q := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}
