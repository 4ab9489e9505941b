package market

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/fuzzy"
)

// The task matcher: a purchasing plan's free-text description ("schoonmak
// kantoren", "entretien des espaces verts") to the task types of the
// taxonomy, with a score. The search engine's text index holds suppliers,
// not tasks, so the matcher scores the taxonomy itself: every task's name
// and the labels of its CPV codes, in Dutch, French and English, as
// normalised words (lower case, accents folded, a few plural endings cut),
// with a typo tolerance and Dutch compounds read as their parts.

// TaskMatch is a task a description may mean, with a score from 0 to 1.
type TaskMatch struct {
	Task  string  `json:"task"`
	Score float64 `json:"score"`
}

// Matcher scores descriptions against the taxonomy. It is read-only after
// NewMatcher and safe for concurrent use.
type Matcher struct {
	tasks []matcherTask
	vocab []string       // every word of every task
	index map[string]int // a word's place in vocab
	// df counts the tasks a word occurs in: a word every cleaning task
	// shares says less than one only office cleaning has.
	df map[string]int
}

// matcherTask holds a task's words by their place in the vocabulary:
// from its name (weight 1) and from its CPV labels (less: they are
// broader, and shared by several tasks).
type matcherTask struct {
	id    string
	words map[int]float64
}

// Weights of where a word comes from.
const (
	nameWeight = 1.0
	cpvWeight  = 0.7
)

// NewMatcher builds a matcher over the taxonomy.
func NewMatcher(tx *data.Taxonomy) *Matcher {
	m := &Matcher{index: map[string]int{}, df: map[string]int{}}
	word := func(w string) int {
		i, ok := m.index[w]
		if !ok {
			i = len(m.vocab)
			m.index[w] = i
			m.vocab = append(m.vocab, w)
		}
		return i
	}
	for _, t := range tx.Tasks() {
		mt := matcherTask{id: t.ID, words: map[int]float64{}}
		// Its names and the other words buyers use for it count alike.
		for _, label := range append([]string{t.Name.NL, t.Name.FR, t.Name.EN}, t.Also...) {
			for _, w := range Words(label) {
				mt.words[word(w)] = nameWeight
			}
		}
		for _, code := range t.CPV {
			c, ok := tx.CPV(code)
			if !ok {
				continue
			}
			for _, label := range []string{c.Label.NL, c.Label.FR, c.Label.EN} {
				for _, w := range Words(label) {
					if i := word(w); mt.words[i] < cpvWeight {
						mt.words[i] = cpvWeight
					}
				}
			}
		}
		for i := range mt.words {
			m.df[m.vocab[i]]++
		}
		m.tasks = append(m.tasks, mt)
	}
	return m
}

// Match returns the tasks a description may mean, best first, at most
// limit, each with a score above 0. The score is the share of the
// description's words (weighted by how telling each is) found among the
// task's words, each found word counted by how closely it matched: 1 for
// the same word in the task's name, less for a typo, a compound's part or
// a word of a CPV label only. Equal scores keep the taxonomy's order, so
// the general task of a group comes first.
func (m *Matcher) Match(description string, limit int) []TaskMatch {
	query := Words(description)
	if len(query) == 0 {
		return nil
	}
	got := make([]float64, len(m.tasks))
	var total float64
	for _, q := range query {
		w := m.weight(q)
		total += w
		best := m.wordScores(q)
		for t, s := range best {
			got[t] += w * s
		}
	}
	var out []TaskMatch
	for t, g := range got {
		if g > 0 {
			out = append(out, TaskMatch{Task: m.tasks[t].id, Score: math.Round(g/total*100) / 100})
		}
	}
	// A stable sort keeps the taxonomy's order among equal scores.
	slices.SortStableFunc(out, func(a, b TaskMatch) int { return cmp.Compare(b.Score, a.Score) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// wordScores is, per task, how well one query word matches it: its best
// match among the task's words, or, for a compound the vocabulary does not
// hold ("kantoorschoonmaak"), the mean of its two parts' best matches.
func (m *Matcher) wordScores(q string) []float64 {
	out := m.partScores(q)
	if _, known := m.index[q]; known || len(q) < 8 {
		return out
	}
	for i := 4; i <= len(q)-4; i++ {
		head := m.partScores(q[:i])
		for _, tail := range []string{q[i:], strings.TrimLeft(q[i:i+1], "se") + q[i+1:]} {
			if len(tail) < 4 {
				continue
			}
			ts := m.partScores(tail)
			for t := range out {
				if s := (head[t] + ts[t]) / 2; s > out[t] {
					out[t] = s
				}
			}
		}
	}
	return out
}

// partScores is, per task, the best similarity of q to one of its words.
func (m *Matcher) partScores(q string) []float64 {
	sims := map[int]float64{}
	if i, ok := m.index[q]; ok {
		sims[i] = 1
	}
	for i, w := range m.vocab {
		if _, done := sims[i]; !done {
			if s := similarity(q, w); s > 0 {
				sims[i] = s
			}
		}
	}
	out := make([]float64, len(m.tasks))
	for t, task := range m.tasks {
		for i, s := range sims {
			if from, ok := task.words[i]; ok && s*from > out[t] {
				out[t] = s * from
			}
		}
	}
	return out
}

// weight is how telling a query word is: a word no task has still counts
// fully (it is what the description is about, and unknown to us), one
// that many tasks share counts less.
func (m *Matcher) weight(q string) float64 {
	n := m.df[q]
	if n <= 1 {
		return 1
	}
	return 1 / (1 + math.Log(float64(n)))
}

// similarity is how closely a query word matches a task's word: 1 for
// the same word; for a word long enough to tell, 0.85 for one typo
// (a letter wrong, missing, extra or two swapped), 0.7 for two typos in a
// long word; 0.75 when one is a part of the other (a Dutch compound:
// "kantoorschoonmaak" holds "schoonmaak"); 0.7 for a shared stem
// ("kantoor", "kantoren").
func similarity(q, w string) float64 {
	if q == w {
		return 1
	}
	lq, lw := len(q), len(w)
	short := min(lq, lw)
	if short < 4 {
		return 0
	}
	best := 0.0
	if d := fuzzy.Distance(q, w, 2, true); d == 1 && short >= 4 {
		best = 0.85
	} else if d == 2 && short >= 8 {
		best = 0.7
	}
	if short >= 5 && (strings.Contains(q, w) || strings.Contains(w, q)) {
		best = max(best, 0.5+0.3*float64(short)/float64(max(lq, lw)))
	}
	if p := commonPrefix(q, w); p >= 5 && float64(p) >= 0.7*float64(short) {
		best = max(best, 0.7)
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// stopWords are the small words of Dutch, French and English that say
// nothing of the task.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`de het een en van voor in op met aan of te door bij om tot als per
		le la les l d des du de un une et ou pour en au aux sur par avec a
		the of and for in on with to an or by at services service diensten dienst
		werken travaux work works`) {
		stopWords[w] = true
	}
}

// Words returns the telling words of a text, normalised: lower case,
// accents folded, split at anything that is not a letter or digit,
// without stop words, and with a few plural endings cut ("bureaux",
// "kantoren" stay themselves; "espaces" becomes "espace", "verts" "vert").
func Words(text string) []string {
	var out []string
	for _, w := range strings.Fields(data.FoldName(text)) {
		if stopWords[w] || len(w) < 2 {
			continue
		}
		w = stem(w)
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// stem cuts a trailing "s" of a word of five letters or more (French and
// English plurals: "espaces", "buildings", "bureaus"), but not "ss".
func stem(w string) string {
	if len(w) >= 5 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return w[:len(w)-1]
	}
	return w
}
