package workbook

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"planreport/inbox"
	"planreport/plan"
)

func TestZZTiming(t *testing.T) {
	ws := os.Getenv("TIMING_WS")
	if ws == "" {
		t.Skip()
	}
	t0 := time.Now()
	lap := func(what string) { fmt.Printf("%-20s %6.1f ms\n", what, float64(time.Since(t0).Microseconds())/1000); t0 = time.Now() }
	p, err := plan.ReadLedger(filepath.Join(ws, "plan.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	lap("read plan")
	period, _ := plan.ParsePeriod("2023Q4")
	items, _, _, err := inbox.Read([]string{filepath.Join(ws, "2023Q4", "收件")}, inbox.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	lap("inbox read")
	prev, err := Previous(filepath.Join(ws, "2023Q3"), p, period.Previous())
	if err != nil {
		t.Fatal(err)
	}
	lap("previous")
	ctx := NewContext(p, period, prev)
	lap("new context")
	reports := make([]*Report, len(items))
	for rep := 0; rep < 20; rep++ {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				reports[i] = ctx.Check(items[i].Name, items[i].Data, items[i].Sender)
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	lap("check")
	}
	dir := t.TempDir()
	c, _ := OpenCollection(dir, period)
	for i, it := range items {
		r := reports[i]
		c.Add(Submission{SHA256: r.SHA256, Name: it.Name, Source: it.Source, Received: it.Received, Unit: r.Unit, Accepted: r.Accepted(), Findings: r.Findings}, it.Data)
	}
	lap("archive")
	c.Save()
	lap("save (sync)")
	WriteFindings(filepath.Join(dir, "f.xlsx"), c)
	lap("findings")
	n := 0
	for u, s := range c.Latest() {
		if len(s.Findings) == 0 {
			continue
		}
		data, _ := c.ReadArchived(s)
		WriteFeedback(filepath.Join(dir, u+".xlsx"), s, data)
		n++
	}
	lap(fmt.Sprintf("feedback x%d", n))
}
