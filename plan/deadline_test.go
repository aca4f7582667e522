package plan

import "testing"

func TestParseDeadline(t *testing.T) {
	tests := []struct {
		text string
		kind DeadlineKind
		due  string
	}{
		// The forms plans use.
		{"2024年6月底前", KindDate, "2024-06-30"},
		{"2024年9月30日前", KindDate, "2024-09-30"},
		{"2024年3月", KindDate, "2024-03-31"},
		{"2024年2月底前", KindDate, "2024-02-29"}, // a leap year
		{"2023年2月底前", KindDate, "2023-02-28"},
		{"2025年底前", KindYear, "2025-12-31"},
		{"2024年", KindYear, "2024-12-31"},
		{"2023 年", KindYear, "2023-12-31"}, // the reference plan's spacing
		{"2022年年底前", KindYear, "2022-12-31"},
		{"2024年年底", KindYear, "2024-12-31"},
		{"2024年上半年", KindDate, "2024-06-30"},
		{"2024年年中", KindDate, "2024-06-30"},
		{"2024年第三季度", KindDate, "2024-09-30"},
		{"2024年三季度", KindDate, "2024-09-30"},
		{"2024年第1季度", KindDate, "2024-03-31"},
		{"2021—2025年", KindYear, "2025-12-31"}, // a period: due at its end
		{"2021-2025年", KindYear, "2025-12-31"},
		{"2021年至2025年", KindYear, "2025-12-31"},
		{"2024-06-30", KindDate, "2024-06-30"},
		{"2024.6.30", KindDate, "2024-06-30"},
		{"2024年6月底前完成方案，2025年底前全面完成", KindDate, "2024-06-30"}, // the first date
		{"2022年底前完成", KindYear, "2022-12-31"},
		// Full-width digits and stray spaces.
		{"２０２４年６月底前", KindDate, "2024-06-30"},
		{"２０２４年７月１５日前", KindDate, "2024-07-15"},
		{" 2024 年 9 月 30 日前 ", KindDate, "2024-09-30"},
		{"２０２５年", KindYear, "2025-12-31"},
		// Ongoing and recurring.
		{"持续推进", KindOngoing, ""},
		{"长期坚持", KindOngoing, ""},
		{"长期", KindOngoing, ""},
		{"常态化推进", KindOngoing, ""},
		{"2024年起长期坚持", KindOngoing, ""},
		{"自2024年1月起", KindOngoing, ""},
		{"每年12月底前", KindRecurring, ""},
		{"每季度", KindRecurring, ""},
		{"每季度末", KindRecurring, ""},
		{"每月5日前", KindRecurring, ""},
		{"定期", KindRecurring, ""},
		{"2024年起每年12月底前", KindRecurring, ""},
		// Nothing to read.
		{"", KindNone, ""},
		{"   ", KindNone, ""},
		{"待定", KindNone, ""},
		{"按上级要求", KindNone, ""},
		{"xyz；；。", KindNone, ""},
		{"6月底前", KindNone, ""}, // no year: see TestDeadlineInPlanYear
		{"年底前", KindNone, ""},
		{"0000年", KindNone, ""},
		{"99999年", KindNone, ""},
		// Impossible dates fall back to what can be read.
		{"2024年2月30日前", KindDate, "2024-02-29"},
		{"2024年13月", KindYear, "2024-12-31"},
	}
	for _, tt := range tests {
		d := ParseDeadline(tt.text)
		if d.Kind != tt.kind || d.Due != tt.due {
			t.Errorf("ParseDeadline(%q) = %s %q, want %s %q", tt.text, d.Kind, d.Due, tt.kind, tt.due)
		}
		if want := trimSpace(tt.text); d.Text != want {
			t.Errorf("ParseDeadline(%q).Text = %q, want the text as written %q", tt.text, d.Text, want)
		}
	}
}

func trimSpace(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// TestDeadlineInPlanYear: in a plan for one year (2024年…工作要点), a deadline that names no year
// is in that year.
func TestDeadlineInPlanYear(t *testing.T) {
	tests := []struct {
		text, year string
		kind       DeadlineKind
		due        string
	}{
		{"6月底前", "2024", KindDate, "2024-06-30"},
		{"9月30日前", "2024", KindDate, "2024-09-30"},
		{"年底前", "2024", KindYear, "2024-12-31"},
		{"上半年", "2024", KindDate, "2024-06-30"},
		{"第三季度", "2024", KindDate, "2024-09-30"},
		{"６月底前", "2024", KindDate, "2024-06-30"},
		{"6月底前", "", KindNone, ""},
		{"待定", "2024", KindNone, ""},      // not a date: no year is made up
		{"长期坚持", "2024", KindOngoing, ""}, // unchanged
		{"2025年6月底前", "2024", KindDate, "2025-06-30"},
	}
	for _, tt := range tests {
		d := deadlineIn(tt.text, tt.year)
		if d.Kind != tt.kind || d.Due != tt.due || d.Text != tt.text {
			t.Errorf("deadlineIn(%q, %q) = %+v, want %s %q", tt.text, tt.year, d, tt.kind, tt.due)
		}
	}
	for title, want := range map[string]string{
		"大兴区2024年优化营商环境工作要点":        "2024",
		"“十四五”时期怀柔区法治政府建设行动计划":      "",
		"北京市优化营商环境行动方案（2024—2025年）": "",
		"２０２４年政务公开工作要点":             "2024",
		"关于2023年工作总结和2024年工作计划":     "",
	} {
		if got := planYear(title); got != want {
			t.Errorf("planYear(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2024-06-30", "2024-06-30", true},
		{"2024/6/30", "2024-06-30", true},
		{"2024.6.3", "2024-06-03", true},
		{"2024年6月30日", "2024-06-30", true},
		{"2024年6月30日前", "2024-06-30", true},
		{" 2024-06-30 ", "2024-06-30", true},
		{"２０２４－０６－３０", "2024-06-30", true},
		{"２０２４／６／３０", "2024-06-30", true},
		{"45473", "2024-06-30", true}, // a spreadsheet serial number
		{"45473.75", "2024-06-30", true},
		{"61", "1900-03-01", true},
		{"", "", true},
		{"2024-02-30", "", false},
		{"2024-13-01", "", false},
		{"2024年6月底前", "", false},
		{"明天", "", false},
		{"0", "", false},
		{"-5", "", false},
		{"1e10", "", false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseDate(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDeadlineKindChineseName(t *testing.T) {
	for _, k := range []DeadlineKind{KindYear, KindDate, KindOngoing, KindRecurring, KindNone} {
		back, ok := kindFromChinese(k.ChineseName())
		if !ok || back != k {
			t.Errorf("kind %s: Chinese name %q reads back as %q", k, k.ChineseName(), back)
		}
	}
}
