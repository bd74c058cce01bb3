package awswire

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// DefaultExtensionEndpoint is where the AWS Parameters and Secrets Lambda Extension listens.
const DefaultExtensionEndpoint = "http://localhost:2773"

// SecretFetcher reads a Secrets Manager secret through the AWS Parameters and Secrets Lambda
// Extension (a layer on the function), so the handler needs no Secrets Manager SDK client and
// the secret is cached by the extension. The function role needs secretsmanager:GetSecretValue
// on the secret (and kms:Decrypt on its key).
type SecretFetcher struct {
	// Endpoint of the extension. Default: DefaultExtensionEndpoint (or
	// http://localhost:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT when that is set).
	Endpoint string
	// Token authenticates to the extension: the function's AWS_SESSION_TOKEN.
	Token string
	// Client does the HTTP call. Default: a client with a 5 s timeout.
	Client *http.Client
}

// Fetch returns the SecretString of secretID (name or ARN).
func (f SecretFetcher) Fetch(ctx context.Context, secretID string) (string, error) {
	ep := f.Endpoint
	if ep == "" {
		ep = DefaultExtensionEndpoint
	}
	c := f.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep+"/secretsmanager/get?secretId="+url.QueryEscape(secretID), nil)
	if err != nil {
		return "", fmt.Errorf("secret request: %w", err)
	}
	req.Header.Set("X-Aws-Parameters-Secrets-Token", f.Token)
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("secrets extension at %s: %w (attach the AWS-Parameters-and-Secrets-Lambda-Extension layer)", ep, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read secret response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		// The body may echo the secret id, never the value; keep only the status.
		return "", fmt.Errorf("secrets extension answered HTTP %d for the patient-key secret; check the ARN and the role's secretsmanager:GetSecretValue", resp.StatusCode)
	}
	var out struct {
		SecretString *string `json:"SecretString"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.SecretString == nil {
		return "", fmt.Errorf("secrets extension response has no SecretString; store the key as a string secret")
	}
	return *out.SecretString, nil
}
