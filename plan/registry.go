package plan

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Registry is a list of units an office knows before any plan names them: the towns,
// townships and streets that a plan names only as 各镇乡街道, for example. A plan takes a
// registry's units explicitly (AddRegistry); nothing in a plan's text adds one by itself.
type Registry struct {
	Name  string // e.g. huairou
	Title string // e.g. 北京市怀柔区镇乡街道（16 个）
	Units []Unit
}

// Huairou is the reference district's registry: Huairou's 2 streets, 12 towns and 2 ethnic
// townships (DOMAIN.md), which the shipped plan names only as 各镇乡街道 and 各镇乡.
var Huairou = Registry{Name: "huairou", Title: "北京市怀柔区镇乡街道（16 个）", Units: []Unit{
	{Name: "泉河街道", Category: CatStreet},
	{Name: "龙山街道", Category: CatStreet},
	{Name: "怀柔镇", Category: CatTown},
	{Name: "雁栖镇", Category: CatTown},
	{Name: "庙城镇", Category: CatTown},
	{Name: "北房镇", Category: CatTown},
	{Name: "杨宋镇", Category: CatTown},
	{Name: "桥梓镇", Category: CatTown},
	{Name: "怀北镇", Category: CatTown},
	{Name: "汤河口镇", Category: CatTown},
	{Name: "渤海镇", Category: CatTown},
	{Name: "九渡河镇", Category: CatTown},
	{Name: "琉璃庙镇", Category: CatTown},
	{Name: "宝山镇", Category: CatTown},
	{Name: "长哨营满族乡", Category: CatTownship},
	{Name: "喇叭沟门满族乡", Category: CatTownship},
}}

// builtinRegistries are the registries --registry can name.
var builtinRegistries = map[string]Registry{Huairou.Name: Huairou}

// BuiltinRegistryNames lists the names of the built-in registries, sorted.
func BuiltinRegistryNames() []string {
	var names []string
	for n := range builtinRegistries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadRegistry returns a built-in registry by name (huairou), or reads a registry file: UTF-8
// (or GBK) text, one unit a line, its name and optionally its category after a tab, a comma or
// spaces (泉河街道	街道). Empty lines and lines starting with # are skipped; a missing
// category is guessed from the name.
func LoadRegistry(nameOrPath string) (Registry, error) {
	if r, ok := builtinRegistries[strings.ToLower(strings.TrimSpace(nameOrPath))]; ok {
		return r, nil
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		return Registry{}, fmt.Errorf("单位名册“%s”既不是内置名册（%s），也无法作为文件读取（%v）。请写内置名册的名称，或名册文件的路径",
			nameOrPath, strings.Join(BuiltinRegistryNames(), "、"), err)
	}
	return ParseRegistry(nameOrPath, data)
}

// ParseRegistry reads a registry file's content (see LoadRegistry). name is for messages.
func ParseRegistry(name string, data []byte) (Registry, error) {
	text, _, err := DocumentText(name, data)
	if err != nil {
		return Registry{}, err
	}
	r := Registry{Name: name, Title: name}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader([]byte(text)))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 0; sc.Scan(); {
		line++
		l := cleanLine(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		fields := strings.FieldsFunc(l, func(r rune) bool { return r == '\t' || r == ',' || r == '，' || r == ' ' || r == '\u3000' })
		if len(fields) == 0 {
			continue
		}
		u := Unit{Name: NormalizeUnitName(fields[0])}
		if len(fields) > 1 {
			u.Category = fields[1]
		}
		if len(fields) > 2 {
			return Registry{}, fmt.Errorf("%s 第 %d 行：“%s”多于两项。每行写一个单位：名称，以及（可省略的）类别，用制表符或逗号分隔", name, line, l)
		}
		if u.Category == "" {
			u.Category = InferCategory(u.Name)
		}
		if prev, dup := seen[u.Name]; dup {
			return Registry{}, fmt.Errorf("%s 第 %d 行：单位“%s”与第 %d 行重复。请删除其中一行", name, line, u.Name, prev)
		}
		seen[u.Name] = line
		r.Units = append(r.Units, u)
	}
	if len(r.Units) == 0 {
		return Registry{}, fmt.Errorf("%s：名册中没有任何单位。每行写一个单位，如“泉河街道	街道”", name)
	}
	return r, nil
}

// AddRegistry adds the registry's units the plan's registry lacks, after the plan's own units,
// and returns how many it added.
func (p *Plan) AddRegistry(r Registry) int {
	have := map[string]bool{}
	for _, u := range p.Units {
		have[u.Name] = true
		for _, a := range u.Aliases {
			have[a] = true
		}
	}
	added := 0
	for _, u := range r.Units {
		if !have[u.Name] {
			have[u.Name] = true
			p.Units = append(p.Units, u)
			added++
		}
	}
	return added
}

// ParseReference parses the shipped reference plan with its district's registry, as init
// (without --plan) and demo use it.
func ParseReference() (*Plan, error) {
	p, err := Parse(ReferenceName, Reference)
	if err != nil {
		return nil, err
	}
	p.AddRegistry(Huairou)
	return p, nil
}
