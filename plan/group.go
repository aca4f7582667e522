package plan

import (
	"strings"
)

// Group is a phrase of the plan that stands for many units (各镇乡街道, 区政府有关部门). It
// expands to every registry unit of its categories plus its explicit members. A group with
// neither is unnamed: the office must name its members in the ledger.
type Group struct {
	Name       string
	Categories []string // unit categories it covers, e.g. 镇, 乡, 街道
	Members    []string // registry unit names the office listed
	Note       string

	row int // the ledger row it was read from
}

// Named reports whether the group says which units it stands for.
func (g Group) Named() bool { return len(g.Categories) > 0 || len(g.Members) > 0 }

// reportingCategories are the categories of units that report for themselves: 各单位 is every
// one of them, bodies above the district that the plan names included.
var reportingCategories = []string{CatPartyDept, CatGovDept, CatJudicial, CatTown, CatTownship, CatStreet, CatOther, CatMunicipal, CatProvincial, CatCentral}

// categoryGroups are the group phrases that expand by unit category without the office's help.
var categoryGroups = map[string][]string{
	"各单位":      reportingCategories,
	"各部门":      {CatPartyDept, CatGovDept},
	"各委办局":     {CatPartyDept, CatGovDept},
	"区政府各部门":   {CatGovDept},
	"区委各部门":    {CatPartyDept},
	"区委区政府各部门": {CatPartyDept, CatGovDept},
	"各镇乡街道":    {CatTown, CatTownship, CatStreet},
	"各乡镇街道":    {CatTown, CatTownship, CatStreet},
	"各镇街":      {CatTown, CatTownship, CatStreet},
	"各镇乡":      {CatTown, CatTownship},
	"各乡镇":      {CatTown, CatTownship},
	"各街道":      {CatStreet},
	"各镇":       {CatTown},
	"各乡":       {CatTownship},
	"各镇政府":     {CatTown},
	"各镇人民政府":   {CatTown},
	"各乡镇政府":    {CatTown, CatTownship},
	"各乡镇人民政府":  {CatTown, CatTownship},
	"各街道办事处":   {CatStreet},
}

var reGroupPhrase = lazyRegexp(`有关|相关|承办单位|下放部门|成员单位|(部门|单位|处室|机构)$`)

// IsGroupPhrase reports whether a name as the plan writes it stands for several units
// (各单位, 区政府有关部门, 联席会各相关单位, 原职权下放部门, 决策承办单位…) rather than naming one.
func IsGroupPhrase(name string) bool {
	if _, ok := categoryGroups[name]; ok {
		return true
	}
	if strings.HasSuffix(name, "办公室") {
		return false
	}
	return strings.Contains(name, "各") || reGroupPhrase.MatchString(name)
}

// levelGroups are the group phrases that mean the plan's own departments, whose categories
// depend on the plan's level: in a city's plan 各部门 are the city's departments (市级单位).
var levelGroups = map[string]bool{"各单位": true, "各部门": true, "各委办局": true}

// ownDeptGroups are phrases naming one level's departments whatever the plan's level.
var ownDeptGroups = map[string]string{
	"市政府各部门": CatMunicipal, "市直各部门": CatMunicipal, "市级各部门": CatMunicipal, "市直各单位": CatMunicipal, "市级各单位": CatMunicipal,
	"省政府各部门": CatProvincial, "省直各部门": CatProvincial, "省级各部门": CatProvincial, "省直各单位": CatProvincial,
	"国务院各部门": CatCentral, "国务院有关部门和单位": "", "中央和国家机关各部门": CatCentral,
}

// planLevel is the level of government a plan is issued at, judged by its units.
type planLevel string

const (
	levelDistrict   planLevel = "district"
	levelMunicipal  planLevel = "municipal"
	levelProvincial planLevel = "provincial"
	levelCentral    planLevel = "central"
)

// levelCategory is the category of a level's own departments, or "" for the district, whose
// departments have the party and government categories.
var levelCategory = map[planLevel]string{levelMunicipal: CatMunicipal, levelProvincial: CatProvincial, levelCentral: CatCentral}

// levelOf judges a plan's level from its units' categories: the level most of its named bodies
// belong to (the district's when none is above it, or on a tie).
func levelOf(units []Unit) planLevel {
	count := map[planLevel]int{}
	for _, u := range units {
		switch u.Category {
		case CatPartyDept, CatGovDept:
			count[levelDistrict]++
		case CatMunicipal:
			count[levelMunicipal]++
		case CatProvincial:
			count[levelProvincial]++
		case CatCentral:
			count[levelCentral]++
		}
	}
	best := levelDistrict
	for _, l := range []planLevel{levelMunicipal, levelProvincial, levelCentral} {
		if count[l] > count[best] {
			best = l
		}
	}
	return best
}

// defaultGroup returns the definition a group phrase starts with in a district's plan.
func defaultGroup(name string) Group { return defaultGroupAt(name, levelDistrict) }

// defaultGroupAt returns the definition a group phrase starts with in a plan of the given
// level: categories where the phrase says them, else unnamed.
func defaultGroupAt(name string, level planLevel) Group {
	g := Group{Name: name}
	if cat, ok := ownDeptGroups[name]; ok && cat != "" {
		g.Categories = []string{cat}
		g.Note = "按单位类别展开"
		return g
	}
	if cat := levelCategory[level]; cat != "" && levelGroups[name] {
		g.Categories = []string{cat}
		g.Note = "按单位类别展开"
		return g
	}
	if cats, ok := categoryGroups[name]; ok {
		g.Categories = append([]string(nil), cats...)
		g.Note = "按单位类别展开"
	} else {
		g.Note = "待办公室指定成员单位"
	}
	return g
}
