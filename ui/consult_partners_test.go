package ui_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

// partnersSection is the part of a recipient's page that proposes partners.
var partnersSection = regexp.MustCompile(`(?s)<section id="partners">.*?</section>`)

// A recipient that cannot carry a lot alone sees, on its link's page and
// in "Mijn Verken", the fewest other recipients whose capacity with its
// own covers a lot, by their profiles' capacity now: never one that said
// it is not interested or would only bid alone, never an answer's text,
// never the buyer of an anonymous consultation.
func TestConsultationPartners(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	// Poetsploeg 1 to 5 have 2, 2, 1.5, 1 and 1 FTE; the worked example's
	// lots are three of 2 FTE.
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[3])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, time.Now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), url.Values{"anonymous": {"on"}})
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 5)
	link := func(i int) string { return linkOf(t, mails[emails[i]]) }
	// Poetsploeg 1 bids alone, 2 is not interested, 4 would bid with
	// others, 5 has not answered.
	for i, form := range map[int]url.Values{
		0: {"interested": {"yes"}, "fte": {"2"}, "bid": {"alone"}},
		1: {"interested": {"no"}, "reason": {"Geen ploeg vrij dit jaar."}},
		3: {"interested": {"yes"}, "fte": {"1"}, "bid": {"with_others"}, "reason": {"Graag samen met een andere ploeg."}},
	} {
		if code, body := answerVia(t, s, link(i), form); code != 303 {
			t.Fatalf("answer %d: %d\n%s", i, code, body)
		}
	}
	partners := func(b *browserless, path string) (string, string) {
		t.Helper()
		code, page := b.get(path)
		if code != 200 {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		return partnersSection.FindString(page), page
	}
	names := func(section string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<a href="/leveranciers/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(section, -1) {
			out = append(out, m[1])
		}
		return out
	}

	// Poetsploeg 3 (1.5 FTE) needs 0.5 more for a lot of 2: one partner,
	// the one with the most capacity among 4 and 5 (both 1: by name).
	// Poetsploeg 1 and 2 (2 FTE each) are not offered.
	v := newVisitor(t, s)
	section, page := partners(v, link(2))
	if got := names(section); len(got) != 1 || got[0] != "Poetsploeg 4" {
		t.Fatalf("partners of Poetsploeg 3: %v\n%s", got, section)
	}
	for _, want := range []string{"Perceel 1: 2 VTE", "Uw vrije capaciteit: 1,5 VTE.", "<td>Gent</td>", "<td>1</td>", "<td>2,5</td>"} {
		if !strings.Contains(section, want) {
			t.Errorf("the partners lack %q:\n%s", want, section)
		}
	}
	if strings.Count(section, "<h3>") != 1 {
		t.Errorf("lots of the same size are proposed more than once:\n%s", section)
	}
	for _, never := range []string{"Graag samen", "Geen ploeg vrij", "Stad Gent"} {
		if strings.Contains(page, never) {
			t.Errorf("the page shows %q", never)
		}
	}

	// By capacity now: Poetsploeg 4 keeps a quarter FTE free; then 5 is
	// the partner.
	sup, err := s.Store.Get(ids[3])
	if err != nil {
		t.Fatal(err)
	}
	sup.Offers[0].FreeFTE = 0.25
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	if section, _ = partners(v, link(2)); !slices.Equal(names(section), []string{"Poetsploeg 5"}) {
		t.Fatalf("after 4's capacity changed: %v\n%s", names(section), section)
	}

	// Poetsploeg 4, signed in, has a quarter FTE now: with 3 (1.5) and
	// 5 (1) it reaches 2.75; no single one covers it.
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	mine := "/mijn/raadplegingen/" + strings.TrimPrefix(path, "/raadplegingen/") + "/" + ids[3]
	section, page = partners(own, mine)
	if got := names(section); !slices.Equal(got, []string{"Poetsploeg 3", "Poetsploeg 5"}) || !strings.Contains(section, "<td>2,75</td>") {
		t.Fatalf("partners of Poetsploeg 4: %v\n%s", got, section)
	}
	if strings.Contains(page, "Geen ploeg vrij") || strings.Contains(page, "Stad Gent") {
		t.Fatal("Mijn Verken shows another's answer or the anonymous buyer")
	}

	// The page with partners shows no catalogue key, no internal name and
	// no badly formatted message, in any language.
	for _, lang := range []string{"nl", "fr", "en"} {
		_, page := partners(own, mine+"?lang="+lang)
		scanText(t, mine+" ("+lang+")", page)
	}

	// Poetsploeg 1 carries a lot alone: no partners.
	if section, _ := partners(newVisitor(t, s), link(0)); section != "" {
		t.Fatalf("Poetsploeg 1 is proposed partners:\n%s", section)
	}
	// Once Poetsploeg 5 says it is not interested, it is never offered:
	// Poetsploeg 3 then has 4 (a quarter FTE), short of the lot.
	if code, body := answerVia(t, s, link(4), url.Values{"interested": {"no"}, "reason": {"Te ver."}}); code != 303 {
		t.Fatalf("answer 5: %d\n%s", code, body)
	}
	section, _ = partners(v, link(2))
	if got := names(section); len(got) != 0 || !strings.Contains(section, "Met ten hoogste 5 andere ontvangers komt u er samen niet aan.") {
		t.Fatalf("after 5 said no: %v\n%s", got, section)
	}
	// In French and English too.
	for lang, want := range map[string]string{"fr": "Lot 1 : 2 ETP", "en": "Lot 1: 2 FTE"} {
		if section, _ := partners(v, link(2)+"?lang="+lang); !strings.Contains(section, want) {
			t.Errorf("%s: no %q in\n%s", lang, want, section)
		}
	}
}

// scanText holds a page to TestPagesShowNoInternalNames's rules: no
// catalogue key, no snake_case name, no badly formatted message in what
// the reader sees.
func scanText(t *testing.T, what, page string) {
	t.Helper()
	text := visibleText(page)
	if k := keysIn(text, catalogueKeys(t)); len(k) > 0 {
		t.Errorf("%s shows catalogue keys: %v", what, k)
	}
	if snake := internalNames(text, nil); len(snake) > 0 {
		t.Errorf("%s shows internal names: %v", what, snake)
	}
	if strings.Contains(text, "%!") {
		t.Errorf("%s shows a badly formatted message", what)
	}
}
