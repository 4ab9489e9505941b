package ui_test

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// scannedPages are the pages whose visible text TestPagesShowNoInternalNames
// reads, in every language, as the person in Who sees them. A path may hold
// {check} (a saved market check), {consult} (a sent consultation), {draft}
// (a draft), {link} (a recipient's consultation link) and {poets} (a cleaner
// in Ghent, where a tram runs), which the test makes first. Allow lists
// the snake_case words a page shows on purpose (an API's field names where
// the page documents the API; a word ending in * allows every word it
// starts). Add every new page here.
type scannedPage struct {
	Who, Path string
	Allow     []string
	Status    int // 200 unless given
}

var scannedPages = []scannedPage{
	{Who: "anonymous", Path: "/"},
	{Who: "anonymous", Path: "/?q=schoonmaak&province=OVL&kind=maatwerkbedrijf&sort=name"},
	{Who: "anonymous", Path: "/?q=schoonmaak&near=9000&radius_km=30&min_fte=1"},
	{Who: "anonymous", Path: "/?q=schoonmaak&view=map"},
	{Who: "anonymous", Path: "/?q=zzzgeenwoord"},
	{Who: "anonymous", Path: "/?unclaimed=true&task=office-cleaning"},
	{Who: "anonymous", Path: "/leveranciers/demo-0001"},
	{Who: "anonymous", Path: "/leveranciers/demo-0002"},
	{Who: "anonymous", Path: "/marktverkenning"},
	{Who: "anonymous", Path: "/marktverkenning?" + workedExample},
	{Who: "anonymous", Path: "/marktverkenning?task=office-cleaning&volume_fte=3&start=2030-01-07&region=OVL&target_group=arbeidshandicap&reserve=on"},
	{Who: "anonymous", Path: "/marktverkenning?task=office-cleaning&place=9000&volume_fte=2&start=2020-01-06", Status: 422},
	{Who: "anonymous", Path: "/segmenten"},
	{Who: "anonymous", Path: "/segmenten?province=OVL"},
	{Who: "anonymous", Path: "/bereikbaarheid"},
	{Who: "anonymous", Path: "/bereikbaarheid?place=9000"},
	{Who: "anonymous", Path: "/inloggen"},
	{Who: "anonymous", Path: "/registreren"},
	{Who: "anonymous", Path: "/wachtwoord-vergeten"},
	{Who: "anonymous", Path: "/bestaat-niet", Status: 404},
	{Who: "anonymous", Path: "/raadpleging/{link}"},
	{Who: "anonymous", Path: "/raadpleging/{link}?notice=answered"}, // answered with FTE: the capacity button
	{Who: "anonymous", Path: "/open-raadplegingen"},
	{Who: "anonymous", Path: "/raadpleging-afmelden/{optout}"}, // opting out of a task's consultations
	{Who: "supplier", Path: "/open-raadplegingen"},
	{Who: "supplier", Path: "/open-raadplegingen/{consult}/demo-0001"},
	{Who: "supplier", Path: "/mijn"},
	{Who: "anonymous", Path: "/leveranciers/{poets}"},
	{Who: "supplier", Path: "/mijn/tokens", Allow: apiFields},
	{Who: "supplier", Path: "/mijn/leveranciers/demo-0001/capaciteit"},
	{Who: "supplier", Path: "/mijn/leveranciers/demo-0001/bewerken"},
	{Who: "supplier", Path: "/mijn/leveranciers/demo-0001/geschiedenis"},
	{Who: "supplier", Path: "/mijn/raadplegingen"},
	{Who: "supplier", Path: "/mijn/raadplegingen/{consult}/{poets}?notice=capacity"}, // its capacity put on the profile
	{Who: "supplier", Path: "/mijn/leveranciers/{poets}/geschiedenis"},               // naming the consultation
	{Who: "buyer", Path: "/mijn"},
	{Who: "buyer", Path: "/mijn/tokens", Allow: apiFields},
	{Who: "buyer", Path: "/marktverkenning/{check}"},
	{Who: "buyer", Path: "/aankoopplan"},
	{Who: "buyer", Path: "/raadplegingen"},
	{Who: "buyer", Path: "/raadplegingen/nieuw?check={check}"},
	{Who: "buyer", Path: "/?task=office-cleaning&serves=9000"},                                            // the link to start a consultation
	{Who: "buyer", Path: "/raadplegingen/nieuw?from=search&place=9000&task=office-cleaning&volume_fte=1"}, // from a search
	{Who: "buyer", Path: "/raadplegingen/nieuw?from=search&place=9000"},                                   // from a search without a task
	{Who: "buyer", Path: "/raadplegingen/{consult}"},
	{Who: "buyer", Path: "/raadplegingen/{consult}?notice=published"},        // an answer published and mailed
	{Who: "buyer", Path: "/raadplegingen/{consult}?notice=published_partly"}, // not every recipient mailed
	{Who: "buyer", Path: "/raadplegingen/{draft}?verruimen=1&notice=added"},  // a draft, widened
	{Who: "buyer", Path: "/raadplegingen/{consult}/verslag", Status: 409},    // before the deadline: when it comes
	{Who: "buyer", Path: "/mijn/meldingen"},
	{Who: "anonymous", Path: "/zoekmelding-uit/bestaat-niet", Status: 410},
	{Who: "admin", Path: "/mijn"},
	{Who: "admin", Path: "/beheer", Allow: registerColumns},
	{Who: "admin", Path: "/beheer/leveranciers?unclaimed=true"},
	{Who: "admin", Path: "/beheer/accounts"},
	{Who: "admin", Path: "/mijn/tokens", Allow: apiFields},
	{Who: "admin", Path: "/mijn/leveranciers/demo-0001/bewerken"},
	{Who: "admin", Path: "/mijn/leveranciers/demo-0001/geschiedenis"},
}

// apiFields are the names the token page documents: the PATCH body's
// fields, and the start of every token ("vk_…", shown to tell tokens
// apart).
var apiFields = []string{"free_fte", "available_from", "offer_id", "vk_*"}

// registerColumns are the columns of an authority's register of
// recognitions, which the administration page names as the file has them.
var registerColumns = []string{"recognition_number", "valid_from", "valid_until", "register_date"}

// allowed reports whether a page may show a snake_case word.
func allowed(allow []string, word string) bool {
	for _, a := range allow {
		if a == word || strings.HasSuffix(a, "*") && strings.HasPrefix(word, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}

var (
	scriptsAndStyles = regexp.MustCompile(`(?is)<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->`)
	tagPattern       = regexp.MustCompile(`(?s)<[a-zA-Z][^>]*>|</[a-zA-Z][^>]*>`)
	attrPattern      = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)"`)
	snakeCase        = regexp.MustCompile(`[A-Za-z0-9]*[a-z]_[a-z][A-Za-z0-9_]*`)
	// A link written out (the outbox's, a report's permalink, the path of
	// the check it came from) carries random ids and secrets, not names.
	urlPattern = regexp.MustCompile(`https?://\S+|(?:^|[\s(])/[A-Za-z0-9_./-]+`)
)

// internalNames lists the snake_case words of a text, once each, outside
// the links it writes out and apart from those allowed.
func internalNames(text string, allow []string) []string {
	var out []string
	// An allowed prefix ending in * stands for a whole word that starts
	// with it, random letters and underscores included (a token's start,
	// "vk_7cs_hc", is not a name).
	for _, a := range allow {
		if p, ok := strings.CutSuffix(a, "*"); ok {
			text = regexp.MustCompile(`\b`+regexp.QuoteMeta(p)+`[A-Za-z0-9_-]*`).ReplaceAllString(text, " ")
		}
	}
	for _, w := range snakeCase.FindAllString(urlPattern.ReplaceAllString(text, " "), -1) {
		if !allowed(allow, w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// shownAttribute reports whether a browser shows an attribute's value to
// the reader: a tooltip, a placeholder, what a screen reader reads, a
// button's caption, and the labels the page's script writes into it.
func shownAttribute(tag, name string) bool {
	switch name {
	case "title", "alt", "placeholder", "aria-label", "aria-description", "aria-valuetext":
		return true
	}
	if tag == "input" && name == "value" {
		return false // decided with the input's type
	}
	return strings.HasPrefix(name, "data-") && strings.HasSuffix(name, "-label")
}

// visibleText is what a reader of a page sees or hears: its text without
// scripts, styles, comments and markup, and the attribute values a
// browser shows; entities decoded.
func visibleText(page string) string {
	page = scriptsAndStyles.ReplaceAllString(page, " ")
	var shown []string
	for _, tag := range tagPattern.FindAllString(page, -1) {
		name := strings.ToLower(strings.FieldsFunc(tag, func(r rune) bool { return r == '<' || r == '>' || r == ' ' || r == '\n' || r == '/' })[0])
		attrs := map[string]string{}
		for _, m := range attrPattern.FindAllStringSubmatch(tag, -1) {
			attrs[strings.ToLower(m[1])] = m[2]
		}
		for k, v := range attrs {
			if shownAttribute(name, k) {
				shown = append(shown, v)
			}
		}
		if name == "input" && slices.Contains([]string{"submit", "button", "reset"}, attrs["type"]) {
			shown = append(shown, attrs["value"])
		}
	}
	text := tagPattern.ReplaceAllString(page, " ")
	return html.UnescapeString(text + "\n" + strings.Join(shown, "\n"))
}

// catalogueKeys are the keys of the Dutch catalogue that hold a dot: a
// key on a page is a message that was never looked up or does not exist.
func catalogueKeys(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("locales/nl.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		if strings.Contains(k, ".") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// wordChar is a character that continues a key or identifier.
func wordChar(b byte) bool {
	return b == '_' || b == '.' || b == '-' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// keysIn lists the catalogue keys that stand as words in text.
func keysIn(text string, keys []string) []string {
	var out []string
	for _, k := range keys {
		for i := 0; ; {
			j := strings.Index(text[i:], k)
			if j < 0 {
				break
			}
			at, end := i+j, i+j+len(k)
			// A key ends a sentence with its own full stop.
			before := at == 0 || !wordChar(text[at-1])
			after := end == len(text) || !wordChar(text[end]) || text[end] == '.' && (end+1 == len(text) || !wordChar(text[end+1]))
			if before && after {
				out = append(out, k)
				break
			}
			i = end
		}
	}
	return out
}

// Every main page, in Dutch, French and English, as a visitor, a supplier
// user, a buyer and an administrator see it: no catalogue key, no
// snake_case identifier (a setting's or field's internal name), and no
// message formatted with the wrong arguments in what the reader sees.
func TestPagesShowNoInternalNames(t *testing.T) {
	holder := &transit.Holder{}
	// The clock moves past the consultation's deadline at the end, for
	// the report.
	var later atomic.Int64
	s := startServer(t, 80, func(d *ui.Deps) {
		d.Transit = holder
		d.Now = func() time.Time { return time.Now().Add(time.Duration(later.Load())) }
	})
	ids, _ := seedConsultable(t, s)
	// A tram serves the cleaners' place in Ghent: pages show classes,
	// stations and journeys.
	poets, _ := s.Store.Get(ids[0])
	holder.Set(tramAt(t, poets.Sites[0].Lat, poets.Sites[0].Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	account(t, s, "planner@demo-0001.example", directory.RoleSupplier, "demo-0001", ids[0])
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	visitors := map[string]*browserless{"anonymous": newVisitor(t, s)}
	for who, email := range map[string]string{"supplier": "planner@demo-0001.example", "buyer": "koper@stad.example", "admin": "admin@verken.example"} {
		visitors[who] = newVisitor(t, s)
		visitors[who].signIn(email, testPassword)
	}

	// The supplier's history holds a change through the form and one
	// through an API token.
	sup := visitors["supplier"]
	sup.get("/mijn/leveranciers/demo-0001/capaciteit")
	current, _ := s.Store.Get("demo-0001")
	form := url.Values{"version": {version(t, s, "demo-0001")}}
	for i, o := range current.Offers {
		p := "offers[" + itoa(i) + "]."
		form.Set(p+"id", o.ID)
		form.Set(p+"free_fte", "3,5")
		form.Set(p+"available_from", "2030-02-04")
	}
	if code, _, body := sup.post("/mijn/leveranciers/demo-0001/capaciteit", form); code != 303 {
		t.Fatalf("capacity form: %d\n%s", code, body)
	}
	secret, _, err := s.Store.NewToken(mustAccount(t, s, "planner@demo-0001.example").ID, "demo-0001", "planning")
	if err != nil {
		t.Fatal(err)
	}
	api := newVisitor(t, s)
	api.bearer = secret
	if code, body := jsonCall(api, "PATCH", "/api/v1/suppliers/demo-0001/offers/"+current.Offers[0].ID, `{"free_fte": 1.5, "version": `+version(t, s, "demo-0001")+`}`); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}

	// A buyer's saved check and a sent consultation, public, with a
	// recipient's link.
	buyer := visitors["buyer"]
	buyer.get("/marktverkenning?" + workedExample)
	code, loc, _ := buyer.post("/marktverkenning/bewaren", url.Values{"query": {workedExample}})
	if code != 303 {
		t.Fatalf("save check: %d", code)
	}
	checkID := strings.TrimPrefix(loc, "/marktverkenning/")
	buyer.get("/raadplegingen/nieuw?check=" + checkID)
	code, consultPath, page := buyer.post("/raadplegingen/nieuw", url.Values{"check": {checkID}, "title": {"Schoonmaak stadskantoren"},
		"description": {"Dagelijkse schoonmaak van drie kantoren."}, "question": {"Kunt u dit volume dragen?"},
		"deadline": {time.Now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)}, "deadline_time": {"17:00"},
		"value_band": {"216k_750k"}, "buyer": {"Stad Gent"}})
	if code != 303 {
		t.Fatalf("new consultation: %d\n%s", code, page)
	}
	buyer.get(consultPath)
	if code, _, body := buyer.post(consultPath+"/versturen", url.Values{"recipient": ids[:2], "public": {"on"}}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	var link, optOut string
	for _, body := range outboxBodies(t, s) {
		if m := consultLink.FindStringSubmatch(body); m != nil {
			link = strings.TrimPrefix(m[1], "/raadpleging/")
		}
		if m := optOutLink.FindStringSubmatch(body); m != nil {
			optOut = strings.TrimPrefix(m[1], "/raadpleging-afmelden/")
		}
	}
	if link == "" || optOut == "" {
		t.Fatal("no consultation link or opt-out link in the outbox")
	}
	// A recipient answers through its link with the FTE it commits (its
	// page offers the capacity button); the supplier user answers for the
	// cleaner signed in and puts the figure on its profile.
	answerer := newVisitor(t, s)
	answerer.get("/raadpleging/" + link)
	if code, _, body := answerer.post("/raadpleging/"+link, url.Values{"interested": {"yes"}, "fte": {"4"}, "from": {"2030-03-04"}}); code != 303 {
		t.Fatalf("answer through the link: %d\n%s", code, body)
	}
	mine := "/mijn/raadplegingen/" + strings.TrimPrefix(consultPath, "/raadplegingen/") + "/" + ids[0]
	sup.get(mine)
	if code, _, body := sup.post(mine, url.Values{"interested": {"yes"}, "fte": {"3,5"}}); code != 303 {
		t.Fatalf("answer signed in: %d\n%s", code, body)
	}
	_, page = sup.get(mine)
	capForm, _ := capacityForm(t, page)
	if code, _, body := sup.post(mine+"/capaciteit", capForm); code != 303 {
		t.Fatalf("capacity from the answer: %d\n%s", code, body)
	}
	// A draft from the same check, to widen.
	code, draftPath, page := buyer.post("/raadplegingen/nieuw", url.Values{"check": {checkID}, "title": {"Schoonmaak bibliotheek"},
		"description": {"Wekelijkse schoonmaak."}, "deadline": {time.Now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)}})
	if code != 303 {
		t.Fatalf("a draft: %d\n%s", code, page)
	}
	fill := strings.NewReplacer("{check}", checkID, "{consult}", strings.TrimPrefix(consultPath, "/raadplegingen/"), "{link}", link, "{poets}", ids[0],
		"{draft}", strings.TrimPrefix(draftPath, "/raadplegingen/"), "{optout}", optOut)

	keys := catalogueKeys(t)
	scan(t, visitors, fill, keys, scannedPages)
	later.Store(int64(8 * 24 * time.Hour))
	scan(t, visitors, fill, keys, []scannedPage{
		{Who: "buyer", Path: "/raadplegingen/{consult}/verslag"}, // the report, after the deadline
		{Who: "buyer", Path: "/raadplegingen/{consult}"},
		{Who: "anonymous", Path: "/raadpleging/{link}", Status: 410}, // the link, closed
	})
}

// scan reads each page in three languages as its visitor and reports
// catalogue keys, internal names and badly formatted messages.
func scan(t *testing.T, visitors map[string]*browserless, fill *strings.Replacer, keys []string, pages []scannedPage) {
	t.Helper()
	for _, p := range pages {
		path := fill.Replace(p.Path)
		for _, lang := range []string{"nl", "fr", "en"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			code, page := visitors[p.Who].get(path + sep + "lang=" + lang)
			if want := max(p.Status, 200); code != want || !strings.Contains(page, `lang="`+lang+`"`) {
				t.Errorf("%s %s (%s): %d, want %d in its language", p.Who, path, lang, code, want)
				continue
			}
			text := visibleText(page)
			if k := keysIn(text, keys); len(k) > 0 {
				t.Errorf("%s %s (%s) shows catalogue keys: %v", p.Who, path, lang, k)
			}
			if snake := internalNames(text, p.Allow); len(snake) > 0 {
				t.Errorf("%s %s (%s) shows internal names: %v", p.Who, path, lang, snake)
			}
			if strings.Contains(text, "%!") {
				i := strings.Index(text, "%!")
				t.Errorf("%s %s (%s) shows a badly formatted message: %q", p.Who, path, lang, text[max(0, i-60):min(len(text), i+40)])
			}
		}
	}
}

// mustAccount finds an account by its e-mail address.
func mustAccount(t *testing.T, s *liveServer, email string) directory.Account {
	t.Helper()
	a, err := s.Store.AccountByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The scanner finds what it is for, and only that: a key, a snake_case
// word in the text or in a tooltip, and not a word in a URL or a form
// field's name.
func TestVisibleTextScanner(t *testing.T) {
	keys := []string{"check.fig_matching", "history.title"}
	page := `<html><head><style>.max_lots{}</style><script>var lot_min_suppliers = 1</script></head>
<body><a href="/?min_fte=1" data-x="shift_end">Zoeken</a><input name="max_lots" value="3">
<span title="max_travel_minutes">x</span><p>check.fig_matching en history.title.</p><p>history.titles</p>
<p>http://127.0.0.1/raadpleging/Ab_cd vk_abc vk_7cs_hc</p><p>/raadplegingen/Ab_cd/verslag (/marktverkenning/x_yZ)</p></body></html>`
	text := visibleText(page)
	if got := keysIn(text, keys); !slices.Equal(got, keys) {
		t.Errorf("keys found: %v", got)
	}
	if got := internalNames(text, []string{"vk_*"}); !slices.Equal(got, []string{"fig_matching", "max_travel_minutes"}) {
		t.Errorf("snake_case found: %v in %q", got, text)
	}
}
