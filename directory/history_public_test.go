package directory_test

import (
	"testing"

	"github.com/verken/verken/directory"
)

// An entry as anyone but an administrator sees it: who verified shows as
// Verken, the note is left out, and the author too unless kept.
func TestHistoryEntryPublic(t *testing.T) {
	e := directory.HistoryEntry{Actor: directory.Actor{AccountID: "a1", Name: "Admin One <admin@stad.example>"}, Action: directory.ActionVerify, Changes: []directory.FieldChange{
		{Field: "share_verified.by", New: "Admin One <admin@stad.example>"},
		{Field: "share_verified.note", New: "intern"},
		{Field: "recognitions[1].verified.by", Old: "Admin Two", New: ""},
		{Field: "recognitions[1].verified.note", Old: "intern"},
		{Field: "delisted.by", New: "Admin One"},
		{Field: "share_verified.at", New: "2026-01-02T00:00:00Z"},
	}}
	p := e.Public(false)
	if p.Actor != (directory.Actor{Name: directory.PublicVerifier}) || len(p.Changes) != 4 {
		t.Fatalf("%+v", p)
	}
	for _, c := range p.Changes {
		if c.Field != "share_verified.at" && (c.Old != "" && c.Old != "Verken" || c.New != "" && c.New != "Verken") {
			t.Errorf("%+v", c)
		}
	}
	if e.Changes[0].New != "Admin One <admin@stad.example>" || e.Public(true).Actor.AccountID != "a1" {
		t.Fatal("the entry itself changed, or a kept author was not kept")
	}
}

// A change made from an answer to a consultation keeps, for anyone, the
// consultation it came from; its author only when kept.
func TestHistoryEntryPublicConsultation(t *testing.T) {
	e := directory.HistoryEntry{Actor: directory.Actor{AccountID: "u1", Name: "Jan <jan@poets.example>", Consultation: "Schoonmaak"}, Action: directory.ActionUpdate}
	if p := e.Public(false); p.Actor != (directory.Actor{Consultation: "Schoonmaak"}) {
		t.Fatalf("%+v", p.Actor)
	}
	if p := e.Public(true); p.Actor != e.Actor {
		t.Fatalf("%+v", p.Actor)
	}
}
