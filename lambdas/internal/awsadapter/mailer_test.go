package awsadapter_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/labsecure/labsecure/lambdas/internal/awsadapter"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
	"github.com/labsecure/labsecure/test/emulators"
)

func TestMailerSends(t *testing.T) {
	ctx := testCtx(t)
	if err := env.ClearEmails(ctx); err != nil {
		t.Fatal(err)
	}
	m := awsadapter.NewMailer(env.SESv2(), "results@labsecure.example", "labsecure-notifications")
	id, err := m.Send(ctx, pipeline.Email{To: "patient@example.org", Subject: "New result", Text: "A result is ready.", HTML: "<p>A result is ready.</p>"})
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	mails, err := env.SentEmails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || mails[0].MessageID != id || mails[0].From != "results@labsecure.example" || mails[0].Body.HTML == "" || mails[0].Destination.To[0] != "patient@example.org" {
		t.Errorf("stored mail %+v", mails)
	}
	if _, err := m.Send(ctx, pipeline.Email{To: "patient@example.org"}); !pipeline.IsPermanent(err) {
		t.Errorf("incomplete e-mail err = %v; want permanent", err)
	}
	// The emulator rejects a sender that is not an address with HTTP 400: permanent, and the
	// error text carries no address.
	bad := awsadapter.NewMailer(env.SESv2(), "", "")
	_, err = bad.Send(ctx, pipeline.Email{To: "patient@example.org", Subject: "s", Text: "t"})
	if !pipeline.IsPermanent(err) || strings.Contains(err.Error(), "patient@") {
		t.Errorf("rejected send err = %v; want permanent without the address", err)
	}
}

func TestMailerOutageIsTransient(t *testing.T) {
	ctx := testCtx(t)
	if err := env.Stop(emulators.SES); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Restart(context.Background(), emulators.SES); err != nil {
			t.Errorf("restart SES: %v", err)
		}
	})
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m := awsadapter.NewMailer(env.SESv2(), "results@labsecure.example", "")
	_, err := m.Send(short, pipeline.Email{To: "patient@example.org", Subject: "s", Text: "t"})
	if err == nil || pipeline.IsPermanent(err) {
		t.Errorf("send during outage err = %v; want a transient error", err)
	}
}

func TestIsPermanentSESError(t *testing.T) {
	withStatus := func(code int, err error) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: err}}
	}
	api := func(code string) error { return &smithy.GenericAPIError{Code: code} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"message rejected", withStatus(400, api("MessageRejected")), true},
		{"sender not verified", withStatus(400, api("MailFromDomainNotVerifiedException")), true},
		{"configuration set missing", withStatus(404, api("NotFoundException")), true},
		{"sending paused", withStatus(400, api("SendingPausedException")), true},
		{"throttled", withStatus(429, api("TooManyRequestsException")), false},
		{"quota", withStatus(400, api("LimitExceededException")), false},
		{"server error", withStatus(500, api("InternalFailure")), false},
		{"unavailable", withStatus(503, errors.New("service unavailable")), false},
		{"other 4xx", withStatus(400, errors.New("bad")), true},
		{"connection refused", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), false},
		{"deadline", context.DeadlineExceeded, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := awsadapter.IsPermanentSESError(tt.err); got != tt.want {
				t.Errorf("IsPermanentSESError(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}
