package ui_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// BenchmarkPurchasingPlan measures a 500-line purchasing plan over the
// generated data set (100,000 suppliers unless VERKEN_BENCH_SUPPLIERS
// says otherwise), through the HTTP pages a buyer uses: the upload (read,
// match every description, keep), the check of every line (500 market
// checks, kept as one record), the summary page and its XLSX:
//
//	go test -run - -bench PurchasingPlan -benchtime 3x ./ui
func BenchmarkPurchasingPlan(b *testing.B) {
	base := benchServer(b, benchSuppliers(b))
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 5 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := ""
	send := func(method, path string, body io.Reader, contentType string) (int, string, []byte) {
		req, _ := http.NewRequest(method, base+path, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if m := csrfField.FindSubmatch(raw); m != nil {
			csrf = string(m[1])
		}
		return resp.StatusCode, resp.Header.Get("Location"), raw
	}
	// A buyer registers and is signed in.
	send("GET", "/registreren", nil, "")
	form := url.Values{"name": {"Bench"}, "email": {fmt.Sprintf("bench-%d@stad.example", time.Now().UnixNano())}, "role": {"buyer"},
		"password": {testPassword}, "password_confirm": {testPassword}, "csrf": {csrf}}
	if code, loc, body := send("POST", "/registreren", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"); code != 303 {
		b.Fatalf("register: %d %s %s", code, loc, stripTags(string(body)))
	}
	send("GET", "/aankoopplan", nil, "")

	descriptions := []string{"schoonmaak kantoren", "nettoyage de bureaux", "groenonderhoud", "entretien des espaces verts", "schoonmak",
		"kantoorschoonmaak", "glazenwassen", "lavage de vitres", "catering", "wasserij", "fietsherstel", "archivering", "onderhoud groenzones",
		"verpakken", "strijkdienst", "onthaal", "verhuizingen", "afvalinzameling", "digitalisering en scannen", "snoeien van hagen"}
	places := []string{"9000", "2000", "3000", "8000", "3500", "1000", "2800", "9300", "8500", "2300"}
	rows := [][]string{{"omschrijving", "plaats", "vte", "jaarwaarde", "start", "looptijd"}}
	for i := range 500 {
		rows = append(rows, []string{descriptions[i%len(descriptions)], places[i%len(places)], fmt.Sprint(1 + i%10), fmt.Sprint(50000 + 1000*i),
			"01-03-2027", "24"})
	}
	csv := planCSV(rows)
	var upload, check, summary, xlsx []time.Duration
	for b.Loop() {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("csrf", csrf)
		fw, _ := w.CreateFormFile("file", "plan-500.csv")
		_, _ = fw.Write(csv)
		_ = w.Close()
		start := time.Now()
		code, loc, raw := send("POST", "/aankoopplan/upload", &body, w.FormDataContentType())
		if code != 303 {
			b.Fatalf("upload: %d %s", code, stripTags(string(raw)))
		}
		upload = append(upload, time.Since(start))
		send("GET", loc, nil, "")
		start = time.Now()
		if code, _, raw := send("POST", loc+"/controleren", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()), "application/x-www-form-urlencoded"); code != 303 {
			b.Fatalf("check: %d %s", code, stripTags(string(raw)))
		}
		check = append(check, time.Since(start))
		start = time.Now()
		code, _, raw = send("GET", loc, nil, "")
		if code != 200 || bytes.Count(raw, []byte(`class="line-report"`)) != 500 {
			b.Fatalf("summary: %d, %d lines with a report", code, bytes.Count(raw, []byte(`class="line-report"`)))
		}
		summary = append(summary, time.Since(start))
		start = time.Now()
		if code, _, _ := send("GET", loc+"/samenvatting.xlsx", nil, ""); code != 200 {
			b.Fatalf("xlsx: %d", code)
		}
		xlsx = append(xlsx, time.Since(start))
		// Keep the account under its bound of plans.
		send("POST", loc+"/verwijderen", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()), "application/x-www-form-urlencoded")
		send("GET", "/aankoopplan", nil, "")
	}
	mean := func(d []time.Duration) float64 {
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		return float64(sum.Milliseconds()) / float64(len(d))
	}
	b.ReportMetric(mean(upload), "upload-ms")
	b.ReportMetric(mean(check), "check500-ms")
	b.ReportMetric(mean(summary), "summary-ms")
	b.ReportMetric(mean(xlsx), "xlsx-ms")
}
