package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"planreport/demo"
	"planreport/workspace"
)

// BenchmarkPeriodPage renders a period's page at 1,000 reporting units, having sent their
// returns (the demo's mix: late, rejected and missing among them): "shown" as a person sees it
// again and again (the period's state read once, until its files change), "changed" right
// after each change of its record (the record read again, the plan kept), "ledger" right
// after each change of the ledger (everything read again). Setting up (templates, returns,
// collect) takes about a minute and is not timed.
func BenchmarkPeriodPage(b *testing.B) {
	w := workspace.Open(filepath.Join(b.TempDir(), "ws"))
	_, res, err := demo.Collected(context.Background(), w, 1000, q4, "2024-01-08")
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Units) < 1000 {
		b.Fatalf("%d units", len(res.Units))
	}
	srv, err := New(Config{Dir: w.Dir(), Hosts: []string{"127.0.0.1:1"}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "http://127.0.0.1:1/periods/2023Q4", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != http.StatusOK || rec.Body.Len() < 100_000 {
		b.Fatalf("the page: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	b.Run("shown", func(b *testing.B) {
		for b.Loop() {
			get()
		}
	})
	touched := func(path string) func(*testing.B) {
		return func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				at := time.Now().Add(time.Duration(i) * time.Second)
				os.Chtimes(path, at, at)
				b.StartTimer()
				get()
			}
		}
	}
	b.Run("changed", touched(w.RecordPath(q4)))
	b.Run("ledger", touched(w.Ledger()))
}
