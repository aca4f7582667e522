package report_test

import (
	"testing"
	"time"

	"planreport/report"
	"planreport/report/reporttest"
	"planreport/templates"
)

// TestSampleLights works out reporttest.Sample's lights by hand from what its units sent:
//   - task 1: lead 区司法局 滞后, due 2023-12-31 → overdue at the end of 2023Q4 by 0 months;
//   - task 2: leads 区司法局 常态化推进, 区财政局 已完成 → the slower, on track, green;
//   - task 3: lead 宝山镇's only workbook rejected, due 2024-03-31 → 未报送, not overdue;
//   - task 4: lead 区档案馆 sent nothing, due 2022 → overdue by 12 months (nobody says done);
//   - task 5: lead 区司法局 已完成 → done.
//
// In 2023Q3 task 1 was due next period (yellow), 2 green, 3 and 4 red, 5 yellow.
func TestSampleLights(t *testing.T) {
	r := reporttest.Sample(t)
	want := []struct {
		id      string
		status  string
		reason  report.Reason
		overdue bool
		months  int
	}{
		{"1", templates.StatusBehind, report.ReasonOverdue, true, 0},
		{"2", templates.StatusOngoing, report.ReasonOnTrack, false, 0},
		{"3", report.NotReported, report.ReasonNotReported, false, 0},
		{"4", report.NotReported, report.ReasonOverdue, true, 12},
		{"5", templates.StatusDone, report.ReasonDone, false, 0},
	}
	for i, w := range want {
		got := r.Tasks[i]
		if got.ID != w.id || got.Status != w.status || got.Reason != w.reason || got.Light != w.reason.Light() ||
			got.Overdue != w.overdue || got.OverdueMonths != w.months {
			t.Errorf("task %s: %s %s %s overdue %v %d months, want %s %s %s %v %d", got.ID, got.Status, got.Reason, got.Light,
				got.Overdue, got.OverdueMonths, w.status, w.reason, w.reason.Light(), w.overdue, w.months)
		}
	}
	// Every task has one reason; a light's count is its reasons' counts.
	total := 0
	for _, l := range report.Lights {
		sum := 0
		for _, rs := range report.ReasonsOf(l) {
			sum += r.Reasons[rs]
		}
		if sum != r.Lights[l] {
			t.Errorf("%s: %d tasks, its reasons count %d", l, r.Lights[l], sum)
		}
		total += sum
	}
	if total != len(r.Tasks) {
		t.Errorf("the reasons count %d tasks, the report has %d", total, len(r.Tasks))
	}

	c := r.Changes
	for _, check := range []struct {
		name      string
		got, want []string
	}{
		{"new red", c.NewRed, []string{"1"}},
		{"still red", c.StillRed, []string{"3", "4"}},
		{"turned green", c.TurnedGreen, []string{"5"}},
		{"closed", c.Closed, []string{"5"}},
	} {
		if len(check.got) != len(check.want) || (len(check.got) > 0 && check.got[0] != check.want[0]) {
			t.Errorf("%s: %v, want %v", check.name, check.got, check.want)
		}
	}
	if c.Previous != "2023年第三季度" || c.RedStreak["4"] != 2 {
		t.Errorf("previous %q, task 4 red for %d periods; want 2023年第三季度 and 2", c.Previous, c.RedStreak["4"])
	}
	// Ranks: 区司法局 on time first, 区档案馆 missing last; all four were ranked in Q3.
	for _, u := range r.Units {
		if u.PrevRank == 0 || u.Rank == 0 {
			t.Errorf("unit %s: rank %d, previous %d", u.Name, u.Rank, u.PrevRank)
		}
	}
}

// TestReasonOrder: the first reason that applies is the one counted, whatever else applies.
func TestReasonOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		task   reporttest.TaskCase
		reason report.Reason
	}{
		{"overdue and behind", reporttest.TaskCase{Due: "2022年", Leads: []string{templates.StatusBehind}}, report.ReasonOverdue},
		{"behind and a lead silent", reporttest.TaskCase{Due: "长期坚持", Leads: []string{templates.StatusBehind, ""}}, report.ReasonBehind},
		{"done but a lead silent", reporttest.TaskCase{Due: "2022年", Leads: []string{templates.StatusDone, ""}}, report.ReasonNotReported},
		{"no lead reported, past due", reporttest.TaskCase{Due: "2022年", Leads: []string{""}}, report.ReasonOverdue},
		{"due next period with a problem", reporttest.TaskCase{Due: "2024年3月", Leads: []string{templates.StatusOnTrack}, Problem: true}, report.ReasonDueSoon},
		{"not begun (with its problem)", reporttest.TaskCase{Due: "长期坚持", Leads: []string{templates.StatusNotBegun}}, report.ReasonNotBegun},
		{"on track with a problem", reporttest.TaskCase{Due: "长期坚持", Leads: []string{templates.StatusOnTrack}, Problem: true}, report.ReasonProblems},
		{"done", reporttest.TaskCase{Due: "2022年", Leads: []string{templates.StatusDone, templates.StatusDone}}, report.ReasonDone},
		{"ongoing", reporttest.TaskCase{Due: "长期坚持", Leads: []string{templates.StatusOngoing}}, report.ReasonOnTrack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := reporttest.OneTask(t, tc.task, time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local))
			if got := r.Tasks[0].Reason; got != tc.reason {
				t.Errorf("reason %s, want %s", got, tc.reason)
			}
		})
	}
}
