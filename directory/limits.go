package directory

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textLimits bounds every text of a supplier, in characters, by the field's
// last name. A supplier user writes these fields, and every byte is kept in
// the store, in each history entry and in the index: without a bound, three
// long descriptions grew a store by 180 MB. The numbers leave room for any
// real text.
var textLimits = map[string]int{
	"name":              200,
	"description":       5000,
	"type":              100, // of a recognition
	"number":            100, // of a recognition
	"issuer":            200,
	"id":                40, // of a site or an offer
	"street":            200,
	"postcode":          10,
	"municipality":      100,
	"task":              100,
	"volume_unit":       50,
	"site_id":           40,
	"person":            200,
	"email":             254, // RFC 5321's longest path
	"phone":             40,
	"website":           500,
	"client":            200,
	"reference_text":    2000, // a reference's description
	"area_code":         100,  // one entry of a service area's list
	"note":              1000, // of a verification
	"reason":            1000, // of a delisting
	"remark":            1000, // a supplier's word on an authority's facts
	"account_name":      200,
	"token_name":        100,
	"saved_search_name": 200,
	"saved_search":      4000, // a saved search's query string: a URL's worth
}

// listLimits bounds how many elements each list of a supplier holds, by the
// list's name.
var listLimits = map[string]int{
	"recognitions":    20,
	"target_groups":   len(TargetGroups),
	"cooperation":     len(CooperationModes),
	"sites":           50, // the profile form's rows
	"offers":          50,
	"references":      50,
	"municipalities":  600, // Belgium has 565
	"arrondissements": 50,  // Belgium has 43
	"provinces":       12,
	"regions":         3,
}

// lastName is a path's last name without an index:
// "offers[1].service_area.municipalities" → "municipalities".
func lastName(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	return field
}

// multiLine are the texts, by their limit's name, that may hold line breaks
// (and tabs); every other text is one line.
var multiLine = map[string]bool{
	"description":    true,
	"reference_text": true,
	"note":           true,
	"reason":         true,
	"remark":         true,
}

// checkText refuses a text longer than the limit named by limit, and a
// text with characters no one types: control characters (in a one-line
// text line breaks and tabs too: a name with CR LF in it ends up in a
// mail header) and the bidirectional overrides and isolates that make a
// text read other than it is written.
func (e *ValidationError) checkText(field, limit, s string) {
	max := textLimits[limit]
	if len(s) > max && utf8.RuneCountInString(s) > max {
		e.Fields = append(e.Fields, FieldError{Field: field, Code: "too_long", Reason: fmt.Sprintf("is longer than %d characters", max), Limit: max})
		return
	}
	if limit == "saved_search" {
		return // a query string, read as a URL is
	}
	if code, reason := textFault(s, multiLine[limit]); code != "" {
		e.add(field, code, reason)
	}
}

// textFault says what is wrong with the characters of s, or returns "".
func textFault(s string, lines bool) (code, reason string) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return "control_character", "is not valid UTF-8"
		case lines && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
				return "control_character", fmt.Sprintf("holds a line break (U+%04X); it is one line", r)
			}
			return "control_character", fmt.Sprintf("holds the control character U+%04X", r)
		case r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069':
			return "bidi_control", fmt.Sprintf("holds the bidirectional control U+%04X", r)
		}
	}
	return "", ""
}

// CheckLine refuses a one-line text (a name, an address, a subject) that
// holds a line break, a control character or a bidirectional override;
// field names the field in the error. It returns a *ValidationError.
func CheckLine(field, s string) error {
	if code, reason := textFault(s, false); code != "" {
		return &ValidationError{Fields: []FieldError{{Field: field, Code: code, Reason: reason}}}
	}
	return nil
}

// checkList refuses a list longer than its limit, and reports whether it
// may be looked at element by element.
func (e *ValidationError) checkList(field string, n int) bool {
	max := listLimits[lastName(field)]
	if n > max {
		e.Fields = append(e.Fields, FieldError{Field: field, Code: "too_many", Reason: fmt.Sprintf("has more than %d elements", max), Limit: max})
		return false
	}
	return true
}

// Account-side texts, for CheckAccountText.
const (
	AccountName      = "account_name"
	TokenName        = "token_name"
	SavedSearchName  = "saved_search_name"
	SavedSearchQuery = "saved_search"
)

// CheckAccountText refuses a text written outside a supplier's profile (an
// account's name, an API token's name, a saved search's name or query, an
// administrator's verification note or delisting reason) longer than its
// limit; kind is one of AccountName, TokenName, SavedSearchName,
// SavedSearchQuery, "note" or "reason", and field names the field in the
// error.
// It returns a *ValidationError.
func CheckAccountText(field, kind, s string) error {
	e := &ValidationError{}
	e.checkText(field, kind, s)
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}
