package catalogue

import "github.com/blevesearch/bleve/v2/analysis"

// Highlighting splits the names and descriptions of a page's twenty hits
// into words as the index's analyzers do, and so do the bulk documents of a
// rebuild. Bleve's Unicode tokenizer (UAX #29 word boundaries, with a table
// per rune) and its folding char filter, which copies every text, were
// most of the cost of highlighting a page.
// Most texts are ASCII, which folds to itself, and whose word boundaries
// come down to a few rules: those are here, and TestASCIIWordsAsBleve
// holds them to Bleve's own on random and real texts.

// isASCII reports whether text holds only ASCII.
func isASCII[T string | []byte](text T) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return false
		}
	}
	return true
}

// The word-break classes of ASCII that matter (UAX #29): the rest break.
const (
	asciiOther = iota
	asciiLetter
	asciiDigit
	asciiJoiner    // "_" (ExtendNumLet): joins letters and digits
	asciiMidLetter // ":" between letters
	asciiMidNum    // "," and ";" between digits
	asciiMidNumLet // "." and "'" between letters or between digits
)

// asciiClasses holds the class of every ASCII byte.
var asciiClasses = func() (t [128]uint8) {
	for b := range t {
		switch {
		case 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
			t[b] = asciiLetter
		case '0' <= b && b <= '9':
			t[b] = asciiDigit
		}
	}
	t['_'] = asciiJoiner
	t[':'] = asciiMidLetter
	t[','], t[';'] = asciiMidNum, asciiMidNum
	t['.'], t['\''] = asciiMidNumLet, asciiMidNumLet
	return t
}()

func asciiClass(b byte) int { return int(asciiClasses[b&0x7f]) }

// asciiWords calls word with the start and end of each word of an ASCII
// text, as Bleve's Unicode tokenizer finds them: runs of letters, digits
// and "_", joined over one ":", "." or "'" between two letters and over
// one ",", ";", "." or "'" between two digits.
func asciiWords[T string | []byte](text T, word func(start, end int)) {
	inWord := func(c int) bool { return c == asciiLetter || c == asciiDigit || c == asciiJoiner }
	for i := 0; i < len(text); {
		if !inWord(asciiClass(text[i])) {
			i++
			continue
		}
		start := i
		for i < len(text) {
			cur := asciiClass(text[i])
			if i+1 < len(text) && inWord(asciiClass(text[i+1])) {
				i++
				continue
			}
			if i+2 < len(text) {
				mid, after := asciiClass(text[i+1]), asciiClass(text[i+2])
				overLetters := cur == asciiLetter && after == asciiLetter && (mid == asciiMidLetter || mid == asciiMidNumLet)
				overDigits := cur == asciiDigit && after == asciiDigit && (mid == asciiMidNum || mid == asciiMidNumLet)
				if overLetters || overDigits {
					i += 2
					continue
				}
			}
			i++
			break
		}
		word(start, i)
	}
}

// lowerASCII appends the ASCII word lower-cased to buf.
func lowerASCII(buf []byte, word string) []byte {
	for i := 0; i < len(word); i++ {
		b := word[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf = append(buf, b)
	}
	return buf
}

// asciiTokens splits an ASCII text into tokens as the text analyzers' char
// filter and tokenizer do (textSplitter), numbered from 1, with the type
// Bleve's tokenizer gives: numeric for a word with digits and no letter,
// alphanumeric for the others.
func asciiTokens(text []byte) analysis.TokenStream {
	var slab []analysis.Token
	asciiWords(text, func(start, end int) {
		letters, digits := false, false
		for _, b := range text[start:end] {
			letters = letters || asciiClass(b) == asciiLetter
			digits = digits || asciiClass(b) == asciiDigit
		}
		typ := analysis.AlphaNumeric
		if digits && !letters {
			typ = analysis.Numeric
		}
		slab = append(slab, analysis.Token{Term: text[start:end], Start: start, End: end, Position: len(slab) + 1, Type: typ})
	})
	tokens := make(analysis.TokenStream, len(slab))
	for i := range slab {
		tokens[i] = &slab[i]
	}
	return tokens
}
