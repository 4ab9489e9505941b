package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// runBench sends a bounded load to a running server and prints throughput
// and latency per kind of request.
func runBench(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("bench", "send a bounded load to a running server: a mix of searches, market checks and capacity edits (edits need an administrator's API token in VERKEN_TOKEN); prints throughput, p50/p95/p99 per kind and errors. Start the server with --api-rate 0", stderr, &cfg)
	server := fs.String("server", "http://127.0.0.1:8080", "base URL of the server")
	requests := fs.Int("requests", 5000, "how many requests in all")
	concurrency := fs.Int("concurrency", 8, "how many at once")
	mix := fs.String("mix", "search=90,check=5,edit=5", "share of each kind, in percent")
	paths := fs.String("paths", "", "instead of the mix, GET the request paths in this file (one a line, starting with /) in turn, over and over: the same searches for two builds, or those a harness sent")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	replay, err := readPaths(*paths)
	if err != nil {
		fmt.Fprintf(stderr, "verken bench: %v\n", err)
		return 2
	}
	shares := map[string]int{}
	for _, part := range strings.Split(*mix, ",") {
		var n int
		k, v, _ := strings.Cut(part, "=")
		if _, err := fmt.Sscan(v, &n); err != nil || (k != "search" && k != "check" && k != "edit") {
			fmt.Fprintf(stderr, "verken bench: bad --mix part %q\n", part)
			return 2
		}
		shares[k] = n
	}
	token := os.Getenv("VERKEN_TOKEN")
	if shares["edit"] > 0 && token == "" && replay == nil {
		fmt.Fprintln(stderr, "verken bench: edits need an administrator's API token in VERKEN_TOKEN (or --mix without edit)")
		return 2
	}
	b := &bench{base: strings.TrimRight(*server, "/"), token: token,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency * 2}}}
	if err := b.prepare(); err != nil {
		fmt.Fprintf(stderr, "verken bench: %v\n", err)
		return 1
	}
	var next atomic.Int64
	results := make(chan sample, *requests)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *concurrency {
		r := rand.New(rand.NewPCG(uint64(w), 99))
		wg.Go(func() {
			for i := next.Add(1); i <= int64(*requests); i = next.Add(1) {
				if replay != nil {
					results <- b.get(replay[(i-1)%int64(len(replay))])
					continue
				}
				kind := pick(r, shares)
				results <- b.do(kind, r)
			}
		})
	}
	wg.Wait()
	close(results)
	elapsed := time.Since(start)
	by := map[string][]time.Duration{}
	errs := map[string]int{}
	conflicts := 0
	for s := range results {
		by[s.kind] = append(by[s.kind], s.took)
		if s.err != "" {
			errs[s.kind]++
		}
		if s.conflict {
			conflicts++
		}
	}
	fmt.Fprintf(stdout, "%d requests in %s at concurrency %d: %.0f requests/s against %d suppliers\n",
		*requests, elapsed.Round(time.Millisecond), *concurrency, float64(*requests)/elapsed.Seconds(), b.suppliers)
	for _, kind := range []string{"search", "check", "edit", "path"} {
		d := by[kind]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
		fmt.Fprintf(stdout, "  %-6s %6d  %7.0f/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  errors %d\n",
			kind, len(d), float64(len(d))/elapsed.Seconds(), q(.50), q(.95), q(.99), errs[kind])
	}
	if conflicts > 0 {
		fmt.Fprintf(stdout, "  (%d edits met a newer version and were refused with 409, as they should)\n", conflicts)
	}
	total := 0
	for _, n := range errs {
		total += n
	}
	if total > 0 {
		return 1
	}
	return 0
}

type bench struct {
	base, token string
	client      *http.Client
	suppliers   int
}

type sample struct {
	kind     string
	took     time.Duration
	err      string
	conflict bool
}

func pick(r *rand.Rand, shares map[string]int) string {
	total := 0
	for _, n := range shares {
		total += n
	}
	x := r.IntN(max(total, 1))
	for _, k := range []string{"search", "check", "edit"} {
		if x < shares[k] {
			return k
		}
		x -= shares[k]
	}
	return "search"
}

func (b *bench) prepare() error {
	resp, err := b.client.Get(b.base + "/api/v1/suppliers?per_page=1")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	b.suppliers = r.Total
	if r.Total == 0 {
		return fmt.Errorf("the server has no suppliers: run verken seed")
	}
	return nil
}

var (
	benchWords  = []string{"schoonmaak", "groenonderhoud", "catering", "verpakken", "wasserij", "fietsherstel", "onthaal", "strijk", "gent", "digitalisering", "schoonmak", "groen"}
	benchPlaces = []string{"9000", "2000", "3000", "8000", "3500", "1000", "2800", "9300", "8500", "2300", "Gooik", "Leuven"}
	benchTasks  = []string{"office-cleaning", "green-maintenance", "catering", "packaging", "laundry", "reception", "removals", "courier"}
	benchProvs  = []string{"ANT", "OVL", "WVL", "VBR", "LIM", "BRU"}
)

// searchQuery draws a search as buyers make them: words, filters, places.
func searchQuery(r *rand.Rand) string {
	q := []string{}
	if r.IntN(3) > 0 {
		q = append(q, "q="+benchWords[r.IntN(len(benchWords))])
	}
	if r.IntN(2) == 0 {
		q = append(q, "task="+benchTasks[r.IntN(len(benchTasks))])
	}
	if r.IntN(2) == 0 {
		q = append(q, "province="+benchProvs[r.IntN(len(benchProvs))])
	}
	if r.IntN(3) == 0 {
		q = append(q, fmt.Sprintf("min_fte=%d", 1+r.IntN(5)))
	}
	if r.IntN(4) == 0 {
		q = append(q, "near="+benchPlaces[r.IntN(len(benchPlaces))]+"&radius_km=15&sort=distance")
	}
	if r.IntN(5) == 0 {
		q = append(q, "kind=maatwerkbedrijf&kind=lde")
	}
	return strings.Join(q, "&")
}

func (b *bench) do(kind string, r *rand.Rand) sample {
	s := sample{kind: kind}
	start := time.Now()
	var code int
	var err error
	switch kind {
	case "search":
		code, _, err = b.call("GET", "/api/v1/suppliers?"+searchQuery(r), nil)
	case "check":
		body := fmt.Sprintf(`{"tasks":[%q],"place":%q,"volume_fte":%d,"start":"%s","duration_months":24,"yearly_value_eur":%d}`,
			benchTasks[r.IntN(len(benchTasks))], benchPlaces[r.IntN(len(benchPlaces))], 1+r.IntN(12),
			time.Now().AddDate(0, 2, 0).Format(time.DateOnly), 50000+r.IntN(500000))
		code, _, err = b.call("POST", "/api/v1/market-checks", []byte(body))
	case "edit":
		id := fmt.Sprintf("demo-%04d", 1+r.IntN(b.suppliers))
		var raw []byte
		code, raw, err = b.call("GET", "/api/v1/suppliers/"+id, nil)
		var sup struct {
			Version uint64 `json:"version"`
			Offers  []struct {
				ID string `json:"id"`
			} `json:"offers"`
		}
		if err == nil && code == 200 && json.Unmarshal(raw, &sup) == nil && len(sup.Offers) > 0 {
			body := fmt.Sprintf(`{"free_fte": %d.5, "version": %d}`, r.IntN(20), sup.Version)
			code, _, err = b.call("PATCH", "/api/v1/suppliers/"+id+"/offers/"+sup.Offers[0].ID, []byte(body))
			s.conflict = code == 409
		}
	}
	s.took = time.Since(start)
	switch {
	case err != nil:
		s.err = err.Error()
	case code >= 300 && !s.conflict && !(kind == "edit" && code == 404):
		s.err = fmt.Sprintf("status %d", code)
	}
	return s
}

// readPaths reads a file of request paths, one a line; none without a file.
func readPaths(file string) ([]string, error) {
	if file == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var paths []string
	for line := range strings.Lines(string(raw)) {
		switch line = strings.TrimSpace(line); {
		case line == "":
		case !strings.HasPrefix(line, "/"):
			return nil, fmt.Errorf("%s: %q is not a request path (it must start with /)", file, line)
		default:
			paths = append(paths, line)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no request paths", file)
	}
	return paths, nil
}

// get sends one of the paths of --paths.
func (b *bench) get(path string) sample {
	start := time.Now()
	code, _, err := b.call("GET", path, nil)
	s := sample{kind: "path", took: time.Since(start)}
	switch {
	case err != nil:
		s.err = err.Error()
	case code >= 300:
		s.err = fmt.Sprintf("status %d", code)
	}
	return s
}

func (b *bench) call(method, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, b.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.token != "" {
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}
