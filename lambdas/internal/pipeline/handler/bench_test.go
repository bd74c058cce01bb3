package handler_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// BenchmarkIngestHandler measures the ingest handler end to end (event decoding, parse,
// idempotency, in-memory ports, response) for distinct native and HL7 payloads and reports
// the latency percentiles of single calls.
func BenchmarkIngestHandler(b *testing.B) {
	for _, tc := range []struct{ fixture, accession string }{
		{"apigw-ingest-native.json", "ACC-2026-0001"},
		{"apigw-ingest-fhir.json", "5234342"},
		{"apigw-ingest-hl7-base64.json", "R-991133"},
	} {
		b.Run(strings.TrimSuffix(strings.TrimPrefix(tc.fixture, "apigw-ingest-"), ".json"), func(b *testing.B) {
			s := newStack(b)
			base := load[events.APIGatewayProxyRequest](b, tc.fixture)
			body := []byte(base.Body)
			if base.IsBase64Encoded {
				body, _ = base64.StdEncoding.DecodeString(base.Body)
			}
			if !bytes.Contains(body, []byte(tc.accession)) {
				b.Fatalf("%s lacks accession %s", tc.fixture, tc.accession)
			}
			reqs := make([]events.APIGatewayProxyRequest, b.N)
			for i := range reqs { // a distinct accession per call: every call is a new ingestion
				reqs[i] = base
				v := bytes.Replace(body, []byte(tc.accession), []byte(tc.accession+"-"+strconv.Itoa(i)), -1)
				reqs[i].Body = string(v)
				if base.IsBase64Encoded {
					reqs[i].Body = base64.StdEncoding.EncodeToString(v)
				}
			}
			lat := make([]time.Duration, b.N)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				r, _ := s.ingest.Handle(ctx, reqs[i])
				lat[i] = time.Since(t0)
				if r.StatusCode != 202 {
					b.Fatalf("status %d: %s", r.StatusCode, r.Body)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds()), "p99-µs")
		})
	}
}
