package data_test

import (
	"reflect"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/testenv"
)

func TestDemoIsDeterministicAndSpread(t *testing.T) {
	g, tx := testenv.Tables(t)
	a := data.GenerateDemo(7, data.DefaultDemoSuppliers, testenv.Reference, g, tx)
	b := data.GenerateDemo(7, data.DefaultDemoSuppliers, testenv.Reference, g, tx)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different demo data")
	}
	if c := data.GenerateDemo(8, 50, testenv.Reference, g, tx); reflect.DeepEqual(a[:50], c) {
		t.Fatal("another seed gives the same data")
	}
	kinds, provinces, tasks := map[string]int{}, map[string]int{}, map[string]int{}
	names, kbos := map[string]bool{}, map[string]bool{}
	for _, s := range a {
		kinds[s.Kind]++
		m, ok := g.Municipality(s.Sites[0].Municipality)
		if !ok {
			t.Fatalf("%s: unknown municipality", s.ID)
		}
		provinces[m.Province]++
		for _, o := range s.Offers {
			tasks[o.Task]++
		}
		if names[s.Name] || kbos[s.EnterpriseNumber] {
			t.Fatalf("duplicate name or enterprise number: %s %s", s.Name, s.EnterpriseNumber)
		}
		names[s.Name], kbos[s.EnterpriseNumber] = true, true
	}
	if len(kinds) != 6 || len(provinces) != 6 || len(tasks) < 25 {
		t.Fatalf("not spread: kinds %v, provinces %v, %d task types", kinds, provinces, len(tasks))
	}
	for p, n := range provinces {
		if n < 15 {
			t.Errorf("province %s has only %d suppliers", p, n)
		}
	}
}
