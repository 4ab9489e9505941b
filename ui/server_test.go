package ui_test

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// liveServer is the real app on a loopback port over a real store and index.
type liveServer struct {
	URL   string
	Store *directory.Store
	Index *catalogue.Index
}

func startServer(t *testing.T, suppliers int, configure ...func(*ui.Deps)) *liveServer {
	t.Helper()
	dir := t.TempDir()
	store := testenv.Store(t, dir, suppliers)
	g, tx := testenv.Tables(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Links in mail lead back to this server unless a test says otherwise.
	deps := ui.Deps{Store: store, Places: g, Tasks: tx, PublicURL: "http://" + ln.Addr().String()}
	for _, c := range configure {
		c(&deps)
	}
	// The engine plans the journeys of a search on the network the
	// server has, as serve wires them.
	if deps.Transit == nil {
		deps.Transit = &transit.Holder{}
	}
	idx, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, Reach: market.ReachFinder(deps.Transit)})
	if err != nil {
		t.Fatal(err)
	}
	deps.Index = idx
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { idx.Follow(ctx); close(done) }()
	app, err := ui.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		cancel()
		<-done
		idx.Close()
	})
	return &liveServer{URL: "http://" + ln.Addr().String(), Store: store, Index: idx}
}

// get fetches path and decodes a JSON body into out (when out is not nil).
func (s *liveServer) get(t *testing.T, path string, out any) int {
	t.Helper()
	resp, body := fetch(t, s.URL+path)
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	return resp.StatusCode
}

func contextWithTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Second)
}
