package catalogue

// Highlighting splits the names and descriptions of a page's twenty hits
// into words as the index's analyzers do. Bleve's Unicode tokenizer (UAX
// #29 word boundaries, with a table per rune) and its folding char filter,
// which copies every text, were most of the cost of highlighting a page.
// Most texts are ASCII, which folds to itself, and whose word boundaries
// come down to a few rules: those are here, and TestASCIIWordsAsBleve
// holds them to Bleve's own on random and real texts.

// isASCII reports whether text holds only ASCII.
func isASCII(text string) bool {
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
func asciiWords(text string, word func(start, end int)) {
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
