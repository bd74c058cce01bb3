package emulators

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Email is one message stored by aws-ses-v2-local (GET /store).
type Email struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
	At int64 `json:"at"` // unix seconds
}

// SentEmails returns every message the SES emulator stored since it (re)started or was cleared.
func (e *Env) SentEmails(ctx context.Context) ([]Email, error) {
	endpoint := e.Endpoint(SES)
	if endpoint == "" {
		return nil, fmt.Errorf("read sent mail: SES emulator not started")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/store", nil)
	if err != nil {
		return nil, fmt.Errorf("read sent mail: %w", err)
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read sent mail: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read sent mail: GET /store answered %d", resp.StatusCode)
	}
	var store struct {
		Emails []Email `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		return nil, fmt.Errorf("read sent mail: decode /store: %w", err)
	}
	return store.Emails, nil
}

// ClearEmails empties the SES emulator's store (POST /clear-store).
func (e *Env) ClearEmails(ctx context.Context) error {
	endpoint := e.Endpoint(SES)
	if endpoint == "" {
		return fmt.Errorf("clear sent mail: SES emulator not started")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/clear-store", nil)
	if err != nil {
		return fmt.Errorf("clear sent mail: %w", err)
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return fmt.Errorf("clear sent mail: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("clear sent mail: POST /clear-store answered %d", resp.StatusCode)
	}
	return nil
}
