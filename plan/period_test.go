package plan

import "testing"

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
		{"2024Q5", "", "", "", "", "", ""},
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
