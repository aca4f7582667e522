package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DeadlineKind says how a task's deadline text reads.
type DeadlineKind string

// The deadline kinds.
const (
	KindYear      DeadlineKind = "year"      // 2023年, 2025年底前: due at the year's end
	KindDate      DeadlineKind = "date"      // 2024年6月底前, 2024年9月30日前, 2024年3月
	KindOngoing   DeadlineKind = "ongoing"   // 长期坚持, 持续推进: never overdue
	KindRecurring DeadlineKind = "recurring" // 每年12月底前: due again every period
	KindNone      DeadlineKind = "none"      // no deadline, or text we cannot read
)

// kindNames are the Chinese names the ledger shows for each kind.
var kindNames = []struct {
	kind DeadlineKind
	name string
}{
	{KindYear, "年度"},
	{KindDate, "日期"},
	{KindOngoing, "长期"},
	{KindRecurring, "定期"},
	{KindNone, "无"},
}

// ChineseName returns the kind as the ledger shows it (年度, 日期, 长期, 定期, 无).
func (k DeadlineKind) ChineseName() string {
	for _, kn := range kindNames {
		if kn.kind == k {
			return kn.name
		}
	}
	return "无"
}

// kindFromChinese reads a kind from the ledger's Chinese name or its English code.
func kindFromChinese(s string) (DeadlineKind, bool) {
	s = strings.TrimSpace(s)
	for _, kn := range kindNames {
		if s == kn.name || s == string(kn.kind) {
			return kn.kind, true
		}
	}
	return "", false
}

// Deadline is a task's deadline: the plan's own words, how they read, and the due date.
type Deadline struct {
	Text string       // as the plan writes it, e.g. "2023 年"
	Kind DeadlineKind //
	Due  string       // YYYY-MM-DD for the year and date kinds, else ""
}

var (
	reYearRange = lazyRegexp(`(\d{4})\s*年?\s*[-—–~～至到]\s*(\d{4})\s*年`)
	reYMD       = lazyRegexp(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	reYM        = lazyRegexp(`(\d{4})\s*年\s*(\d{1,2})\s*月`)
	reYHalf     = lazyRegexp(`(\d{4})\s*年\s*(上半年|下半年|年中|年底|年末)`)
	reYQuarter  = lazyRegexp(`(\d{4})\s*年\s*(?:第)?\s*([一二三四1-4])\s*季度`)
	reYear      = lazyRegexp(`(\d{4})\s*年`)
	reISODate   = lazyRegexp(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	reRecurring = lazyRegexp(`每年|每季度|每月|每半年|定期|每学期`)
	reFrom      = lazyRegexp(`\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*(?:起|开始|以来|以后)`)
	reOngoing   = lazyRegexp(`长期坚持|持续推进|长期|持续|常态化|逐年推进`)
)

// ParseDeadline reads a deadline text. Full-width digits and stray spaces are accepted. When the
// text names several dates the first one is the deadline.
func ParseDeadline(text string) Deadline {
	text = strings.TrimSpace(text)
	d := Deadline{Text: text, Kind: KindNone}
	s := toHalfWidthDigits(text)
	if s == "" {
		return d
	}
	if reRecurring.MatchString(s) && !reYear.MatchString(s) {
		d.Kind = KindRecurring
		return d
	}
	if reFrom.MatchString(s) {
		// 2024年起每年12月底前: recurring from then on; 自2024年起长期坚持: ongoing.
		if reRecurring.MatchString(s) {
			d.Kind = KindRecurring
			return d
		}
		if !strings.Contains(s, "前") {
			d.Kind = KindOngoing
			return d
		}
	}
	type candidate struct {
		at   int
		kind DeadlineKind
		due  string
	}
	var best *candidate
	consider := func(at int, kind DeadlineKind, due string) {
		if due == "" {
			return
		}
		if best == nil || at < best.at {
			best = &candidate{at, kind, due}
		}
	}
	if m := reYearRange.FindStringSubmatchIndex(s); m != nil {
		consider(m[0], KindYear, yearEnd(s[m[4]:m[5]]))
	}
	if m := reYMD.FindStringSubmatchIndex(s); m != nil {
		consider(m[0], KindDate, date(s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]))
	}
	if m := reYM.FindStringSubmatchIndex(s); m != nil {
		consider(m[0], KindDate, monthEnd(s[m[2]:m[3]], s[m[4]:m[5]]))
	}
	if m := reYQuarter.FindStringSubmatchIndex(s); m != nil {
		q := strings.Index("一二三四", s[m[4]:m[5]])/len("一") + 1
		if n, err := strconv.Atoi(s[m[4]:m[5]]); err == nil {
			q = n
		}
		consider(m[0], KindDate, monthEnd(s[m[2]:m[3]], strconv.Itoa(q*3)))
	}
	if m := reYHalf.FindStringSubmatchIndex(s); m != nil {
		switch s[m[4]:m[5]] {
		case "上半年", "年中":
			consider(m[0], KindDate, monthEnd(s[m[2]:m[3]], "6"))
		default:
			consider(m[0], KindYear, yearEnd(s[m[2]:m[3]]))
		}
	}
	if m := reYear.FindStringSubmatchIndex(s); m != nil {
		consider(m[0], KindYear, yearEnd(s[m[2]:m[3]]))
	}
	if m := reISODate.FindStringSubmatch(s); m != nil {
		consider(0, KindDate, date(m[1], m[2], m[3]))
	}
	if best != nil {
		d.Kind, d.Due = best.kind, best.due
		return d
	}
	if reRecurring.MatchString(s) {
		d.Kind = KindRecurring
		return d
	}
	if reOngoing.MatchString(s) {
		d.Kind = KindOngoing
	}
	return d
}

// ParseDate reads a date as an office may type it in a ledger cell: 2024-06-30, 2024/6/30,
// 2024年6月30日, or a spreadsheet serial number (45473). It returns YYYY-MM-DD.
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(toHalfWidthDigits(s))
	if s == "" {
		return "", nil
	}
	if m := reISODate.FindStringSubmatch(s); m != nil {
		if d := date(m[1], m[2], m[3]); d != "" {
			return d, nil
		}
	}
	if m := reYMD.FindStringSubmatch(s); m != nil && m[0] == strings.TrimSuffix(s, "前") {
		if d := date(m[1], m[2], m[3]); d != "" {
			return d, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 {
		// Excel's 1900 date system: serial 1 is 1900-01-01, with the phantom 1900-02-29;
		// counting from 1899-12-30 is right for every serial after February 1900.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
		return t.Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("不是日期：%q", s)
}

func yearEnd(y string) string { return date(y, "12", "31") }

func monthEnd(y, m string) string {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || mi < 1 || mi > 12 || yi < 1900 || yi > 2999 {
		return ""
	}
	return time.Date(yi, time.Month(mi)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

func date(y, m, d string) string {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	di, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || yi < 1900 || yi > 2999 {
		return ""
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(mi) || t.Day() != di {
		return ""
	}
	return t.Format("2006-01-02")
}

// toHalfWidthDigits turns full-width digits and the full-width hyphen into ASCII.
func toHalfWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		}
		return r
	}, s)
}
