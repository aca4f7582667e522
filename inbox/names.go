package inbox

import (
	"encoding/base64"
	"io"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

// decodeCharset turns bytes in the named charset into UTF-8. It never fails: an unknown or
// missing charset, or bytes that are not what the label says, are read as UTF-8 when they are
// valid UTF-8 and as GB18030 (a superset of GB2312 and GBK) otherwise, which is what Chinese
// mail clients mean in practice.
func decodeCharset(charset string, b []byte) string {
	cs := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`))
	if i := strings.IndexByte(cs, '*'); i >= 0 { // RFC 2231 language suffix: "utf-8*zh-cn"
		cs = cs[:i]
	}
	var enc encoding.Encoding
	switch cs {
	case "", "us-ascii", "ascii", "utf-8", "utf8", "unknown", "unknown-8bit", "x-unknown", "default":
		return guessText(b)
	case "gb2312", "gbk", "gb18030", "cp936", "ms936", "windows-936", "x-gbk", "euc-cn", "x-euc-cn",
		"gb_2312-80", "csgb2312", "x-gb2312", "chinese", "csgbk", "cp-936":
		return gb18030String(b)
	case "hz-gb-2312", "hz":
		enc = simplifiedchinese.HZGB2312
	default:
		e, err := htmlindex.Get(cs)
		if err != nil {
			return guessText(b)
		}
		enc = e
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return guessText(b)
	}
	return string(out)
}

func guessText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return gb18030String(b)
}

func gb18030String(b []byte) string {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// toUTF8 reads a header value that may carry raw 8-bit bytes: UTF-8 as is, else GB18030.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return gb18030String([]byte(s))
}

// wordDecoder decodes RFC 2047 words in address headers, in any charset we know.
var wordDecoder = &mime.WordDecoder{
	CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		b, err := io.ReadAll(io.LimitReader(input, 1<<20))
		if err != nil {
			return nil, err
		}
		return strings.NewReader(decodeCharset(charset, b)), nil
	},
}

var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=`)

// decodeWords decodes the RFC 2047 encoded words in s. Unlike mime.WordDecoder, it joins the
// bytes of adjacent words in the same charset before converting them, because Outlook and
// Foxmail split long GB2312/GBK names in the middle of a character; and it is lenient about
// padding and stray spaces.
func decodeWords(s string) string {
	ms := encodedWord.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var out strings.Builder
	var pend []byte
	pendCS, pending := "", false
	flush := func() {
		if pending {
			out.WriteString(decodeCharset(pendCS, pend))
			pend, pending = pend[:0], false
		}
	}
	last := 0
	for _, m := range ms {
		between := s[last:m[0]]
		if !(pending && strings.TrimSpace(between) == "") {
			flush()
			out.WriteString(between)
		}
		last = m[1]
		cs, enc, payload := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		b, ok := decodeWordPayload(enc, payload)
		if !ok {
			flush()
			out.WriteString(s[m[0]:m[1]])
			continue
		}
		if pending && !strings.EqualFold(cs, pendCS) {
			flush()
		}
		pendCS, pending = cs, true
		pend = append(pend, b...)
	}
	flush()
	out.WriteString(s[last:])
	return out.String()
}

func decodeWordPayload(enc, payload string) ([]byte, bool) {
	if enc == "B" || enc == "b" {
		return lenientBase64([]byte(payload))
	}
	var out []byte
	for i := 0; i < len(payload); i++ {
		c := payload[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(payload) && isHex(payload[i+1]) && isHex(payload[i+2]):
			out = append(out, unhex(payload[i+1])<<4|unhex(payload[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, true
}

// lenientBase64 decodes base64 that may have line breaks, spaces, missing or extra padding,
// or URL-safe letters.
func lenientBase64(in []byte) ([]byte, bool) {
	clean := make([]byte, 0, len(in))
	for _, c := range in {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-':
			clean = append(clean, '+')
		case c == '_':
			clean = append(clean, '/')
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return out[:n], false
	}
	return out[:n], true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// parseParams parses a Content-Type or Content-Disposition value leniently: raw GBK or UTF-8
// bytes, unquoted non-ASCII values, RFC 2047 words inside quoted values, RFC 2231 extended
// values in any charset, and RFC 2231 continuations (encoded and plain sections mixed). It
// returns the lower-case value and the decoded parameters under lower-case names.
// mime.ParseMediaType rejects most of these, and decodes RFC 2231 only in UTF-8 and ASCII.
func parseParams(v string) (string, map[string]string) {
	v = toUTF8(v)
	i := strings.IndexByte(v, ';')
	if i < 0 {
		i = len(v)
	}
	value := strings.ToLower(strings.TrimSpace(v[:i]))
	raw := map[string]string{}
	rest := v[i:]
	for {
		rest = strings.TrimLeft(rest, "; \t\r\n")
		if rest == "" {
			break
		}
		j := strings.IndexAny(rest, "=;")
		if j < 0 {
			break
		}
		if rest[j] == ';' {
			rest = rest[j:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(rest[:j]))
		rest = strings.TrimLeft(rest[j+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = readQuoted(rest[1:])
		} else {
			k := strings.IndexByte(rest, ';')
			if k < 0 {
				k = len(rest)
			}
			val, rest = strings.TrimSpace(rest[:k]), rest[k:]
		}
		if _, dup := raw[key]; key != "" && !dup {
			raw[key] = val
		}
	}
	return value, assembleParams(raw)
}

// readQuoted reads a quoted string whose opening quote is already consumed. A backslash
// escapes only a quote or a backslash, so that Windows paths survive.
func readQuoted(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func assembleParams(raw map[string]string) map[string]string {
	out := make(map[string]string, len(raw))
	for key := range raw {
		base, _, _ := strings.Cut(key, "*")
		if _, done := out[base]; done || base == "" {
			continue
		}
		if v, ok := raw[base+"*"]; ok {
			if s := decode2231(v); s != "" {
				out[base] = s
				continue
			}
		}
		_, enc0 := raw[base+"*0*"]
		_, plain0 := raw[base+"*0"]
		if enc0 || plain0 {
			if s := continuation(raw, base); s != "" {
				out[base] = s
				continue
			}
		}
		if v, ok := raw[base]; ok {
			out[base] = decodeWords(v)
		}
	}
	return out
}

// decode2231 decodes charset'language'percent-encoded.
func decode2231(v string) string {
	cs, data := "", v
	if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
		cs, data = parts[0], parts[2]
	}
	return decodeCharset(cs, percentDecode(data))
}

// continuation joins name*0*, name*1, name*2* … Encoded sections are joined as bytes before
// their charset is applied, since clients split in the middle of a character.
func continuation(raw map[string]string, base string) string {
	var out strings.Builder
	var pend []byte
	cs := ""
	for i := 0; i < 1000; i++ {
		n := strconv.Itoa(i)
		if v, ok := raw[base+"*"+n+"*"]; ok {
			if i == 0 {
				if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
					cs, v = parts[0], parts[2]
				}
			}
			pend = append(pend, percentDecode(v)...)
			continue
		}
		v, ok := raw[base+"*"+n]
		if !ok {
			break
		}
		if len(pend) > 0 {
			out.WriteString(decodeCharset(cs, pend))
			pend = pend[:0]
		}
		out.WriteString(v)
	}
	if len(pend) > 0 {
		out.WriteString(decodeCharset(cs, pend))
	}
	return out.String()
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// cleanName makes a decoded name safe to show and to use as a file's own name: the last path
// element only, no control or bidirectional-override characters, NFC, at most 200 characters
// (the extension kept). It returns "" when nothing is left.
func cleanName(s string) string {
	s = toUTF8(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
			return -1
		}
		return r
	}, s)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if s == "." || s == ".." {
		return ""
	}
	if utf8.RuneCountInString(s) > 200 {
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i >= 0 && utf8.RuneCountInString(s[i:]) <= 10 {
			ext = s[i:]
		}
		rs := []rune(strings.TrimSuffix(s, ext))
		s = string(rs[:200-utf8.RuneCountInString(ext)]) + ext
	}
	return s
}

// cleanPath makes an archive entry's full path fit for a sentence: controls removed, forward
// slashes.
func cleanPath(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
			return -1
		case r == '\\':
			return '/'
		}
		return r
	}, toUTF8(s))
	return norm.NFC.String(s)
}
