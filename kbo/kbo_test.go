package kbo

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func builder(t *testing.T) *Builder {
	g, tx := testenv.Tables(t)
	m, err := data.LoadNACE(tx)
	if err != nil {
		t.Fatal(err)
	}
	return &Builder{Places: g, Tasks: tx, NACE: m}
}

func writeExtract(t *testing.T, b *Builder, n int, update bool) string {
	var buf bytes.Buffer
	if err := Generate(&buf, b.Places, 7, n, update); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "x.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func importFile(t *testing.T, b *Builder, st *directory.Store, p string) *Report {
	x, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rep, err := b.Import(st, x, directory.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestFullUpdateAndIdempotence(t *testing.T) {
	b := builder(t)
	st := testenv.Store(t, "", 0)
	full := writeExtract(t, b, 3000, false)
	rep := importFile(t, b, st, full)
	t.Log(rep)
	if rep.Extract.ExtractType != "full" || rep.Extract.ExtractNumber != 136 {
		t.Fatalf("meta: %+v", rep.Extract)
	}
	if rep.Kept == 0 || rep.Created != rep.Kept || rep.Skipped[SkipOutside] == 0 || rep.Skipped[SkipNoTask] == 0 {
		t.Fatalf("counts: %+v", rep)
	}
	// Every kept profile is unclaimed, without capacity, out of search,
	// with its provenance.
	n := 0
	err := st.List(func(s directory.Supplier) error {
		n++
		if !s.Unclaimed || s.InSearch() || s.FreeFTE() != 0 || s.Provenance["name"].Source != directory.SourceKBO || s.Registry == nil {
			t.Errorf("%s: %+v", s.EnterpriseNumber, s)
		}
		return nil
	})
	if err != nil || n != rep.Kept {
		t.Fatalf("%d stored, %d kept, %v", n, rep.Kept, err)
	}
	again := importFile(t, b, st, full)
	if again.Created+again.Updated != 0 || again.Unchanged != rep.Kept || again.Delisted != 0 {
		t.Fatalf("re-import changed something: %+v", again)
	}
	up := writeExtract(t, b, 3000, true)
	u := importFile(t, b, st, up)
	t.Log(u)
	if u.Updated == 0 || u.Delisted == 0 {
		t.Fatalf("update: %+v", u)
	}
	// A renamed enterprise (every 20th, from 3) carries its new name.
	renamed := 0
	delisted := 0
	_ = st.List(func(s directory.Supplier) error {
		if strings.Contains(s.Name, "(nieuw)") {
			renamed++
			if s.Provenance["name"].Since.String() != "2025-06-27" {
				t.Errorf("%s: name provenance %+v", s.Name, s.Provenance["name"])
			}
		}
		if s.Delisted != nil {
			delisted++
		}
		return nil
	})
	if renamed == 0 || delisted == 0 {
		t.Fatalf("renamed %d, delisted %d", renamed, delisted)
	}
	u2 := importFile(t, b, st, up)
	if u2.Created+u2.Updated != 0 {
		t.Fatalf("re-applying the update changed something: %+v", u2)
	}
}

func TestFormat(t *testing.T) {
	b := builder(t)
	var buf bytes.Buffer
	if err := Generate(&buf, b.Places, 1, 50, false); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"enterprise.csv":    `"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise","JuridicalForm","JuridicalFormCAC","StartDate"`,
		"establishment.csv": `"EstablishmentNumber","StartDate","EnterpriseNumber"`,
		"activity.csv":      `"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"`,
	}
	for _, f := range zr.File {
		if h, ok := want[f.Name]; ok {
			rc, _ := f.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			if !strings.HasPrefix(b.String(), h+"\n") {
				t.Errorf("%s header: %q", f.Name, strings.SplitN(b.String(), "\n", 2)[0])
			}
			delete(want, f.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing %v", want)
	}
}

func TestNames(t *testing.T) {
	names := []directory.RegistryName{{Language: "1", Type: "001", Name: "Nettoyage SA"}, {Language: "2", Type: "003", Name: "Proper"}, {Language: "2", Type: "001", Name: "Schoonmaak NV"}}
	if got := pickName(names); got != "Schoonmaak NV" {
		t.Fatal(got)
	}
	if got := pickName(names[:2]); got != "Nettoyage SA" {
		t.Fatal(got)
	}
}

func TestNumbers(t *testing.T) {
	if n, ok := number("0200.065.765"); !ok || numberText(n) != "0200065765" {
		t.Fatal(n, ok)
	}
	if n, ok := number("2.000.000.339"); !ok || n != 2000000339 {
		t.Fatal(n, ok)
	}
	if _, err := directory.NormalizeEnterpriseNumber(enterpriseNumber(200000007)); err != nil {
		t.Fatal(err)
	}
}
