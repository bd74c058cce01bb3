package awsadapter_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// The emulators ignore SSE headers, so check on the wire that Put asks for SSE-KMS with the
// configured key, and for nothing when no key is configured.
func TestBlobStorePutRequestsSSEKMS(t *testing.T) {
	for _, tt := range []struct{ key, wantSSE, wantKey string }{
		{"alias/labsecure-raw", "aws:kms", "alias/labsecure-raw"},
		{"", "", ""},
	} {
		var got http.Header
		capture := func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("capture", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if r, ok := in.Request.(*smithyhttp.Request); ok {
					got = r.Header.Clone()
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		}
		cl := env.S3(func(o *s3.Options) { o.APIOptions = append(o.APIOptions, capture) })
		if err := awsadapter.NewBlobStore(cl, nil, bucket, tt.key).Put(testCtx(t), "sse/"+tt.wantSSE, []byte("x"), "text/plain"); err != nil {
			t.Fatal(err)
		}
		if got.Get("X-Amz-Server-Side-Encryption") != tt.wantSSE || got.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != tt.wantKey {
			t.Errorf("key %q: PutObject sent SSE %q key %q; want %q %q", tt.key, got.Get("X-Amz-Server-Side-Encryption"),
				got.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), tt.wantSSE, tt.wantKey)
		}
	}
}

func TestBlobStore(t *testing.T) {
	ctx := testCtx(t)
	cl := env.S3()
	store := awsadapter.NewBlobStore(cl, s3.NewPresignClient(cl), bucket, "alias/labsecure-raw")
	body := []byte(`{"resourceType":"Bundle"}`)
	if err := store.Put(ctx, "raw/2026/11/abc", body, "application/fhir+json"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := store.Get(ctx, "raw/2026/11/abc")
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("Get = %q, %v; want the stored body", got, err)
	}
	head, err := cl.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("raw/2026/11/abc")})
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	if ct := aws.ToString(head.ContentType); ct != "application/fhir+json" {
		t.Errorf("content type %q", ct)
	}
	if _, err := store.Get(ctx, "raw/none"); !errors.Is(err, pipeline.ErrNotFound) {
		t.Errorf("Get(missing) err = %v; want ErrNotFound", err)
	}

	tests := []struct {
		name     string
		key      string
		ttl      time.Duration
		wait     time.Duration
		wantErr  error  // from PresignGet
		errText  string // substring of a non-sentinel error
		wantCode int    // HTTP status of GET on the URL
	}{
		{name: "fresh URL serves the object", key: "raw/2026/11/abc", ttl: time.Minute, wantCode: http.StatusOK},
		{name: "expired URL is refused", key: "raw/2026/11/abc", ttl: time.Second, wait: 2100 * time.Millisecond, wantCode: http.StatusForbidden},
		{name: "missing object", key: "raw/none", ttl: time.Minute, wantErr: pipeline.ErrNotFound},
		{name: "ttl above one hour", key: "raw/2026/11/abc", ttl: time.Hour + time.Second, errText: "at most one hour"},
		{name: "zero ttl", key: "raw/2026/11/abc", ttl: 0, errText: "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, err := store.PresignGet(ctx, tt.key, tt.ttl)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v; want %v", err, tt.wantErr)
				}
				return
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v; want one containing %q", err, tt.errText)
				}
				return
			case err != nil:
				t.Fatalf("PresignGet: %v", err)
			}
			time.Sleep(tt.wait)
			resp, err := http.Get(url)
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode {
				t.Fatalf("GET answered %d; want %d", resp.StatusCode, tt.wantCode)
			}
			if tt.wantCode == http.StatusOK && !bytes.Equal(data, body) {
				t.Errorf("GET body %q", data)
			}
		})
	}
}
