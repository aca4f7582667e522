package plan

import (
	"regexp"
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

// reportingCategories are the categories of units that report for themselves.
var reportingCategories = []string{CatPartyDept, CatGovDept, CatJudicial, CatTown, CatTownship, CatStreet, CatOther}

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

var reGroupPhrase = regexp.MustCompile(`有关|相关|承办单位|下放部门|成员单位|(部门|单位|处室|机构)$`)

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

// defaultGroup returns the definition a group phrase starts with: categories where the
// phrase says them, else unnamed.
func defaultGroup(name string) Group {
	g := Group{Name: name}
	if cats, ok := categoryGroups[name]; ok {
		g.Categories = append([]string(nil), cats...)
		g.Note = "按单位类别展开"
	} else {
		g.Note = "待办公室指定成员单位"
	}
	return g
}
