package report

import "planreport/templates"

// Changes are the changes since the previous collected period of the same length.
type Changes struct {
	Previous string // the previous period's Chinese name; "" when none was collected
	// Task ids, in plan order.
	NewRed      []string       // red now, not red then
	StillRed    []string       // red now and then: red for two periods or more
	RedStreak   map[string]int // for StillRed: how many collected periods in a row, this one included
	TurnedGreen []string       // green now, red or yellow then (a task done since is in Closed as well)
	Closed      []string       // done now (销号), not done then
	Reopened    []string       // done then, not done now: its leads now report otherwise, or not at all
}

// changesSince works out the changes from the earlier periods' points (oldest first) to r.
func changesSince(earlier []Point, r *Report) Changes {
	c := Changes{RedStreak: map[string]int{}}
	if len(earlier) == 0 {
		return c
	}
	prev := earlier[len(earlier)-1]
	c.Previous = prev.Label
	for _, t := range r.Tasks {
		then, known := prev.TaskLights[t.ID]
		switch {
		case t.Light == Red && known && then == Red:
			c.StillRed = append(c.StillRed, t.ID)
			n := 1
			for i := len(earlier) - 1; i >= 0 && earlier[i].TaskLights[t.ID] == Red; i-- {
				n++
			}
			c.RedStreak[t.ID] = n
		case t.Light == Red:
			c.NewRed = append(c.NewRed, t.ID)
		case t.Light == Green && known && then != Green:
			c.TurnedGreen = append(c.TurnedGreen, t.ID)
		}
		if known && t.Status == templates.StatusDone && prev.TaskStatus[t.ID] != templates.StatusDone {
			c.Closed = append(c.Closed, t.ID)
		}
		if known && t.Status != templates.StatusDone && prev.TaskStatus[t.ID] == templates.StatusDone {
			c.Reopened = append(c.Reopened, t.ID)
		}
	}
	return c
}
