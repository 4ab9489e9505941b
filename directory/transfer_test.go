package directory_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// row renders a supplier as an import line, after a change.
func row(t *testing.T, n int, change func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{
		"name": fmt.Sprintf("Import %d", n), "kind": "maatwerkbedrijf",
		"enterprise_number": directory.EnterpriseNumberWithCheck(4000000 + n),
		"sites":             []any{map[string]any{"postcode": "9000"}},
		"offers": []any{map[string]any{"task": "office-cleaning", "free_fte": 2.5, "at_client_site": true,
			"service_area": map[string]any{"provinces": []string{"OVL"}}}},
	}
	if change != nil {
		change(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func offer(m map[string]any) map[string]any { return m["offers"].([]any)[0].(map[string]any) }

// A file with good and bad rows imports the good ones and reports each bad
// one with its row, field and reason; a dry run writes nothing.
func TestImportKeepsGoodRowsAndReportsBadOnes(t *testing.T) {
	s := testenv.Store(t, "", 0)
	lines := []string{
		row(t, 1, nil), // 1: good
		row(t, 2, func(m map[string]any) { // 2: bad KBO check digit
			kbo := m["enterprise_number"].(string)
			m["enterprise_number"] = kbo[:8] + fmt.Sprintf("%02d", (int(kbo[8]-'0')*10+int(kbo[9]-'0')+1)%97)
		}),
		row(t, 3, func(m map[string]any) { m["sites"] = []any{map[string]any{"postcode": "4000"}} }), // 3: unknown (Walloon) postcode
		row(t, 4, func(m map[string]any) { offer(m)["free_fte"] = -1 }),                              // 4: negative FTE
		row(t, 5, func(m map[string]any) { offer(m)["task"] = "juggling" }),                          // 5: unknown task
		row(t, 1, func(m map[string]any) { m["name"] = "Same KBO as row 1" }),                        // 6: duplicate KBO
		`{"name": "broken"`, // 7: not JSON
		row(t, 8, nil),      // 8: good
	}
	file := strings.Join(lines, "\n") + "\n"
	rows, err := directory.ReadJSONRows(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	seqBefore, _ := s.LastSeq()
	dry, err := s.Import(rows, true, directory.System)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(); n != 0 {
		t.Fatalf("the dry run wrote %d suppliers", n)
	}
	if seq, _ := s.LastSeq(); seq != seqBefore {
		t.Fatal("the dry run wrote to the change feed")
	}
	if fmt.Sprint(dry.Created) != "[1 8]" {
		t.Fatalf("dry run would create rows %v", dry.Created)
	}

	rows, _ = directory.ReadJSONRows(strings.NewReader(file))
	rep, err := s.Import(rows, false, directory.System)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{2: "enterprise_number kbo_check", 3: "sites[0].postcode unknown_postcode", 4: "offers[0].free_fte range",
		5: "offers[0].task unknown_task", 6: "enterprise_number duplicate_in_file", 7: "row invalid_json"}
	got := map[int]string{}
	for _, e := range rep.Errors {
		if _, dup := got[e.Row]; dup {
			t.Fatalf("row %d reported twice: %v", e.Row, rep.Errors)
		}
		got[e.Row] = e.Field + " " + e.Code
		if e.Reason == "" {
			t.Errorf("row %d has no reason", e.Row)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("errors\n got %v\nwant %v", got, want)
	}
	if fmt.Sprint(rep.Created) != "[1 8]" || len(rep.Updated) != 0 {
		t.Fatalf("created %v, updated %v", rep.Created, rep.Updated)
	}
	if n, _ := s.Count(); n != 2 {
		t.Fatalf("%d suppliers stored, want the 2 good rows", n)
	}

	// A known KBO updates; the same data again changes nothing.
	update := row(t, 1, func(m map[string]any) { offer(m)["free_fte"] = 7.0 })
	rows, _ = directory.ReadJSONRows(strings.NewReader(update + "\n" + row(t, 8, nil)))
	rep, err = s.Import(rows, false, directory.System)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rep.Updated) != "[1]" || fmt.Sprint(rep.Unchanged) != "[2]" || len(rep.Created) != 0 {
		t.Fatalf("second import: %+v", rep)
	}
	sup, err := s.GetByEnterpriseNumber(directory.EnterpriseNumberWithCheck(4000001))
	if err != nil || sup.Offers[0].FreeFTE != 7 || sup.Version != 2 {
		t.Fatalf("after the update: %+v, %v", sup.Offers, err)
	}
}

// An export read back as a JSON array imports too.
func TestImportReadsAJSONArray(t *testing.T) {
	src := testenv.Store(t, "", 12)
	var buf bytes.Buffer
	if n, err := src.Export(&buf); err != nil || n != 12 {
		t.Fatalf("export: %d, %v", n, err)
	}
	var items []json.RawMessage
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		items = append(items, json.RawMessage(line))
	}
	arr, _ := json.Marshal(items)
	rows, err := directory.ReadJSONRows(bytes.NewReader(append([]byte("\xEF\xBB\xBF"), arr...)))
	if err != nil || len(rows) != 12 {
		t.Fatalf("read: %d rows, %v", len(rows), err)
	}
	dst := testenv.Store(t, "", 0)
	rep, err := dst.Import(rows, false, directory.System)
	if err != nil || len(rep.Created) != 12 || len(rep.Errors) != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	a, _ := src.Get("demo-0003")
	b, _ := dst.Get("demo-0003")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("not the same supplier:\n%s\n%s", ja, jb)
	}
}
