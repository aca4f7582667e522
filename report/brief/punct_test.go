package brief

import "testing"

func TestPunctuate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"落实政府机构职责,更好发挥政府职能作用", "落实政府机构职责，更好发挥政府职能作用"},
		{"(牵头单位:区司法局;完成时限:2023年)", "（牵头单位：区司法局；完成时限：2023年）"},
		{"向党委(党组)请示", "向党委（党组）请示"},
		{"推行「一网通办」和『最多跑一次』", "推行“一网通办”和‘最多跑一次’"},
		{`推行"一业一证"改革`, "推行“一业一证”改革"},
		{"完成 1,000 件, 用时 10:30", "完成 1,000 件，用时 10:30"},
		{"上传 PDF (A4) 文件", "上传 PDF (A4) 文件"},
		{"网址 https://example.gov.cn/a?b=c", "网址 https://example.gov.cn/a?b=c"},
		{"是否完成? 已完成!", "是否完成？已完成！"},
		{"2023-12-31", "2023-12-31"},
	} {
		if got := Punctuate(tc.in); got != tc.want {
			t.Errorf("Punctuate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"规范行政执法工作。全面落实行政执法公示。", "规范行政执法工作"},
		{"厘清政府与市场、政府与社会、行政机关与事业单位的关系,推动政府职能转变。", "厘清政府与市场、政府与社会、行政机关与……"},
		{"完善\n决策制度。", "完善决策制度"},
	} {
		if got := Label(tc.in); got != tc.want {
			t.Errorf("Label(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSentence(t *testing.T) {
	for _, tc := range []struct {
		in   string
		most int
		want string
	}{
		{"资金不足", 40, "资金不足。"},
		{"资金不足，", 40, "资金不足。"},
		{"  =cmd|' /C calc'!A0", 40, "=cmd|' /C calc'!A0。"},
		{"一是资金不足，二是人员不足，三是协调难度较大，四是政策尚待明确。", 20, "一是资金不足，二是人员不足……"},
	} {
		if got := sentence(tc.in, tc.most); got != tc.want {
			t.Errorf("sentence(%q, %d) = %q, want %q", tc.in, tc.most, got, tc.want)
		}
	}
}
