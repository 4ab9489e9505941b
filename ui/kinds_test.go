package ui_test

import (
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/ui"
)

// The pages name a kind as free text finds it: the message catalogues and
// data/kinds.tsv say the same in every language.
func TestKindNamesAgreeWithSearchVocabulary(t *testing.T) {
	cat, err := ui.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	_, tx := testenv.Tables(t)
	for _, k := range directory.Kinds {
		w, ok := tx.Kind(string(k))
		if !ok {
			t.Fatalf("kind %s is not in data/kinds.tsv", k)
		}
		for lang, name := range map[string]string{"nl": w.Name.NL, "fr": w.Name.FR, "en": w.Name.EN} {
			if page := cat.T(lang, "kind."+string(k)); page != name {
				t.Errorf("kind %s in %s: the pages say %q, data/kinds.tsv %q", k, lang, page, name)
			}
		}
	}
}
