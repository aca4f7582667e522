package plan

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unit is one entry of the unit registry: a body that is assigned tasks and reports on them.
type Unit struct {
	Name     string
	Category string   // one of Categories
	Aliases  []string // other names the plan or units use for it

	// ReportsThrough names the unit that fills this unit's template for it, e.g. a
	// coordination body's office. Empty when the unit reports itself.
	ReportsThrough string

	Contact string
	Phone   string
	Email   string
	Note    string

	row int // the ledger row it was read from
}

// The unit categories. Group phrases such as 各镇乡街道 expand by category.
const (
	CatPartyDept    = "区委部门"
	CatGovDept      = "区政府部门"
	CatJudicial     = "司法机关"
	CatTown         = "镇"
	CatTownship     = "乡"
	CatStreet       = "街道"
	CatCoordination = "议事协调机构"
	CatOther        = "其他"

	// Bodies above the district, each level a category of its own: a district plan names
	// them (团市委, 市规划和自然资源委怀柔分局), and in a city, provincial or national plan
	// they are the plan's own departments.
	CatCentral    = "中央和国家机关" // 财政部, 税务总局, 国家发展改革委
	CatProvincial = "省级单位"    // 省发展改革委, 团省委
	CatMunicipal  = "市级单位"    // 市发改委, 团市委, 市规划自然资源委顺义分局
)

// Categories lists the unit categories in the order the ledger offers them.
var Categories = []string{CatPartyDept, CatGovDept, CatJudicial, CatTown, CatTownship, CatStreet, CatCoordination, CatOther,
	CatMunicipal, CatProvincial, CatCentral}

func isCategory(s string) bool {
	for _, c := range Categories {
		if s == c {
			return true
		}
	}
	return false
}

// InferCategory guesses a unit's category from its name. The office corrects it in the ledger.
func InferCategory(name string) string {
	switch {
	case strings.HasSuffix(name, "街道") || strings.HasSuffix(name, "街道办事处"):
		return CatStreet
	case strings.HasSuffix(name, "乡"):
		return CatTownship
	case strings.HasSuffix(name, "镇"):
		return CatTown
	case isCoordinationBody(name):
		return CatCoordination
	case strings.Contains(name, "法院") || strings.Contains(name, "检察院"):
		return CatJudicial
	case isCentralBody(name):
		return CatCentral
	case isProvincialBody(name):
		return CatProvincial
	case isMunicipalBody(name):
		return CatMunicipal
	case hasAnyPrefix(name, partyPrefixes):
		return CatPartyDept
	case hasAnyPrefix(name, congressPrefixes) || strings.HasSuffix(name, "协会"):
		return CatOther
	case reGovSuffix.MatchString(name):
		return CatGovDept
	}
	return CatOther
}

// partyPrefixes start the names of Party bodies (区委编办, 区纪委区监委, 中共北京市怀柔区委).
var partyPrefixes = []string{"区委", "中共", "区纪委", "县委", "县纪委"}

// centralPrefixes start the names of central and national bodies.
var centralPrefixes = []string{"国务院", "国家", "中央", "全国", "中共中央", "最高人民"}

// reCentralSuffix ends the name of a ministry or national administration written without a
// place (财政部, 税务总局, 海关总署, 人民银行).
var reCentralSuffix = lazyRegexp(`(部|总局|总署|署|人民银行|银保监会|证监会|金融监管总局)$`)

// placeWords mark a local body: a name holding one is not a ministry.
const placeWords = "区县市省镇乡街州盟旗"

// isCentralBody reports whether a name is a central or national body: 国家发展改革委, 国务院
// 办公厅, 财政部, 税务总局, 海关总署.
func isCentralBody(name string) bool {
	if hasAnyPrefix(name, centralPrefixes) {
		return true
	}
	return reCentralSuffix.MatchString(name) && !strings.ContainsAny(strings.ReplaceAll(name, "市场", ""), placeWords)
}

// isProvincialBody reports whether a name is a provincial body: 省发展改革委, 省委宣传部, 团省委,
// and a 厅 written without its 省 (商务厅): cities and districts have no 厅 but their
// government's 办公厅, which names its place.
func isProvincialBody(name string) bool {
	return strings.HasPrefix(name, "省") || strings.HasPrefix(name, "团省委") || strings.HasPrefix(name, "中共") && strings.HasSuffix(name, "省委") ||
		strings.HasSuffix(name, "厅") && !strings.ContainsAny(name, placeWords)
}

// isMunicipalBody reports whether a name is a city's body: 市发改委, 市委编办, 团市委, 市规划
// 自然资源委顺义分局 (a municipal body's district branch is the city's). 市场监管… and 市政局
// (municipal works) are words, not the city.
func isMunicipalBody(name string) bool {
	if strings.HasPrefix(name, "市场") || strings.HasPrefix(name, "市政") && !strings.HasPrefix(name, "市政府") {
		return false
	}
	return strings.HasPrefix(name, "市") || strings.HasPrefix(name, "团市委")
}

// congressPrefixes start the names of people's congresses and CPPCC bodies.
var congressPrefixes = []string{"区人大", "区政协", "市人大", "市政协", "县人大", "县政协"}

var reGovSuffix = lazyRegexp(`(局|委|办|办公室|分局|中心|管委会|委员会|厅|署|院)$`)

func isCoordinationBody(name string) bool {
	return strings.HasSuffix(name, "小组") || strings.HasSuffix(name, "工作组") ||
		strings.HasSuffix(name, "联席会议") || strings.HasSuffix(name, "专班") || strings.HasSuffix(name, "指挥部")
}

// NormalizeUnitName tidies one unit name as a plan writes it: white space of any width is
// removed, and trailing words that only say "and others" (等部门, 等单位, 按职责分工负责…) dropped.
func NormalizeUnitName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, "，,、；;：:。.")
	for {
		t := reUnitTail.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	return s
}

var reUnitTail = lazyRegexp(`(按职责分工负责|按职责分工落实|按职责分工|分别负责|负责落实|共同负责|分别牵头|共同牵头|牵头负责|负责|牵头|配合|分别|等有关部门|等相关部门|等相关单位|等有关单位|等部门|等单位|等)$`)

// SplitUnits splits a list of unit names on 、，, (not inside parentheses: 各县（市、区） is
// one name) and normalises each one. Names that share a distributive 各 (各镇、街道 means 各镇 and
// 各街道) get it, and names separated only by spaces (区司法局 区财政局) are split. Short names
// that share the previous name's prefix (区委依法治区委法治政府建设领导小组、司法协调小组) are
// completed: see completeShortNames.
func SplitUnits(list string) []string {
	var out []string
	distributive := false
	for _, f := range splitTopLevel(list, "、，,；;/／") {
		for _, n := range splitOnSpaces(f) {
			if n = NormalizeUnitName(n); n == "" {
				continue
			}
			switch {
			case strings.HasPrefix(n, "各") && isBareAreaType(strings.TrimPrefix(n, "各")):
				distributive = true
			case distributive && isBareAreaType(n):
				n = "各" + n
			default:
				distributive = false
			}
			out = append(out, n)
		}
	}
	return completeSharedSuffix(out)
}

// rePlaceName is a bare place name: 黄埔区, 南沙区, 顺义区 (no body named).
var rePlaceName = lazyRegexp(`^\p{Han}{1,6}(区|县|市|镇|乡|街道|新区)$`)

// completeSharedSuffix gives bare place names the body word of the list's next name that has
// one: 黄埔区、南沙区政府 means 黄埔区政府 and 南沙区政府, not a unit named 黄埔区. (A
// distributive 各 list keeps its group phrases as written: 各区、各县（市）人民政府.)
func completeSharedSuffix(names []string) []string {
	for i := len(names) - 2; i >= 0; i-- {
		n, next := names[i], names[i+1]
		if !rePlaceName.MatchString(n) || strings.HasPrefix(n, "各") {
			continue
		}
		for _, suf := range areaBodySuffixes {
			if place, ok := strings.CutSuffix(next, suf); ok && rePlaceName.MatchString(place) {
				names[i] = n + suf
				break
			}
		}
	}
	return names
}

// reClauseWords are words of a sentence, not of a body's name: a list item that holds one is
// a clause (具体任务均涉及相关市州人民政府, 不再做分工, 适用范围：…), never a unit.
var reClauseWords = lazyRegexp(`[：:。]|涉及|不再|均由|适用|范围|下同|以下同|为牵头|第一位|首位|列第一|按照|根据|其中|具体任务|分工如下|除标注|视情|另行|汇总单位`)

// looksLikeUnit reports whether a list item can be a unit name or group phrase: not empty, at
// most 40 characters, and not a clause.
func looksLikeUnit(n string) bool {
	return n != "" && utf8.RuneCountInString(n) <= 40 && !reClauseWords.MatchString(n)
}

// bareAreaTypes are the kinds of area or body a distributive 各 may range over.
var bareAreaTypes = []string{"区", "县", "市", "镇", "乡", "乡镇", "镇乡", "街道", "街乡", "镇街", "县（市）", "县(市)", "县（市、区）", "县(市、区)", "县（区）", "县(区)", "县市区", "市（区）", "市(区)", "开发区", "园区", "部门", "单位",
	"县级市", "地区", "区县", "区（县）", "区(县)", "市（州）", "市(州)", "市州", "州", "盟", "旗", "设区的市", "地级市", "地市", "县（市、区、特区）",
	"有关部门", "有关单位", "相关部门", "相关单位", "直属机构", "委办局", "管委会", "乡镇街道", "镇乡街道", "社区", "村", "村（社区）"}

// areaBodySuffixes may follow a bare area type: 各区、县（市）人民政府.
var areaBodySuffixes = []string{"人民政府", "政府", "党委", "党（工）委", "党(工)委", "办事处", "管委会", "党委和政府", "党委、政府"}

// isBareAreaType reports whether s is a bare area type (镇, 街道, 县（市）), possibly followed by
// the word for its government (县（市）人民政府, 街道办事处).
func isBareAreaType(s string) bool {
	for _, t := range bareAreaTypes {
		if s == t {
			return true
		}
		if rest, ok := strings.CutPrefix(s, t); ok && contains(areaBodySuffixes, rest) {
			return true
		}
	}
	return false
}

// organSuffixes end the name of a body; a piece of a list that ends with none of them is not a
// whole unit name.
var organSuffixes = []string{"局", "委", "办", "部", "厅", "院", "署", "中心", "室", "会", "组", "队", "所", "站", "处", "科", "镇", "乡", "街道", "公司", "政府", "办事处", "单位", "部门", "集团", "银行", "分行", "支队", "大队", "专班", "联社"}

// splitOnSpaces splits a piece of a unit list on white space when every part is a whole unit
// name of three or more characters (区司法局 区财政局); otherwise the spaces are stray (区 司法局)
// and the piece stays whole.
func splitOnSpaces(s string) []string {
	parts := strings.Fields(s)
	if len(parts) < 2 {
		return []string{s}
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p) < 3 || !hasAnySuffix(p, organSuffixes) {
			return []string{s}
		}
	}
	return parts
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// jurisdictionPrefixes start a full unit name; a name without one may be a short form.
var jurisdictionPrefixes = []string{"区", "市", "县", "省", "镇", "乡", "中共", "中央", "国家", "国务院", "全国", "各", "北京", "原"}

// subBodySuffixes end the names of bodies that sit inside a committee and are written short
// after their full-named sibling.
var subBodySuffixes = []string{"小组", "工作组", "办公室", "委员会", "专班", "指挥部"}

// completeShortNames completes short names in one list. A name is completed when it has no
// jurisdiction prefix, names a sub-body (…小组, …办公室), and the previous name in the list
// ends with the same sub-body word after an organ prefix (…委, …局): 区委依法治区委法治政府建设
// 领导小组、司法协调小组 becomes …、区委依法治区委司法协调小组. When known holds a full name
// ending with the short one, that name wins.
func completeShortNames(names []string, known map[string]bool) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if i == 0 || hasAnyPrefix(n, jurisdictionPrefixes) || IsGroupPhrase(n) {
			continue
		}
		suffix := ""
		for _, s := range subBodySuffixes {
			if strings.HasSuffix(n, s) {
				suffix = s
			}
		}
		prev := out[i-1]
		if suffix == "" || !strings.HasSuffix(prev, suffix) {
			continue
		}
		if full := uniqueFullName(n, known); full != "" {
			out[i] = full
			continue
		}
		if p := organPrefix(prev); p != "" {
			out[i] = p + n
		}
	}
	return out
}

// uniqueFullName returns the one known name that ends with short and is longer, or "".
func uniqueFullName(short string, known map[string]bool) string {
	found := ""
	for k := range known {
		if len(k) > len(short) && strings.HasSuffix(k, short) && hasAnyPrefix(k, jurisdictionPrefixes) {
			if found != "" && found != k {
				return ""
			}
			found = k
		}
	}
	return found
}

// organPrefix returns the longest proper prefix of name that ends with an organ word
// (委, 局, 办, 部, 厅), or "".
func organPrefix(name string) string {
	r := []rune(name)
	for i := len(r) - 2; i > 0; i-- {
		switch r[i] {
		case '委', '局', '办', '部', '厅':
			return string(r[:i+1])
		}
	}
	return ""
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
