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
	if rows, err := f.GetRows(SheetID, excelize.Options{RawCellValue: true}); err == nil && len(rows) > 0 {
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
	props, err := f.GetCustomProps()
	if err != nil {
		return Identity{}, false
	}
	facts := map[string]string{}
	for _, p := range props {
		if name, found := strings.CutPrefix(p.Name, PropPrefix); found {
			if s, isString := p.Value.(string); isString {
				facts[name] = s
			}
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
