package searchtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// randomQuery draws one to four filters with values from the data, free
// text in about a third of the queries, and a place to be near in a fifth.
func (o *oracle) randomQuery(r *rand.Rand) (search.Query, []queryWord) {
	q := search.Query{Today: o.today}
	pick := func(n int) int { return r.IntN(n) }
	sups := o.sups
	some := func(s *directory.Supplier) directory.Site { return s.Sites[pick(len(s.Sites))] }
	var words []queryWord
	filters := 1 + pick(4)
	if pick(3) == 0 {
		q.Text, words = o.randomText(r, pick(len(sups)))
		filters = pick(3)
	}
	for range filters {
		s := &sups[pick(len(sups))]
		switch pick(19) {
		case 0:
			q.Kinds = append(q.Kinds, string(directory.Kinds[pick(len(directory.Kinds))]))
		case 1:
			q.Sector = []string{"social", "regular"}[pick(2)]
		case 2:
			if pick(2) == 0 {
				q.ReservedVerified = true
			} else {
				q.Reserved = true
			}
		case 3:
			q.TargetGroups = append(q.TargetGroups, directory.TargetGroups[pick(len(directory.TargetGroups))])
		case 4:
			q.Cooperation = append(q.Cooperation, directory.CooperationModes[pick(len(directory.CooperationModes))])
		case 5:
			q.Provinces = append(q.Provinces, o.municipality(some(s).Municipality).Province)
		case 6:
			q.Arrondissements = append(q.Arrondissements, o.municipality(some(s).Municipality).Arrondissement)
		case 7:
			q.Municipalities = append(q.Municipalities, some(s).Municipality)
		case 8:
			q.Fresh = true
		case 9:
			q.Tasks = append(q.Tasks, o.tasks.Tasks()[pick(len(o.tasks.Tasks()))].ID)
		case 10:
			q.TaskGroups = append(q.TaskGroups, o.tasks.Groups()[pick(len(o.tasks.Groups()))].ID)
		case 11:
			// Another supplier's place: some offers reach it, some do not.
			q.Serves = some(&sups[pick(len(sups))]).Municipality
		case 12:
			q.MinFTE = []float64{0.5, 1, 2, 3.5, 5, 10}[pick(6)]
		case 13:
			n := []int{0, 1, 2, 4, 8}[pick(5)]
			q.MaxLeadWeeks = &n
		case 14:
			q.AvailableBy = o.today.AddDays(pick(120))
		case 15:
			switch pick(3) {
			case 0:
				q.AtClientSite = true
			case 1:
				q.MinContractEUR = []float64{25000, 100000, 300000}[pick(3)]
			default:
				q.MinTransitClass = string(rune('A' + pick(6)))
			}
		case 16:
			q.Regions = append(q.Regions, o.municipality(some(s).Municipality).Region)
		case 17, 18:
			// A code of a task the supplier offers, with its check digit,
			// or the group of codes it belongs to, which finds more tasks.
			if len(s.Offers) == 0 {
				continue
			}
			task, _ := o.tasks.Task(s.Offers[pick(len(s.Offers))].Task)
			if len(task.CPV) == 0 {
				continue
			}
			q.CPV = task.CPV[pick(len(task.CPV))]
			if pick(2) == 0 {
				q.CPV = q.CPV[:3] + "00000"
			}
		}
	}
	if pick(5) == 0 {
		st := some(&sups[pick(len(sups))])
		switch pick(3) {
		case 0:
			q.Near = st.Postcode
		case 1:
			q.Near = st.Municipality
		default:
			q.Near = strconv.FormatFloat(st.Lat+(r.Float64()-0.5)/10, 'f', 5, 64) + "," + strconv.FormatFloat(st.Lon+(r.Float64()-0.5)/10, 'f', 5, 64)
		}
		q.RadiusKm = []float64{0, float64(5 + pick(40)), 2.5 + float64(pick(200))/10}[pick(3)]
	}
	q.Unclaimed = pick(4) == 0
	if pick(4) == 0 {
		st := some(&sups[pick(len(sups))])
		q.Reach = []string{st.Postcode, st.Municipality, strconv.FormatFloat(st.Lat+(r.Float64()-0.5)/50, 'f', 5, 64) + "," + strconv.FormatFloat(st.Lon, 'f', 5, 64)}[pick(3)]
		q.ArriveBy = []time.Duration{0, 6*time.Hour + 30*time.Minute, 7*time.Hour + 45*time.Minute}[pick(3)]
		q.MaxMinutes = []int{0, 20, 45, 90}[pick(4)]
	}
	return q, words
}

// randomText draws one or two words of supplier i's name and description,
// or half the time of all its searchable text (the names of its tasks,
// their CPV labels, its kind, its places), sometimes cut short (a word
// still being typed) or with a typo.
func (o *oracle) randomText(r *rand.Rand, i int) (string, []queryWord) {
	s := &o.sups[i]
	from := o.words[i].whole
	if r.IntN(2) == 0 {
		from = wordsOf([]string{s.Name, s.Description}).whole
	}
	var candidates []string
	for w := range from {
		if utf8.RuneCountInString(w) >= 4 && !stopWords[w] {
			candidates = append(candidates, w)
		}
	}
	if len(candidates) == 0 {
		return "", nil
	}
	slices.Sort(candidates) // the map's order is random; the draw must not be
	var words []queryWord
	for range 1 + r.IntN(2) {
		words = append(words, queryWord{form: stems(candidates[r.IntN(len(candidates))])})
	}
	last := &words[len(words)-1]
	switch r.IntN(4) {
	case 0:
		// Cut short, to at least four letters: a prefix that is not a
		// stop word, which might otherwise be dropped.
		if rs := []rune(last.plain); len(rs) > 4 {
			if cut := string(rs[:4+r.IntN(len(rs)-4)]); !stopWords[cut] {
				last.form = stems(cut)
			}
		}
	case 1:
		// A typo no supplier holds as typed.
		if rs := []rune(last.plain); len(rs) >= 5 {
			i := 1 + r.IntN(len(rs)-1)
			rs[i] = 'a' + rune(r.IntN(26))
			if w := string(rs); w != last.plain && !o.holds(w) && !stopWords[w] {
				last.form, last.typo = stems(w), true
			}
		}
	}
	plain := make([]string, len(words))
	for i, w := range words {
		plain[i] = w.plain
	}
	return strings.Join(plain, " "), words
}

// holds reports whether any supplier's text holds w in any form a
// tokenizer might make.
func (o *oracle) holds(w string) bool {
	for _, sw := range o.words {
		if slices.ContainsFunc(sw.loose, func(f form) bool { return f.plain == w }) {
			return true
		}
	}
	return false
}

func describe(q search.Query) string {
	var b strings.Builder
	add := func(name string, v any, set bool) {
		if set {
			fmt.Fprintf(&b, " %s=%v", name, v)
		}
	}
	add("q", strconv.Quote(q.Text), q.Text != "")
	add("kind", q.Kinds, len(q.Kinds) > 0)
	add("sector", q.Sector, q.Sector != "")
	add("reserved", q.Reserved, q.Reserved)
	add("reserved", "verified", q.ReservedVerified)
	add("target_group", q.TargetGroups, len(q.TargetGroups) > 0)
	add("cooperation", q.Cooperation, len(q.Cooperation) > 0)
	add("municipality", q.Municipalities, len(q.Municipalities) > 0)
	add("arrondissement", q.Arrondissements, len(q.Arrondissements) > 0)
	add("province", q.Provinces, len(q.Provinces) > 0)
	add("region", q.Regions, len(q.Regions) > 0)
	add("fresh", q.Fresh, q.Fresh)
	add("task", q.Tasks, len(q.Tasks) > 0)
	add("task_group", q.TaskGroups, len(q.TaskGroups) > 0)
	add("cpv", q.CPV, q.CPV != "")
	add("serves", q.Serves, q.Serves != "")
	add("min_fte", q.MinFTE, q.MinFTE > 0)
	if q.MaxLeadWeeks != nil {
		add("max_lead_weeks", *q.MaxLeadWeeks, true)
	}
	add("available_by", q.AvailableBy, !q.AvailableBy.IsZero())
	add("at_client_site", q.AtClientSite, q.AtClientSite)
	add("min_contract_eur", q.MinContractEUR, q.MinContractEUR > 0)
	add("min_transit_class", q.MinTransitClass, q.MinTransitClass != "")
	add("unclaimed", q.Unclaimed, q.Unclaimed)
	add("near", q.Near, q.Near != "")
	add("radius_km", q.RadiusKm, q.Near != "")
	add("reach", q.Reach, q.Reach != "")
	add("arrive_by", q.ArriveBy, q.Reach != "")
	add("max_minutes", q.MaxMinutes, q.Reach != "")
	add("sort", q.Sort, q.Sort != "")
	if b.Len() == 0 {
		return "(no filters)"
	}
	return strings.TrimSpace(b.String())
}
