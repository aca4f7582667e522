package plan

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in, code, chinese, start, end, prev, next string
	}{
		{"2024Q1", "2024Q1", "2024年第一季度", "2024-01-01", "2024-03-31", "2023Q4", "2024Q2"},
		{"2023q4", "2023Q4", "2023年第四季度", "2023-10-01", "2023-12-31", "2023Q3", "2024Q1"},
		{"2024H2", "2024H2", "2024年下半年", "2024-07-01", "2024-12-31", "2024H1", "2025H1"},
		{"2024H1", "2024H1", "2024年上半年", "2024-01-01", "2024-06-30", "2023H2", "2024H2"},
		{"2024", "2024", "2024年", "2024-01-01", "2024-12-31", "2023", "2025"},
		{"2024-03", "2024-03", "2024年3月", "2024-03-01", "2024-03-31", "2024-02", "2024-04"},
		{"2024-2", "2024-02", "2024年2月", "2024-02-01", "2024-02-29", "2024-01", "2024-03"},
		{"2024-01", "2024-01", "2024年1月", "2024-01-01", "2024-01-31", "2023-12", "2024-02"},
		{"2024-12", "2024-12", "2024年12月", "2024-12-01", "2024-12-31", "2024-11", "2025-01"},
		{"２０２４Ｑ１", "2024Q1", "2024年第一季度", "2024-01-01", "2024-03-31", "2023Q4", "2024Q2"}, // typed with a Chinese IME
		{"2024年第一季度", "2024Q1", "2024年第一季度", "2024-01-01", "2024-03-31", "2023Q4", "2024Q2"},
		{"2024年下半年", "2024H2", "2024年下半年", "2024-07-01", "2024-12-31", "2024H1", "2025H1"},
		{"2024年3月", "2024-03", "2024年3月", "2024-03-01", "2024-03-31", "2024-02", "2024-04"},
		{"2024年", "2024", "2024年", "2024-01-01", "2024-12-31", "2023", "2025"},
		{"2023年第4季度", "2023Q4", "2023年第四季度", "2023-10-01", "2023-12-31", "2023Q3", "2024Q1"},
		{"2023-Q4", "2023Q4", "2023年第四季度", "2023-10-01", "2023-12-31", "2023Q3", "2024Q1"},
		{"2023 Q4", "2023Q4", "2023年第四季度", "2023-10-01", "2023-12-31", "2023Q3", "2024Q1"},
		{"2024上半年", "2024H1", "2024年上半年", "2024-01-01", "2024-06-30", "2023H2", "2024H2"},
		{"2024年 第一季度", "2024Q1", "2024年第一季度", "2024-01-01", "2024-03-31", "2023Q4", "2024Q2"},
		{"2024Q5", "", "", "", "", "", ""},
		{"2024-Q5", "", "", "", "", "", ""},
		{"2024年第5季度", "", "", "", "", "", ""},
		{"2024-13", "", "", "", "", "", ""},
		{"24Q1", "", "", "", "", "", ""},
		{"", "", "", "", "", "", ""},
	} {
		p, err := ParsePeriod(tc.in)
		if tc.code == "" {
			if err == nil {
				t.Errorf("ParsePeriod(%q) = %v, want an error", tc.in, p)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tc.in, err)
			continue
		}
		got := []string{p.String(), p.Chinese(), p.Start().Format("2006-01-02"), p.End().Format("2006-01-02"), p.Previous().String(), p.Next().String()}
		want := []string{tc.code, tc.chinese, tc.start, tc.end, tc.prev, tc.next}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ParsePeriod(%q): got %q, want %q", tc.in, got, want)
				break
			}
		}
		if back, err := ParsePeriod(p.Chinese()); err != nil || back != p {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", p.Chinese(), back, err, p)
		}
	}
}

func TestOverdue(t *testing.T) {
	q4 := Period{Quarterly, 2022, 4}
	for _, tc := range []struct {
		d    Deadline
		want bool
	}{
		{Deadline{Kind: KindYear, Due: "2022-12-31"}, true}, // due on the period's last day
		{Deadline{Kind: KindYear, Due: "2021-12-31"}, true},
		{Deadline{Kind: KindYear, Due: "2023-12-31"}, false},
		{Deadline{Kind: KindDate, Due: "2022-10-15"}, true},
		{Deadline{Kind: KindOngoing}, false},
		{Deadline{Kind: KindRecurring}, false},
		{Deadline{Kind: KindNone}, false},
	} {
		if got := tc.d.Overdue(q4); got != tc.want {
			t.Errorf("%+v.Overdue(2022Q4) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

// FuzzParsePeriod reads anything as a period: no panic; a period read is in range, prints as
// a code and a Chinese name that both read back as itself, and has its neighbours; an error
// is Chinese.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024Q1", "2023q4", "2024H2", "2024H1", "2024", "2024-03", "2024-2", "2024-01", "2024-12",
		"２０２４Ｑ１", "2024年第一季度", "2024年下半年", "2024年3月", "2024年", "2024Q5", "2024-13", "24Q1", "",
		"2024年上半年", "2024年度", "2024年四季度", "2099-12", "2000Q1", " 2024Q1 ", "2024年13月", "1999", "2100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if !utf8.ValidString(err.Error()) && utf8.ValidString(s) || !strings.Contains(err.Error(), "报送周期") {
				t.Fatalf("ParsePeriod(%q): error %q", s, err)
			}
			return
		}
		if p.Year < 2000 || p.Year > 2099 {
			t.Fatalf("ParsePeriod(%q) = %+v: year out of range", s, p)
		}
		switch p.Kind {
		case Quarterly:
			if p.N < 1 || p.N > 4 {
				t.Fatalf("ParsePeriod(%q) = %+v", s, p)
			}
		case HalfYear:
			if p.N < 1 || p.N > 2 {
				t.Fatalf("ParsePeriod(%q) = %+v", s, p)
			}
		case Monthly:
			if p.N < 1 || p.N > 12 {
				t.Fatalf("ParsePeriod(%q) = %+v", s, p)
			}
		case Annual:
			if p.N != 0 {
				t.Fatalf("ParsePeriod(%q) = %+v", s, p)
			}
		default:
			t.Fatalf("ParsePeriod(%q) = %+v: kind", s, p)
		}
		for _, back := range []string{p.String(), p.Chinese()} {
			if q, err := ParsePeriod(back); err != nil || q != p {
				t.Fatalf("ParsePeriod(%q) = %+v; its form %q reads back as %+v, %v", s, p, back, q, err)
			}
		}
		if !p.Start().Before(p.End()) && p.Kind != Monthly || p.End().Before(p.Start()) {
			t.Fatalf("%+v: starts %v, ends %v", p, p.Start(), p.End())
		}
		if p.Previous().Next() != p || p.Next().Previous() != p {
			t.Fatalf("%+v: previous %+v, next %+v", p, p.Previous(), p.Next())
		}
		if !p.Previous().End().AddDate(0, 0, 1).Equal(p.Start()) {
			t.Fatalf("%+v: the previous period ends %v", p, p.Previous().End())
		}
	})
}
