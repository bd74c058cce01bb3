package awswire

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSecretFetcher(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Aws-Parameters-Secrets-Token") != "tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Query().Get("secretId") {
		case "arn:aws:secretsmanager:us-east-1:1:secret:pk":
			w.Write([]byte(`{"Name":"pk","SecretString":"0123456789abcdef0123456789abcdef"}`))
		case "binary":
			w.Write([]byte(`{"Name":"b","SecretBinary":"AAAA"}`))
		default:
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`secret not found: ` + r.URL.Query().Get("secretId")))
		}
	}))
	defer srv.Close()
	tests := []struct {
		id, token, want, wantErr string
	}{
		{"arn:aws:secretsmanager:us-east-1:1:secret:pk", "tok", "0123456789abcdef0123456789abcdef", ""},
		{"arn:aws:secretsmanager:us-east-1:1:secret:pk", "bad", "", "HTTP 401"},
		{"binary", "tok", "", "no SecretString"},
		{"missing", "tok", "", "HTTP 400"},
	}
	for _, tt := range tests {
		got, err := SecretFetcher{Endpoint: srv.URL, Token: tt.token}.Fetch(context.Background(), tt.id)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Fetch(%s) = %q, %v; want %q, %q", tt.id, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := (SecretFetcher{Endpoint: "http://127.0.0.1:1"}).Fetch(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "layer") {
		t.Errorf("unreachable extension: %v", err)
	}
}
