package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// PeriodKind is a reporting period's length.
type PeriodKind string

// The period kinds.
const (
	Monthly   PeriodKind = "month"
	Quarterly PeriodKind = "quarter"
	HalfYear  PeriodKind = "half"
	Annual    PeriodKind = "year"
)

// Period is one reporting period: 2024Q1, 2024H2, 2024 (annual) or 2024-03 (monthly).
type Period struct {
	Kind PeriodKind
	Year int
	N    int // month 1–12, quarter 1–4 or half 1–2; 0 for a year
}

var rePeriod = lazyRegexp(`^(\d{4})(?:[Qq]([1-4])|[Hh]([12])|-(\d{1,2}))?$`)

// ParsePeriod reads a period code: 2024Q1, 2024H2, 2024, 2024-03. Chinese names as
// Period.Chinese prints them (2024年第一季度) are accepted too.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(width.Narrow.String(s)) // ２０２４Ｑ１ typed with a Chinese IME
	// 2023-Q4, 2023 Q4, 2023/Q4: the separators people put between year and period.
	if m := reSeparated.FindStringSubmatch(s); m != nil {
		s = m[1] + m[2]
	}
	if p, ok := parseChinesePeriod(s); ok {
		return p, nil
	}
	m := rePeriod.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("报送周期“%s”无法识别。请写成 2024Q1（季度）、2024H2（半年）、2024（全年）或 2024-03（月度），也可写成 2024年第一季度、2024年上半年、2024年3月", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2099 {
		return Period{}, fmt.Errorf("报送周期“%s”的年份超出范围（2000–2099）", s)
	}
	switch {
	case m[2] != "":
		n, _ := strconv.Atoi(m[2])
		return Period{Quarterly, y, n}, nil
	case m[3] != "":
		n, _ := strconv.Atoi(m[3])
		return Period{HalfYear, y, n}, nil
	case m[4] != "":
		n, _ := strconv.Atoi(m[4])
		if n < 1 || n > 12 {
			return Period{}, fmt.Errorf("报送周期“%s”的月份应为 01–12", s)
		}
		return Period{Monthly, y, n}, nil
	}
	return Period{Annual, y, 0}, nil
}

var chineseOrdinals = []string{"", "一", "二", "三", "四"}

// reSeparated matches a year and a period code with a separator between: 2023-Q4, 2023 H1.
var reSeparated = lazyRegexp(`^(\d{4})\s*[-/_.\s]\s*([QqHh][1-4])$`)

func parseChinesePeriod(s string) (Period, bool) {
	s = strings.Replace(s, "上半年", "年上半年", 1)
	s = strings.Replace(s, "下半年", "年下半年", 1)
	s = strings.Replace(s, "年年", "年", 1) // 2024上半年 and 2024年上半年 alike
	for y := 2000; y <= 2099; y++ {
		prefix := strconv.Itoa(y) + "年"
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(s, prefix))
		switch rest {
		case "", "全年", "度", "年度":
			return Period{Annual, y, 0}, true
		case "上半年":
			return Period{HalfYear, y, 1}, true
		case "下半年":
			return Period{HalfYear, y, 2}, true
		}
		for q := 1; q <= 4; q++ {
			if n := strconv.Itoa(q); rest == "第"+chineseOrdinals[q]+"季度" || rest == chineseOrdinals[q]+"季度" ||
				rest == "第"+n+"季度" || rest == n+"季度" {
				return Period{Quarterly, y, q}, true
			}
		}
		if m, err := strconv.Atoi(strings.TrimSuffix(rest, "月")); err == nil && strings.HasSuffix(rest, "月") && m >= 1 && m <= 12 {
			return Period{Monthly, y, m}, true
		}
		return Period{}, false
	}
	return Period{}, false
}

// String returns the period's code, as used in folder and file names: 2024Q1, 2024H2, 2024,
// 2024-03.
func (p Period) String() string {
	switch p.Kind {
	case Quarterly:
		return fmt.Sprintf("%dQ%d", p.Year, p.N)
	case HalfYear:
		return fmt.Sprintf("%dH%d", p.Year, p.N)
	case Monthly:
		return fmt.Sprintf("%d-%02d", p.Year, p.N)
	}
	return strconv.Itoa(p.Year)
}

// Chinese returns the period as users read it: 2024年第一季度, 2024年下半年, 2024年, 2024年3月.
func (p Period) Chinese() string {
	switch p.Kind {
	case Quarterly:
		return fmt.Sprintf("%d年第%s季度", p.Year, chineseOrdinals[p.N])
	case HalfYear:
		if p.N == 1 {
			return fmt.Sprintf("%d年上半年", p.Year)
		}
		return fmt.Sprintf("%d年下半年", p.Year)
	case Monthly:
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	}
	return fmt.Sprintf("%d年", p.Year)
}

// months returns the period's first month and its length in months.
func (p Period) months() (first, n int) {
	switch p.Kind {
	case Quarterly:
		return (p.N-1)*3 + 1, 3
	case HalfYear:
		return (p.N-1)*6 + 1, 6
	case Monthly:
		return p.N, 1
	}
	return 1, 12
}

// Start returns the period's first day.
func (p Period) Start() time.Time {
	first, _ := p.months()
	return time.Date(p.Year, time.Month(first), 1, 0, 0, 0, 0, time.UTC)
}

// End returns the period's last day.
func (p Period) End() time.Time {
	first, n := p.months()
	return time.Date(p.Year, time.Month(first+n), 0, 0, 0, 0, 0, time.UTC)
}

// Previous returns the period of the same length just before p.
func (p Period) Previous() Period {
	switch p.Kind {
	case Annual:
		return Period{Annual, p.Year - 1, 0}
	}
	_, n := p.months()
	count := 12 / n
	if p.N > 1 {
		return Period{p.Kind, p.Year, p.N - 1}
	}
	return Period{p.Kind, p.Year - 1, count}
}

// Next returns the period of the same length just after p.
func (p Period) Next() Period {
	switch p.Kind {
	case Annual:
		return Period{Annual, p.Year + 1, 0}
	}
	_, n := p.months()
	if p.N < 12/n {
		return Period{p.Kind, p.Year, p.N + 1}
	}
	return Period{p.Kind, p.Year + 1, 1}
}

// Overdue reports whether a task's deadline has passed by the end of period p: its due date
// is on or before the period's last day. Ongoing and recurring tasks are never overdue.
func (d Deadline) Overdue(p Period) bool {
	if d.Due == "" || (d.Kind != KindYear && d.Kind != KindDate) {
		return false
	}
	return d.Due <= p.End().Format("2006-01-02")
}
