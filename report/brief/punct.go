package brief

import "unicode"

// Punctuate returns Chinese text with the punctuation Chinese prose uses: a plan's or a
// unit's ASCII punctuation next to a Chinese character is made full-width (, ; : ? ! and
// parentheses), 「」 and 『』 become “” and ‘’, and straight double quotes around Chinese
// become “”. Numbers, dates, times and Latin words keep theirs: 1,000, 10:30, 2023-12-31,
// (PDF) inside Latin text.
func Punctuate(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	// prev returns the last rune written that is not a space; next the next rune of the
	// input after i that is not a space.
	prev := func() rune {
		for j := len(out) - 1; j >= 0; j-- {
			if out[j] != ' ' {
				return out[j]
			}
		}
		return 0
	}
	next := func(i int) rune {
		for j := i + 1; j < len(rs); j++ {
			if rs[j] != ' ' {
				return rs[j]
			}
		}
		return 0
	}
	trimSpace := func() {
		for len(out) > 0 && out[len(out)-1] == ' ' {
			out = out[:len(out)-1]
		}
	}
	skipSpaces := func(i int) int {
		for i+1 < len(rs) && rs[i+1] == ' ' {
			i++
		}
		return i
	}
	var opened []bool // for each open parenthesis, whether it was made full-width
	quoteOpen := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case ',', ';', ':', '?', '!':
			p, n := prev(), next(i)
			if wide(p) || (wide(n) && !(isDigit(p) && isDigit(n))) {
				trimSpace()
				out = append(out, fullWidth[r])
				i = skipSpaces(i)
				continue
			}
		case '(':
			full := wide(prev()) || wide(next(i)) || wideUntilClose(rs[i+1:])
			opened = append(opened, full)
			if full {
				trimSpace()
				out = append(out, '（')
				i = skipSpaces(i)
				continue
			}
		case ')':
			full := wide(prev())
			if len(opened) > 0 {
				full = opened[len(opened)-1]
				opened = opened[:len(opened)-1]
			}
			if full {
				trimSpace()
				out = append(out, '）')
				i = skipSpaces(i)
				continue
			}
		case '「':
			r = '“'
		case '」':
			r = '”'
		case '『':
			r = '‘'
		case '』':
			r = '’'
		case '"':
			if !quoteOpen && wideUntilQuote(rs[i+1:]) {
				quoteOpen = true
				r = '“'
			} else if quoteOpen {
				quoteOpen = false
				r = '”'
			}
		}
		out = append(out, r)
	}
	return string(out)
}

var fullWidth = map[rune]rune{',': '，', ';': '；', ':': '：', '?': '？', '!': '！'}

// wide reports whether r is a Chinese character or Chinese punctuation: the text around it is
// Chinese.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// wideUntilClose reports whether the text up to the closing parenthesis has a Chinese
// character: (党组) is Chinese, (PDF) is not.
func wideUntilClose(rs []rune) bool {
	for _, r := range rs {
		if r == ')' {
			return false
		}
		if wide(r) {
			return true
		}
	}
	return false
}

// wideUntilQuote reports whether the text up to the next straight quote has a Chinese
// character and there is such a quote.
func wideUntilQuote(rs []rune) bool {
	has := false
	for _, r := range rs {
		if r == '"' {
			return has
		}
		if wide(r) {
			has = true
		}
	}
	return false
}
