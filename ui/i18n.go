package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

//go:embed locales/*.json
var localeFiles embed.FS

// Languages the UI speaks, Dutch first.
var Languages = []string{"nl", "fr", "en"}

// Catalog holds the messages of every language.
type Catalog struct {
	messages map[string]map[string]string
}

// LoadCatalog reads the embedded message catalogues and checks that every
// language has the same keys as Dutch.
func LoadCatalog() (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := localeFiles.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locale %s: %w", lang, err)
		}
		c.messages[lang] = m
	}
	for key := range c.messages["nl"] {
		for _, lang := range Languages[1:] {
			if _, ok := c.messages[lang][key]; !ok {
				return nil, fmt.Errorf("locale %s lacks %q", lang, key)
			}
		}
	}
	return c, nil
}

// T returns the message key in lang, formatted with args. A missing key
// shows itself, so it is noticed rather than hidden.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		if msg, ok = c.messages["nl"][key]; !ok {
			return key
		}
	}
	// A message may leave out an argument that another language uses.
	if len(args) == 0 || !strings.Contains(msg, "%") {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the catalogue has a key.
func (c *Catalog) Has(key string) bool {
	_, ok := c.messages["nl"][key]
	return ok
}

// pickLanguage chooses the language from an explicit choice (?lang=), then
// the cookie that choice left. Dutch is the default whatever the browser
// says: the directory is Flemish first, and French and English are chosen.
func pickLanguage(explicit, cookie string) string {
	for _, l := range []string{explicit, cookie} {
		if isLanguage(l) {
			return l
		}
	}
	return "nl"
}

func isLanguage(l string) bool {
	for _, x := range Languages {
		if l == x {
			return true
		}
	}
	return false
}

// formatNumber writes a number the way the language does: a decimal comma
// in Dutch and French, at most two decimals, no trailing zeros.
func formatNumber(lang string, x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatEuro writes a whole euro amount with thousands separators.
func formatEuro(lang string, x float64) string {
	n := strconv.FormatInt(int64(x+0.5), 10)
	sep := "."
	if lang == "en" {
		sep = ","
	} else if lang == "fr" {
		sep = "\u202f"
	}
	var b strings.Builder
	for i, r := range n {
		if i > 0 && (len(n)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return "€\u00a0" + b.String()
}

// formatDate writes a day as 24-11-2026 in every language: the form a
// procurement file uses, which no reader mistakes for month first.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Format("02-01-2006")
}
