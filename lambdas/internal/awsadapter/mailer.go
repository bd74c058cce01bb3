package awsadapter

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// Mailer is pipeline.Mailer on SES v2.
type Mailer struct {
	ses       *sesv2.Client
	from      string
	configSet string
}

var _ pipeline.Mailer = (*Mailer)(nil)

// NewMailer returns a Mailer sending from the verified identity from. configSet names the
// SES configuration set (event publishing, TLS policy, suppression); "" sends without one.
func NewMailer(client *sesv2.Client, from, configSet string) *Mailer {
	return &Mailer{ses: client, from: from, configSet: configSet}
}

// permanentCodes are SES errors that retrying will not fix.
var permanentCodes = map[string]bool{
	"MessageRejected":                    true,
	"MailFromDomainNotVerifiedException": true,
	"BadRequestException":                true,
	"NotFoundException":                  true, // configuration set or identity missing
	"AccountSuspendedException":          true,
	"SendingPausedException":             true,
	"AccessDeniedException":              true,
	"InvalidParameterValue":              true,
}

// Send implements pipeline.Mailer. Permanent rejections are wrapped with pipeline.Permanent;
// throttling, 5xx and connection errors are returned as they are (transient).
func (m *Mailer) Send(ctx context.Context, e pipeline.Email) (string, error) {
	if e.To == "" || e.Subject == "" || e.Text == "" && e.HTML == "" {
		return "", pipeline.Permanent(fmt.Errorf("send e-mail: To, Subject and a Text or HTML body are required"))
	}
	body := &types.Body{}
	if e.Text != "" {
		body.Text = &types.Content{Data: aws.String(e.Text), Charset: aws.String("UTF-8")}
	}
	if e.HTML != "" {
		body.Html = &types.Content{Data: aws.String(e.HTML), Charset: aws.String("UTF-8")}
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(m.from),
		Destination:      &types.Destination{ToAddresses: []string{e.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(e.Subject), Charset: aws.String("UTF-8")},
			Body:    body,
		}},
	}
	if m.configSet != "" {
		in.ConfigurationSetName = aws.String(m.configSet)
	}
	out, err := m.ses.SendEmail(ctx, in)
	if err != nil {
		wrapped := &SESError{Code: codeOr(err), HTTPStatus: httpStatus(err), Err: err}
		if IsPermanentSESError(err) {
			return "", pipeline.Permanent(wrapped)
		}
		return "", wrapped
	}
	return aws.ToString(out.MessageId), nil
}

// IsPermanentSESError classifies an SES error: true for rejections that retrying cannot fix,
// false for throttling (429, TooManyRequests, LimitExceeded), 5xx and network errors.
func IsPermanentSESError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch code := errorCode(err); {
	case code == "TooManyRequestsException" || code == "LimitExceededException" || code == "Throttling":
		return false
	case permanentCodes[code]:
		return true
	}
	st := httpStatus(err)
	return st >= 400 && st < 500 && st != http.StatusTooManyRequests && st != http.StatusRequestTimeout
}

// SESError is a failed SendEmail. Its message holds only the AWS error code and HTTP status,
// because SES error texts may quote the recipient address; the cause stays reachable through
// errors.As / errors.Is.
type SESError struct {
	Code       string
	HTTPStatus int
	Err        error
}

func (e *SESError) Error() string {
	if e.HTTPStatus == 0 {
		return "send e-mail via SES: " + e.Code + " (no HTTP response)"
	}
	return fmt.Sprintf("send e-mail via SES: %s (HTTP %d)", e.Code, e.HTTPStatus)
}

func (e *SESError) Unwrap() error { return e.Err }

func codeOr(err error) string {
	if c := errorCode(err); c != "" {
		return c
	}
	return "no AWS error code"
}
