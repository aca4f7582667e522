package templates

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Identity is a template's hidden identification, as read back from a returned workbook.
type Identity struct {
	Plan       string // the plan's fingerprint
	Unit       string
	ReportsFor []string
	Period     string // the period code, e.g. 2023Q4
	Due        string
	Version    string

	// Rows lists the task ids in template order with the checksum of each row's locked cells.
	// It is empty when only the document properties survived.
	Rows []RowID

	// FromSheet is true when the hidden identification sheet was read, false when only the
	// custom document properties were.
	FromSheet bool
}

// RowID is one task row's id and locked-cell checksum.
type RowID struct {
	Task     string
	Checksum string
}

// ReadIdentity reads a workbook's identification: from the hidden identification sheet, else
// from the custom document properties. ok is false when neither names a unit.
func ReadIdentity(f *excelize.File) (id Identity, ok bool) {
	rows, err := f.GetRows(SheetID, excelize.Options{RawCellValue: true})
	if err != nil {
		rows = nil
	}
	if id, ok := ParseIdentity(rows, nil); ok {
		return id, true
	}
	props, err := f.GetCustomProps()
	if err != nil {
		return Identity{}, false
	}
	facts := map[string]string{}
	for _, p := range props {
		if s, isString := p.Value.(string); isString {
			facts[p.Name] = s
		}
	}
	return ParseIdentity(nil, facts)
}

// ParseIdentity reads a workbook's identification from what a reader found in it: rows, the
// hidden identification sheet's rows (nil when there is no such sheet), and props, the
// workbook's custom document properties with string values, by name. Like ReadIdentity, it
// takes the sheet when it names a unit, else the properties; ok is false when neither does.
func ParseIdentity(rows [][]string, props map[string]string) (id Identity, ok bool) {
	if len(rows) > 0 {
		facts := map[string]string{}
		n := -1
		for i, r := range rows {
			if len(r) == 0 {
				continue
			}
			key, value := strings.TrimSpace(r[0]), ""
			if len(r) > 1 {
				value = strings.TrimSpace(r[1])
			}
			if key == KeyRows {
				n, _ = strconv.Atoi(value)
				for _, rr := range rows[i+1:] {
					if len(rr) >= 2 && len(id.Rows) < n {
						id.Rows = append(id.Rows, RowID{Task: strings.TrimSpace(rr[0]), Checksum: strings.TrimSpace(rr[1])})
					}
				}
				break
			}
			facts[key] = value
		}
		id = fill(id, facts)
		id.FromSheet = true
		if id.Unit != "" {
			return id, true
		}
	}
	facts := map[string]string{}
	for name, value := range props {
		if key, found := strings.CutPrefix(name, PropPrefix); found {
			facts[key] = value
		}
	}
	id = fill(Identity{}, facts)
	return id, id.Unit != ""
}

func fill(id Identity, facts map[string]string) Identity {
	id.Plan = facts[KeyPlan]
	id.Unit = facts[KeyUnit]
	if s := facts[KeyReportsFor]; s != "" {
		id.ReportsFor = strings.Split(s, "、")
	}
	id.Period = facts[KeyPeriod]
	id.Due = facts[KeyDue]
	id.Version = facts[KeyVersion]
	return id
}
