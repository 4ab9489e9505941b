package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// screenshotDir is where the browser tests write their screenshots: the
// folder VERKEN_SCREENSHOTS names (./test.sh names docs/screenshots), a
// relative one taken from the repository's root; "" when it is unset, and
// then nothing is written.
func screenshotDir() string {
	dir := os.Getenv("VERKEN_SCREENSHOTS")
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	// Tests run in the package's folder, one below the root.
	return filepath.Join("..", dir)
}

// shots are the pages docs/screenshots.md shows. From, when set, is the
// element the picture starts at (the market check's report, below its
// form).
var shots = []struct {
	Name, Path, Ready, From string
}{
	{Name: "search", Path: "/?q=schoonmaak", Ready: "li.hit"},
	{Name: "profile", Path: "/leveranciers/demo-0001", Ready: "table.offers"},
	{Name: "marketcheck", Path: "/marktverkenning?" + workedExample, Ready: "#advice", From: "#report"},
	{Name: "segments", Path: "/segmenten", Ready: "table"},
}

// tramsAt is tramAt's feed with a tram line through each point (given as
// latitude, longitude pairs).
func tramsAt(t *testing.T, points ...float64) *transit.Network {
	t.Helper()
	dir := t.TempDir()
	var stops, trips, times, routes strings.Builder
	stops.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
	routes.WriteString("route_id,route_short_name,route_type\n")
	trips.WriteString("route_id,service_id,trip_id\n")
	times.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	n := 0
	for p := 0; p+1 < len(points); p += 2 {
		lat, lon := points[p], points[p+1]
		line := fmt.Sprintf("T%d", p/2+1)
		fmt.Fprintf(&routes, "%s,%d,0\n", line, p/2+1)
		fmt.Fprintf(&stops, "W%d,West %d,%f,%f\nM%d,Midden %d,%f,%f\nE%d,Oost %d,%f,%f\n", p, p/2+1, lat, lon-0.01, p, p/2+1, lat, lon, p, p/2+1, lat, lon+0.01)
		for m := 6 * 60; m < 20*60; m += 7 {
			for _, order := range [][]string{{"W", "M", "E"}, {"E", "M", "W"}} {
				n++
				fmt.Fprintf(&trips, "%s,WK,t%d\n", line, n)
				for i, st := range order {
					tm := m + 2*i
					fmt.Fprintf(&times, "t%d,%02d:%02d:00,%02d:%02d:00,%s%d,%d\n", n, tm/60, tm%60, tm/60, tm%60, st, p, i+1)
				}
			}
		}
	}
	files := map[string]string{
		"agency.txt":     "agency_id,agency_name,agency_url,agency_timezone\nA,Tram,http://x.example,Europe/Brussels\n",
		"stops.txt":      stops.String(),
		"routes.txt":     routes.String(),
		"trips.txt":      trips.String(),
		"calendar.txt":   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n",
		"stop_times.txt": times.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := transit.Import([]transit.Source{{Name: "tram", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return transit.NewNetwork(snap)
}

// screenshot captures the page from the element from (or the top) down,
// at most one and a half screens high, as a PNG.
func (p page) screenshot(width, height int, from string) []byte {
	p.t.Helper()
	top := 0
	if from != "" {
		top = p.eval(`Math.floor(document.querySelector(` + jsString(from) + `).getBoundingClientRect().top + window.scrollY)`)
	}
	total := p.eval(`document.documentElement.scrollHeight`)
	h := min(total-top, height*3/2)
	shot, err := chromedp.Run(p.ctx, chromedp.Action[[]byte](func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		r, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
			Format: cdppage.CaptureScreenshotFormatPng, CaptureBeyondViewport: ptr(true),
			Clip: &cdppage.Viewport{X: 0, Y: float64(top), Width: float64(width), Height: float64(h), Scale: 1}})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	return shot
}

// The main pages at a phone's and a wide screen's width: each fits the
// width, and its picture is a PNG of that width, written to the
// screenshot folder when one is named.
func TestBrowserScreenshots(t *testing.T) {
	holder := &transit.Holder{}
	// No tile server answers here: the maps show what they show offline.
	s := startServer(t, 200, func(d *ui.Deps) { d.Transit = holder; d.TileURL = "http://127.0.0.1:9/{z}/{x}/{y}.png" })
	ghent, _ := s.Store.Get(seedCleaners(t, s)[0])
	sup, _ := s.Store.Get("demo-0001")
	holder.Set(tramsAt(t, sup.Sites[0].Lat, sup.Sites[0].Lon, ghent.Sites[0].Lat, ghent.Sites[0].Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	dir := screenshotDir()
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p := page{t, browser(t)}
	for _, size := range [][2]int{{phoneWidth, phoneHeight}, {desktopWidth, desktopHeight}} {
		w, h := size[0], size[1]
		if w == phoneWidth {
			p.do(chromedp.EmulateViewport(int64(w), int64(h), chromedp.EmulateMobile))
		} else {
			p.do(chromedp.EmulateViewport(int64(w), int64(h)))
		}
		for _, sh := range shots {
			p.do(chromedp.Navigate(s.URL+sh.Path), chromedp.WaitVisible(chromedp.CSS(sh.Ready)), chromedp.WaitReady(chromedp.CSS("footer.foot")))
			p.until(`document.readyState === "complete"`)
			if sw := p.eval(`document.documentElement.scrollWidth`); sw > w {
				t.Errorf("%s is %d px wide at %d px", sh.Name, sw, w)
			}
			shot := p.screenshot(w, h, sh.From)
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatalf("%s at %d px: %v", sh.Name, w, err)
			}
			if b := img.Bounds(); b.Dx() != w || b.Dy() < h/2 || b.Dy() > h*3/2 {
				t.Errorf("%s at %d px: a picture of %dx%d", sh.Name, w, b.Dx(), b.Dy())
			}
			if dir == "" {
				continue
			}
			name := filepath.Join(dir, sh.Name+"-"+itoa(w)+".png")
			if err := os.WriteFile(name, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
