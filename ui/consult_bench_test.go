package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/ui"
)

// benchCopy is a copy of the benchmarks' generated data set (the one
// benchServer keeps in the system's temporary folder, built here when
// missing), in a folder of the benchmark's own: a benchmark that writes
// leaves the shared data set as it was.
func benchCopy(b *testing.B, n int) string {
	b.Helper()
	src := filepath.Join(os.TempDir(), fmt.Sprintf("verken-bench-%d-m%s", n, catalogue.MappingVersion))
	g, tx := testenv.Tables(b)
	if err := os.MkdirAll(src, 0o750); err != nil {
		b.Fatal(err)
	}
	store, err := directory.Open(filepath.Join(src, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		b.Fatal(err)
	}
	// SeedDemo seeds an empty store only.
	if count, _ := store.Count(); count == 0 {
		start := time.Now()
		if _, err := directory.SeedDemo(store, data.GenerateDemo(1, n, testenv.Reference, g, tx)); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d suppliers in %s", n, time.Since(start).Round(time.Millisecond))
	}
	// Opening the index builds it when it is missing or stale.
	idx, err := catalogue.Open(filepath.Join(src, "index"), store, catalogue.Options{Places: g, Tasks: tx, NoResultCache: true})
	if err != nil {
		b.Fatal(err)
	}
	idx.Close()
	store.Close()
	dst := b.TempDir()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	return dst
}

// BenchmarkConsultationTraffic measures what market consultations cost
// the search: search p95 over the API, 100 searches a second
// (VERKEN_BENCH_SEARCH_RATE), in three stretches while nothing else runs,
// each followed by a round in which a buyer sends consultations to 500
// recipients in all and 500 answers come in through the links, 25 a
// second (VERKEN_BENCH_ANSWER_RATE) on four clients, over the generated
// data set (100,000 suppliers unless VERKEN_BENCH_SUPPLIERS says
// otherwise). One consultation
// goes to at most consult.MaxRecipients suppliers, so the 500 go in three
// (200, 200, 100), each made from a market check through the API. Without
// SMTP the invitations wait in the outbox, as they do on a server without
// one. It prints both p95s, their ratio and the time to send and to record
// the answers, and runs the whole once:
//
//	go test -run - -bench ConsultationTraffic -benchtime 1x -timeout 30m ./ui
func BenchmarkConsultationTraffic(b *testing.B) {
	n := benchSuppliers(b)
	dir := benchCopy(b, n)
	g, tx := testenv.Tables(b)
	store, err := directory.Open(filepath.Join(dir, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	idx, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, NoResultCache: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	following := make(chan struct{})
	go func() { idx.Follow(ctx); close(following) }()
	b.Cleanup(func() { cancel(); <-following; idx.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	app, err := ui.New(ui.Deps{Store: store, Index: idx, Places: g, Tasks: tx, PublicURL: base, Now: func() time.Time { return testenv.Reference }})
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	b.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	call := func(method, path, token, body string) (int, []byte) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}

	// The searches: those of BenchmarkHTTPSearch, in turn.
	words := []string{"schoonmaak", "groenonderhoud", "catering", "verpakken", "wasserij", "fietsherstel", "onthaal", "strijk", "gent", "digitalisering"}
	places := []string{"9000", "2000", "3000", "8000", "3500", "1000", "2800", "9300", "8500", "2300"}
	searchURL := func(i int) string {
		switch i % 3 {
		case 0:
			return "/api/v1/suppliers?q=" + words[i/3%len(words)]
		case 1:
			return "/api/v1/suppliers?q=" + words[i/3%len(words)] + "&province=" + []string{"OVL", "ANT", "VBR", "WVL", "LIM"}[i/3%5] +
				"&min_fte=2&kind=maatwerkbedrijf&kind=lde&kind=sociale-onderneming"
		}
		return "/api/v1/suppliers?near=" + places[i/3%len(places)] + "&radius_km=10&sort=distance"
	}
	// searching runs the searches at rate a second, each from the moment
	// it is due, on as many clients as it takes (up to eight), until stop
	// is closed and at least min were made; it returns each search's time
	// from when it was due, so that a search that had to wait counts its
	// wait. At this rate the search alone leaves the machine room: what
	// the consultations cost it shows, not a queue of searches.
	rate := 100
	if v := os.Getenv("VERKEN_BENCH_SEARCH_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &rate); err != nil || rate <= 0 {
			b.Fatalf("VERKEN_BENCH_SEARCH_RATE=%q", v)
		}
	}
	answerRate := 25
	if v := os.Getenv("VERKEN_BENCH_ANSWER_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &answerRate); err != nil || answerRate <= 0 {
			b.Fatalf("VERKEN_BENCH_ANSWER_RATE=%q", v)
		}
	}
	searching := func(min int, stop <-chan struct{}) []searchSample {
		interval := time.Second / time.Duration(rate)
		begin := time.Now()
		var mu sync.Mutex
		var took []searchSample
		var seq atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					i := int(seq.Add(1) - 1)
					select {
					case <-stop:
						mu.Lock()
						enough := len(took) >= min
						mu.Unlock()
						if enough {
							return
						}
					default:
					}
					due := begin.Add(time.Duration(i) * interval)
					time.Sleep(time.Until(due))
					if code, body := call("GET", searchURL(i), "", ""); code != 200 {
						b.Errorf("search %s: %d %.200s", searchURL(i), code, body)
						return
					}
					d := time.Since(due)
					mu.Lock()
					took = append(took, searchSample{due, d})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return took
	}
	times := func(samples []searchSample, from, to time.Time) []time.Duration {
		var out []time.Duration
		for _, x := range samples {
			if !x.due.Before(from) && x.due.Before(to) {
				out = append(out, x.took)
			}
		}
		return out
	}
	p95 := func(took []time.Duration) time.Duration {
		s := slices.Sorted(slices.Values(took))
		return s[int(0.95*float64(len(s)-1))]
	}
	closed := func() chan struct{} { c := make(chan struct{}); close(c); return c }

	// The market checks the consultations start from: office cleaning in
	// Ghent and Antwerp and green maintenance in Antwerp, each matching
	// hundreds.
	checks := []string{
		`{"tasks":["office-cleaning"],"place":"9000","volume_fte":20,"start":"2027-03-01","duration_months":24}`,
		`{"tasks":["green-maintenance"],"place":"2000","volume_fte":20,"start":"2027-03-01","duration_months":24}`,
		`{"tasks":["office-cleaning"],"place":"2000","volume_fte":20,"start":"2027-03-01","duration_months":24}`,
	}
	// The third goes to the first 100 of its check's suppliers.
	code, body := call("POST", "/api/v1/market-checks", "", checks[2])
	var third struct {
		Suppliers []struct {
			ID string `json:"id"`
		} `json:"suppliers"`
	}
	if err := json.Unmarshal(body, &third); code != 200 || err != nil || len(third.Suppliers) < 100 {
		b.Fatalf("the third check: %d %v, %d suppliers", code, err, len(third.Suppliers))
	}
	var firstHundred []string
	for _, s := range third.Suppliers[:100] {
		firstHundred = append(firstHundred, s.ID)
	}
	linkRe := regexp.MustCompile(`/raadpleging/([A-Za-z0-9_-]+)`)

	// A round: a buyer sends three consultations, to 500 recipients in
	// all, and every recipient answers through its link, four at a time.
	// The consultation's deadline ages the invitations out of the outbox
	// between rounds (the store's hourly purge, run as if then), so that
	// each round finds room for its 500.
	deadline := testenv.Reference.Add(14 * 24 * time.Hour)
	type roundTimes struct{ send, answers, answerP95 time.Duration }
	round := func() roundTimes {
		buyer := directory.Account{Email: fmt.Sprintf("koper-%d@stad.example", time.Now().UnixNano()), Name: "Stad", Role: directory.RoleBuyer}
		if err := store.CreateAccount(&buyer, testPassword); err != nil {
			b.Fatal(err)
		}
		token, _, err := store.NewToken(buyer.ID, "", "inkoop")
		if err != nil {
			b.Fatal(err)
		}
		var rt roundTimes
		start := time.Now()
		var ids []string
		for i, check := range checks {
			recipients := ""
			if i == 2 {
				q, _ := json.Marshal(firstHundred)
				recipients = `,"recipients":` + string(q)
			}
			code, body := call("POST", "/api/v1/consultations", token, `{"title":"Marktconsultatie `+fmt.Sprint(i+1)+`","description":"Een opdracht.",`+
				`"questions":["Vanaf wanneer?","Hoeveel VTE?"],"deadline":"`+deadline.Format(time.RFC3339)+`","send":true`+recipients+`,"check":`+check+`}`)
			var co struct {
				ID     string         `json:"id"`
				Funnel consult.Funnel `json:"funnel"`
			}
			if err := json.Unmarshal(body, &co); code != 200 || err != nil || co.Funnel.Sent != []int{200, 200, 100}[i] {
				b.Fatalf("consultation %d: %d %.300s", i+1, code, body)
			}
			ids = append(ids, co.ID)
		}
		rt.send = time.Since(start)

		// The links, as the recipients got them (the outbox's sealed
		// bodies: the harness's own reading, not timed).
		mails, err := store.Outbox()
		if err != nil {
			b.Fatal(err)
		}
		var links []string
		for _, m := range mails {
			if l := linkRe.FindStringSubmatch(m.Body); l != nil {
				links = append(links, l[1])
			}
		}
		if len(links) != 500 {
			b.Fatalf("%d links in the outbox, want 500", len(links))
		}
		start = time.Now()
		var answerTook []time.Duration
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan string)
		for range 4 {
			wg.Go(func() {
				for link := range next {
					start := time.Now()
					code, body := call("POST", "/api/v1/consultation-links/answer", "",
						`{"link":"`+link+`","interested":true,"fte":1.5,"from":"2027-03-01","bids":["alone","with_others"],"answers":["Vanaf maart.","Anderhalve VTE."]}`)
					if code != 200 {
						b.Errorf("answer: %d %.200s", code, body)
					}
					mu.Lock()
					answerTook = append(answerTook, time.Since(start))
					mu.Unlock()
				}
			})
		}
		// The answers come in at answerRate a second: a consultation's
		// answers arrive over days, and this is still hundreds of times
		// faster; sent all at once, they would measure four clients
		// flooding two cores, which slows any search whatever they ask.
		for i, l := range links {
			time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(answerRate))))
			next <- l
		}
		close(next)
		wg.Wait()
		rt.answers, rt.answerP95 = time.Since(start), p95(answerTook)

		cs, err := consult.New(store)
		if err != nil {
			b.Fatal(err)
		}
		answered := 0
		for _, id := range ids {
			rs, err := cs.Recipients(id)
			if err != nil {
				b.Fatal(err)
			}
			answered += consult.FunnelOf(rs).Interested
		}
		if answered != 500 {
			b.Fatalf("%d answers recorded, want 500", answered)
		}
		if _, err := store.Purge(deadline.Add(time.Minute)); err != nil {
			b.Fatal(err)
		}
		return rt
	}
	const rounds = 3

	for b.Loop() {
		searching(200, closed()) // warm up
		// The searches run throughout; each round is preceded by as long
		// a stretch of searches alone, so that whatever else the machine
		// does falls on both sides alike, and only the searches due in
		// either kind of stretch count.
		stop := make(chan struct{})
		samples := make(chan []searchSample)
		go func() { samples <- searching(0, stop) }()
		type window struct{ from, to time.Time }
		var quiet, busy []window
		var rts []roundTimes
		for range rounds {
			from := time.Now()
			time.Sleep(500 * time.Second / time.Duration(answerRate)) // as long as a round's answers
			quiet = append(quiet, window{from, time.Now()})
			from = time.Now()
			rts = append(rts, round())
			busy = append(busy, window{from, time.Now()})
		}
		close(stop)
		all := <-samples
		in := func(ws []window) (out []time.Duration, span time.Duration) {
			for _, w := range ws {
				out = append(out, times(all, w.from, w.to)...)
				span += w.to.Sub(w.from)
			}
			return out, span
		}
		alone, _ := in(quiet)
		during, busySpan := in(busy)
		without, with := p95(alone), p95(during)
		ratio := float64(with) / float64(without)
		fmt.Printf("suppliers: %d; searches at %d a second (text, text with filters and facets, near a place with distance)\n", n, rate)
		fmt.Printf("search p95 without consultation traffic: %.2f ms (%d searches, in the stretches before each round)\n", ms(without), len(alone))
		fmt.Printf("search p95 with consultation traffic:    %.2f ms (%d searches, %d rounds in %s)\n", ms(with), len(during), rounds, busySpan.Round(time.Millisecond))
		fmt.Printf("ratio with/without: %.3f\n", ratio)
		var send, answers []string
		var sendSum, answerSum time.Duration
		for _, rt := range rts {
			send = append(send, rt.send.Round(time.Millisecond).String())
			answers = append(answers, fmt.Sprintf("%s (p95 per answer %.2f ms)", rt.answers.Round(time.Millisecond), ms(rt.answerP95)))
			sendSum += rt.send
			answerSum += rt.answers
		}
		fmt.Printf("send 3 consultations to 500 recipients (market check, record, outbox), per round: %s\n", strings.Join(send, ", "))
		fmt.Printf("record 500 answers through the links (%d a second, on 4 clients), per round: %s\n", answerRate, strings.Join(answers, ", "))
		b.ReportMetric(ms(without), "p95-ms-alone")
		b.ReportMetric(ms(with), "p95-ms-traffic")
		b.ReportMetric(ratio, "p95-ratio")
		b.ReportMetric((sendSum / rounds).Seconds(), "send-s")
		b.ReportMetric((answerSum / rounds).Seconds(), "answers-s")
	}
}

// searchSample is a search's time from when it was due.
type searchSample struct {
	due  time.Time
	took time.Duration
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
