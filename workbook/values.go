package workbook

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"planreport/templates"
)

// statusSynonyms are words units type instead of the status words, and what they mean.
var statusSynonyms = map[string]string{
	"完成": templates.StatusDone, "已完结": templates.StatusDone, "完结": templates.StatusDone, "已办结": templates.StatusDone,
	"办结": templates.StatusDone, "全部完成": templates.StatusDone, "已全部完成": templates.StatusDone,
	"进行中": templates.StatusOnTrack, "正在推进": templates.StatusOnTrack, "推进中": templates.StatusOnTrack,
	"正在进行": templates.StatusOnTrack, "按序推进": templates.StatusOnTrack, "序时": templates.StatusOnTrack,
	"按计划推进": templates.StatusOnTrack, "正常推进": templates.StatusOnTrack, "有序推进": templates.StatusOnTrack,
	"落后": templates.StatusBehind, "滞后推进": templates.StatusBehind, "进度滞后": templates.StatusBehind, "延期": templates.StatusBehind,
	"未开始": templates.StatusNotBegun, "尚未启动": templates.StatusNotBegun, "未开展": templates.StatusNotBegun, "暂未启动": templates.StatusNotBegun,
	"常态化": templates.StatusOngoing, "长期坚持": templates.StatusOngoing, "持续推进": templates.StatusOngoing, "常态推进": templates.StatusOngoing,
}

// normalizeStatus reads a status cell: the status word itself, or a synonym (synonym true).
func normalizeStatus(s string) (status string, synonym, ok bool) {
	for _, w := range templates.OngoingStatuses { // the word itself, as the drop-down gives it
		if s == w {
			return w, false, true
		}
	}
	s = strings.Join(strings.Fields(width.Narrow.String(s)), "")
	s = strings.Trim(s, "。.;；")
	for _, w := range templates.OngoingStatuses {
		if s == w {
			return w, false, true
		}
	}
	if w, found := statusSynonyms[s]; found {
		return w, true, true
	}
	return "", false, false
}

// parsePercent reads a progress cell as the unit meant it: 80, 80%, ８０％, or 0.8 (a fraction
// of one, normalized true). ok is false for anything that is not a whole number 0–100.
func parsePercent(s string) (n int, normalized, ok bool) {
	if n, ok := asciiPercent(s); ok { // 0–100 in ASCII digits, as most cells hold it
		if n > 100 {
			return 0, false, false
		}
		return n, false, true
	}
	s = strings.TrimSpace(width.Narrow.String(s))
	if s == "" {
		return 0, false, false
	}
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, false
	}
	if !pct && f > 0 && f < 1 {
		// 0.8: a fraction typed into a cell, or a percentage cell read without its format.
		f, normalized = f*100, true
	}
	if pct {
		normalized = true
	}
	r := math.Round(f)
	if math.Abs(f-r) > 1e-6 || r < 0 || r > 100 {
		return 0, false, false
	}
	return int(r), normalized, true
}

// placeholders are texts that say nothing.
var placeholders = map[string]bool{
	"无": true, "/": true, "／": true, "-": true, "—": true, "——": true, "同上": true, "暂无": true, "没有": true,
	"略": true, "见上": true, "同上期": true, "无。": true, "暂无。": true, "n/a": true, "na": true, "0": true, "x": true,
}

func isPlaceholder(s string) bool {
	return placeholders[strings.ToLower(strings.Join(strings.Fields(s), ""))]
}

// sameText reports whether two texts are the same once every white space character (as
// strings.Fields sees them) is removed. It allocates nothing: it runs for every locked cell.
func sameText(a, b string) bool {
	if a == b {
		return true
	}
	i, j := skipSpace(a, 0), skipSpace(b, 0)
	for i < len(a) && j < len(b) {
		_, n := utf8.DecodeRuneInString(a[i:])
		_, m := utf8.DecodeRuneInString(b[j:])
		if a[i:i+n] != b[j:j+m] {
			return false
		}
		i, j = skipSpace(a, i+n), skipSpace(b, j+m)
	}
	return i == len(a) && j == len(b)
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// asciiPercent reads 1 to 3 ASCII digits; ok is false for anything else.
func asciiPercent(s string) (n int, ok bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
