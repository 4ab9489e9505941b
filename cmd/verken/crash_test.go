package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// process is the real binary running on a data directory.
type process struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer
}

func start(t *testing.T, bin, dataDir string) *process {
	t.Helper()
	p := &process{addr: freeAddr(t), logs: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "--api-rate", "0")
	p.cmd.Env = append(os.Environ(), "VERKEN_ADDR="+p.addr, "VERKEN_DATA="+dataDir)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			t.Fatalf("no start: %v\n%s", err, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

// client is an administrator signed in through the form, with an API token.
type client struct {
	http  *http.Client
	csrf  string
	token string
}

var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func signInAdmin(t *testing.T, p *process, email, password string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{http: &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	page := func(method, path string, form url.Values) string {
		var body io.Reader
		if form != nil {
			form.Set("csrf", c.csrf)
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, p.url(path), body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if m := csrfValue.FindSubmatch(b); m != nil {
			c.csrf = string(m[1])
		}
		return string(b)
	}
	page("GET", "/inloggen", nil)
	page("POST", "/inloggen", url.Values{"email": {email}, "password": {password}})
	page("GET", "/mijn/tokens", nil)
	created := page("POST", "/mijn/tokens", url.Values{"name": {"crash-test"}, "supplier_id": {""}})
	m := regexp.MustCompile(`<code id="new-token">([^<]+)</code>`).FindStringSubmatch(created)
	if m == nil {
		t.Fatalf("no admin token made:\n%.500s", created)
	}
	c.token = m[1]
	return c
}

// send makes an API call: with the token, or with the session and its CSRF
// header when session is set.
func (c *client) send(method, u string, body []byte, session bool) (int, []byte, error) {
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if session {
		req.Header.Set("X-CSRF-Token", c.csrf)
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// acked is every write the server acknowledged.
type acked struct {
	mu      sync.Mutex
	patches map[string]uint64 // supplier id → versions it acknowledged, the highest
	created []string          // enterprise numbers of imported suppliers
	kbo     int
}

// write drives one writer until stop: capacity edits of demo suppliers
// through the session, and small imports through the token.
func (a *acked) write(p *process, c *client, r *rand.Rand, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		if r.IntN(4) == 0 {
			a.mu.Lock()
			a.kbo++
			n := a.kbo
			a.mu.Unlock()
			kbo := directory.EnterpriseNumberWithCheck(8000000 + n)
			row := fmt.Sprintf(`{"name":"Crash %d","kind":"lde","enterprise_number":%q,"sites":[{"postcode":"9000"}],"offers":[{"task":"catering","free_fte":2,"at_client_site":true}]}`, n, kbo)
			code, _, err := c.send("POST", p.url("/api/v1/admin/import?format=jsonl"), []byte(row+"\n"), false)
			if err == nil && code == 200 {
				a.mu.Lock()
				a.created = append(a.created, kbo)
				a.mu.Unlock()
			}
			continue
		}
		id := fmt.Sprintf("demo-%04d", 1+r.IntN(40))
		code, body, err := c.send("GET", p.url("/api/v1/suppliers/"+id), nil, true)
		if err != nil || code != 200 {
			continue
		}
		var sup directory.Supplier
		if json.Unmarshal(body, &sup) != nil || len(sup.Offers) == 0 {
			continue
		}
		patch := fmt.Sprintf(`{"free_fte": %d.5, "version": %d}`, r.IntN(40), sup.Version)
		code, body, err = c.send("PATCH", p.url("/api/v1/suppliers/"+id+"/offers/"+sup.Offers[0].ID), []byte(patch), true)
		if err == nil && code == 200 {
			var after directory.Supplier
			if json.Unmarshal(body, &after) == nil {
				a.mu.Lock()
				a.patches[id] = max(a.patches[id], after.Version)
				a.mu.Unlock()
			}
		}
	}
}

// demoWithAdmin builds the binary, seeds a data directory with the demo
// data, adds an administrator from the command line, and starts the server
// with that administrator signed in.
func demoWithAdmin(t *testing.T) (bin, dir string, p *process, c *client) {
	t.Helper()
	bin = buildVerken(t)
	dir = filepath.Join(t.TempDir(), "verken-data")
	p = start(t, bin, dir) // seeds the demo data
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	add := exec.Command(bin, "user", "--data", dir, "--email", "beheer@stad.example", "--name", "Beheer", "--role", "admin")
	add.Env = append(os.Environ(), "VERKEN_PASSWORD=een lang beheerderswachtwoord")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("add admin: %v\n%s", err, out)
	}
	p = start(t, bin, dir)
	return bin, dir, p, signInAdmin(t, p, "beheer@stad.example", "een lang beheerderswachtwoord")
}

// The real binary is killed with SIGKILL at random moments while it takes
// edits and imports; after every restart, every acknowledged write is
// there, no supplier is half written, and the index answers what the store
// holds.
func TestSurvivesSIGKILL(t *testing.T) {
	bin, dir, p, c := demoWithAdmin(t)
	a := &acked{patches: map[string]uint64{}}
	r := rand.New(rand.NewPCG(42, 7))
	const kills = 20
	for round := range kills {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 2 {
			wr := rand.New(rand.NewPCG(uint64(round), uint64(w)))
			wg.Go(func() { a.write(p, c, wr, stop) })
		}
		time.Sleep(time.Duration(80+r.IntN(300)) * time.Millisecond)
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		p.cmd.Wait()
		close(stop)
		wg.Wait()
		p = start(t, bin, dir)
	}
	t.Logf("%d kills; %d suppliers edited and %d imported with acknowledgement", kills, len(a.patches), len(a.created))
	if len(a.patches) < 10 || len(a.created) < 10 {
		t.Fatalf("too few acknowledged writes to prove anything: %d edits, %d imports", len(a.patches), len(a.created))
	}
	waitReady(t, p)
	compareIndexWithStore(t, p, c)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, p.logs.String())
	}

	store := openStore(t, dir)
	for id, version := range a.patches {
		sup, err := store.Get(id)
		if err != nil || sup.Version < version {
			t.Errorf("%s: acknowledged version %d, stored %d (%v)", id, version, sup.Version, err)
		}
	}
	for _, kbo := range a.created {
		if _, err := store.GetByEnterpriseNumber(kbo); err != nil {
			t.Errorf("acknowledged import of %s is lost: %v", kbo, err)
		}
	}
	checkWhole(t, store)
}

// checkWhole checks that no supplier is half written: each is valid, and
// its history holds exactly one entry per version, the last its own.
func checkWhole(t *testing.T, store *directory.Store) {
	t.Helper()
	var sups []directory.Supplier
	store.List(func(s directory.Supplier) error { sups = append(sups, s); return nil })
	for _, s := range sups {
		if err := store.Validator().Normalize(&s); err != nil {
			t.Errorf("%s is not valid: %v", s.ID, err)
		}
		h, err := store.History(s.ID)
		if err != nil || uint64(len(h)) != s.Version || h[len(h)-1].Version != s.Version {
			t.Errorf("%s at version %d has %d history entries (%v)", s.ID, s.Version, len(h), err)
		}
	}
}

func openStore(t *testing.T, dir string) *directory.Store {
	t.Helper()
	g, tx := testenv.Tables(t)
	s, err := directory.Open(filepath.Join(dir, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func waitReady(t *testing.T, p *process) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url("/readyz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("not ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// compareIndexWithStore pages through every search hit and compares each
// with the supplier the store gives: the same suppliers, names, tasks and
// free capacity; and every supplier is found by its name's text.
func compareIndexWithStore(t *testing.T, p *process, c *client) {
	t.Helper()
	type hit struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Tasks   []string `json:"tasks"`
		FreeFTE float64  `json:"free_fte"`
	}
	indexed := map[string]hit{}
	for page := 1; ; page++ {
		var res struct {
			Total int   `json:"total"`
			Hits  []hit `json:"hits"`
		}
		_, body, err := c.send("GET", p.url(fmt.Sprintf("/api/v1/suppliers?per_page=100&page=%d&sort=name", page)), nil, false)
		if err != nil || json.Unmarshal(body, &res) != nil {
			t.Fatalf("search page %d: %v", page, err)
		}
		for _, h := range res.Hits {
			indexed[h.ID] = h
		}
		if len(res.Hits) == 0 || len(indexed) >= res.Total {
			break
		}
	}
	_, body, _ := c.send("GET", p.url("/metrics"), nil, false)
	var stored int
	fmt.Sscanf(regexp.MustCompile(`verken_index_documents (\d+)`).FindStringSubmatch(string(body))[1], "%d", &stored)
	if stored != len(indexed) {
		t.Fatalf("Bleve holds %d documents, the catalogue answers %d", stored, len(indexed))
	}
	for id, h := range indexed {
		_, body, err := c.send("GET", p.url("/api/v1/suppliers/"+id), nil, false)
		var s directory.Supplier
		if err != nil || json.Unmarshal(body, &s) != nil {
			t.Fatalf("%s: %v", id, err)
		}
		var tasks []string
		for _, o := range s.Offers {
			if !slices.Contains(tasks, o.Task) {
				tasks = append(tasks, o.Task)
			}
		}
		if s.Name != h.Name || s.FreeFTE() != h.FreeFTE || strings.Join(tasks, ",") != strings.Join(h.Tasks, ",") {
			t.Errorf("%s: store %q %v %v, index %q %v %v", id, s.Name, s.FreeFTE(), tasks, h.Name, h.FreeFTE, h.Tasks)
		}
	}
	// The text index has the imported suppliers too.
	_, body, _ = c.send("GET", p.url("/api/v1/suppliers?q=crash&per_page=1"), nil, false)
	var res struct {
		Total int `json:"total"`
	}
	json.Unmarshal(body, &res)
	crash := 0
	for _, h := range indexed {
		if strings.HasPrefix(h.Name, "Crash ") {
			crash++
		}
	}
	if res.Total != crash {
		t.Errorf("free text finds %d imported suppliers, the store has %d", res.Total, crash)
	}
}
