package plan

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeUnitName(t *testing.T) {
	tests := map[string]string{
		"区园林绿化局等部门":     "区园林绿化局",
		"区园林绿化局等有关部门":   "区园林绿化局",
		"海关总署等":         "海关总署",
		"商务部等按职责分工负责":   "商务部",
		"国家发展改革委牵头":     "国家发展改革委",
		" 区司法局 ":        "区司法局",
		"区 司法局":         "区司法局",
		"区\u3000司法局":    "区司法局", // full-width space
		"\u3000区司法局\t":  "区司法局",
		"区司法局\u200b":    "区司法局", // zero-width space
		"\ufeff区司法局":    "区司法局",
		"区\u00a0司法局":    "区司法局", // no-break space
		"区司法局。":         "区司法局",
		"、区司法局，":        "区司法局",
		"各部门":           "各部门", // a group phrase keeps its 部门
		"各单位":           "各单位",
		"区政府有关部门":       "区政府有关部门",
		"区纪委区监委":        "区纪委区监委",
		"":              "",
		"等":             "",
		"工业和信息化部等有关部门":  "工业和信息化部",
		"各地区各部门按职责分工负责": "各地区各部门",
	}
	for in, want := range tests {
		if got := NormalizeUnitName(in); got != want {
			t.Errorf("NormalizeUnitName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"区委编办、区政务服务局、区司法局", []string{"区委编办", "区政务服务局", "区司法局"}},
		{"区财政局，区司法局,区审计局", []string{"区财政局", "区司法局", "区审计局"}},
		{"区财政局；区司法局", []string{"区财政局", "区司法局"}},
		{"区园林绿化局等部门", []string{"区园林绿化局"}},
		{"区城管执法局、区园林绿化局等部门", []string{"区城管执法局", "区园林绿化局"}},
		{" 区司法局 、 区财政局 ", []string{"区司法局", "区财政局"}},
		{"区 司法局、区\u3000财政局", []string{"区司法局", "区财政局"}}, // stray spaces inside names
		{"区司法局 区财政局", []string{"区司法局", "区财政局"}},        // names separated by spaces
		{"区司法局\u3000区财政局", []string{"区司法局", "区财政局"}},
		{"区委 编办", []string{"区委编办"}},
		{"各单位、各部门、各镇乡街道", []string{"各单位", "各部门", "各镇乡街道"}},
		{"各镇、街道", []string{"各镇", "各街道"}}, // a distributive 各
		{"各乡镇、街道", []string{"各乡镇", "各街道"}},
		{"各区、县（市）人民政府", []string{"各区", "各县（市）人民政府"}},
		{"各镇、街道办事处", []string{"各镇", "各街道办事处"}},
		{"各县（市、区）", []string{"各县（市、区）"}}, // no split inside parentheses
		{"各街道、区司法局", []string{"各街道", "区司法局"}},
		{"区司法局、街道", []string{"区司法局", "街道"}},
		{"区纪委区监委", []string{"区纪委区监委"}},
		{"国家发展改革委、商务部等按职责分工负责", []string{"国家发展改革委", "商务部"}},
		{"", nil},
		{"、、，", nil},
		{"等部门", nil},
		// Task 29 of the reference plan: SplitUnits keeps the short names as written;
		// completeShortNames (see TestCompleteShortNames) completes them.
		{"区委依法治区委办公室,区委依法治区委法治政府建设领导小组、司法协调小组、守法普法协调小组",
			[]string{"区委依法治区委办公室", "区委依法治区委法治政府建设领导小组", "司法协调小组", "守法普法协调小组"}},
	}
	for _, tt := range tests {
		if got := SplitUnits(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitUnits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompleteShortNames(t *testing.T) {
	names := SplitUnits("区委依法治区委办公室,区委依法治区委法治政府建设领导小组、司法协调小组、守法普法协调小组")
	got := completeShortNames(names, map[string]bool{})
	want := []string{"区委依法治区委办公室", "区委依法治区委法治政府建设领导小组", "区委依法治区委司法协调小组", "区委依法治区委守法普法协调小组"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("completeShortNames = %q, want %q", got, want)
	}
	// A full name known from elsewhere in the plan wins.
	known := map[string]bool{"市委依法治市委司法协调小组": true}
	got = completeShortNames([]string{"市委依法治市委法治政府建设领导小组", "司法协调小组"}, known)
	if got[1] != "市委依法治市委司法协调小组" {
		t.Errorf("with a known full name: %q", got)
	}
	// Names that are whole are left alone.
	got = completeShortNames([]string{"区司法局", "区财政局", "各镇乡街道"}, map[string]bool{})
	if !reflect.DeepEqual(got, []string{"区司法局", "区财政局", "各镇乡街道"}) {
		t.Errorf("whole names changed: %q", got)
	}

	// The same through the parser, as in the reference plan's task 29.
	p, err := ParseText("29.区委全面依法治区委员会各小组和办公室要加强工作指导和督察。\n" +
		"(牵头单位:区委依法治区委办公室,区委依法治区委法治政府建设领导小组、司法协调小组、守法普法协调小组;责任单位:各单位;完成时限:长期坚持)\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Tasks[0].Lead; !reflect.DeepEqual(got, want) {
		t.Errorf("task 29 leads %q, want %q", got, want)
	}
}

func TestIsGroupPhrase(t *testing.T) {
	groups := []string{"各单位", "各部门", "各镇乡街道", "各镇乡", "各镇", "各街道", "区政府各部门", "区政府有关部门",
		"各相关单位", "联席会各相关单位", "各行业审批监管单位", "各重点领域监管单位", "原职权下放部门", "决策承办单位",
		"怀柔科学城管委会有关处室", "各地区各部门", "各县（市）人民政府", "区安委会各成员单位", "各行政执法部门", "库区各镇"}
	for _, g := range groups {
		if !IsGroupPhrase(g) {
			t.Errorf("IsGroupPhrase(%q) = false, want true", g)
		}
	}
	units := []string{"区司法局", "区委编办", "区纪委区监委", "区委依法治区委办公室", "区政府办", "区人大常委会办公室",
		"区委依法治区委法治政府建设领导小组", "国网北京大兴供电公司", "市场监管总局", "区政务服务中心", "泉河街道", "怀柔镇",
		"长哨营满族乡", "区人民法院", "区委宣传部"}
	for _, u := range units {
		if IsGroupPhrase(u) {
			t.Errorf("IsGroupPhrase(%q) = true, want false", u)
		}
	}
}

func TestDefaultGroup(t *testing.T) {
	if g := defaultGroup("各镇乡街道"); !g.Named() || strings.Join(g.Categories, ",") != "镇,乡,街道" {
		t.Errorf("各镇乡街道: %+v", g)
	}
	if g := defaultGroup("各镇"); !g.Named() || strings.Join(g.Categories, ",") != "镇" {
		t.Errorf("各镇: %+v", g)
	}
	if g := defaultGroup("区政府有关部门"); g.Named() {
		t.Errorf("区政府有关部门 must wait for the office to name its members: %+v", g)
	}
}

func TestInferCategory(t *testing.T) {
	tests := map[string]string{
		"泉河街道":    CatStreet,
		"龙山街道办事处": CatStreet,
		"长哨营满族乡":  CatTownship,
		"喇叭沟门满族乡": CatTownship,
		"怀柔镇":     CatTown,
		"雁栖镇":     CatTown,
		"区委依法治区委法治政府建设领导小组": CatCoordination,
		"区委依法治区委司法协调小组":     CatCoordination,
		"区优化营商环境工作专班":       CatCoordination,
		"区人民法院":             CatJudicial,
		"区检察院":              CatJudicial,
		"区委编办":              CatPartyDept,
		"区委依法治区委办公室":        CatPartyDept,
		"区纪委区监委":            CatPartyDept,
		"中共北京市怀柔区委":         CatPartyDept,
		"市委编办":              CatMunicipal,
		"团市委":               CatMunicipal,
		"市规划和自然资源委员会怀柔分局":   CatMunicipal,
		"市场监管总局":            CatCentral,
		"财政部":               CatCentral,
		"税务总局":              CatCentral,
		"国家发展改革委":           CatCentral,
		"省发展改革委":            CatProvincial,
		"区委宣传部":             CatPartyDept,
		"区人大常委会办公室":         CatOther,
		"区政协":               CatOther,
		"区律师协会":             CatOther,
		"区司法局":              CatGovDept,
		"区政府办":              CatGovDept,
		"区政务服务中心":           CatGovDept,
		"区住房城乡建设委":          CatGovDept,
		"区公安分局":             CatGovDept,
		"怀柔科学城管委会":          CatGovDept,
		"海关总署":              CatCentral,
		"国网北京大兴供电公司":        CatOther,
		"":                  CatOther,
	}
	for name, want := range tests {
		if got := InferCategory(name); got != want {
			t.Errorf("InferCategory(%q) = %q, want %q", name, got, want)
		}
	}
}
