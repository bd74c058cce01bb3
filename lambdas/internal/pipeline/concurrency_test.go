package pipeline_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// TestConcurrentIngest: parallel repeats of one payload share one result id and announce it
// once; parallel different final reports of one accession are accepted exactly once.
func TestConcurrentIngest(t *testing.T) {
	const n = 8
	t.Run("same payload", func(t *testing.T) {
		e := newEnv(t, nil)
		e.addContact(t)
		body := nativeBody("ACC-50", "F", 13.2)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: body})
				if err != nil {
					t.Errorf("Ingest: %v", err)
				}
				ids[i] = r.ResultID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("result ids differ: %v", ids)
			}
		}
		e.work(t) // a racing repeat may enqueue the item twice; the worker and notify absorb it
		if got := len(e.mailer.Sent()); got != 1 {
			t.Errorf("%d e-mails, want 1", got)
		}
	})
	t.Run("different finals", func(t *testing.T) {
		e := newEnv(t, nil)
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.svc.Ingest(context.Background(), pipeline.IngestRequest{Sender: sender, ContentType: jsonCT, Body: nativeBody("ACC-51", "F", float64(10+i))})
				code := http.StatusAccepted
				if err != nil {
					code = pipeline.HTTPStatusOf(err)
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[http.StatusAccepted] != 1 || codes[http.StatusConflict] != n-1 {
			t.Errorf("outcomes %v, want 1 accepted and %d conflicts", codes, n-1)
		}
	})
}
