package controls

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MaxAcknowledgementHorizon is how far ahead an acknowledgement may expire.
const MaxAcknowledgementHorizon = 366 * 24 * time.Hour

// Acknowledgement accepts the findings of one control (or one cdk-nag rule) on the
// resources whose construct path matches Resource, in one environment or all ("*"), until
// Expires. It is reviewed in code (infra/acks).
type Acknowledgement struct {
	// ControlID is a catalog ID ("LS-IAM-002") or a cdk-nag rule ID ("AwsSolutions-IAM4").
	ControlID string
	// Environment is an environment name or "*".
	Environment string
	// Resource is a construct-path glob: "*" matches within one segment, "**" across
	// segments. "Prod-Data/Cluster/**" covers everything under that construct.
	Resource string
	Reason   string
	Owner    string
	// Expires is the last day the acknowledgement counts (inclusive, UTC).
	Expires time.Time
}

var nagRuleID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.]*-[A-Za-z0-9]+$`)

// Validate checks that the acknowledgement is complete: a known control or a cdk-nag rule
// ID, an environment, a valid glob, a reason of at least 20 characters, an owner and an
// expiry no more than a year after now. Expiry in the past is not a validation error (see
// Expired): it makes the finding fail again.
func (a Acknowledgement) Validate(now time.Time, known map[string]bool) error {
	var errs []error
	switch {
	case strings.TrimSpace(a.ControlID) == "":
		errs = append(errs, errors.New("ControlID is empty: name a control (LS-...) or a cdk-nag rule (AwsSolutions-IAM4)"))
	case strings.HasPrefix(a.ControlID, "LS-"):
		if known != nil && !known[a.ControlID] {
			errs = append(errs, fmt.Errorf("ControlID %q is not in the catalog", a.ControlID))
		}
	case !nagRuleID.MatchString(a.ControlID):
		errs = append(errs, fmt.Errorf("ControlID %q is neither a catalog ID nor a cdk-nag rule ID like AwsSolutions-IAM4", a.ControlID))
	}
	if strings.TrimSpace(a.Environment) == "" {
		errs = append(errs, errors.New(`Environment is empty: use an environment name or "*"`))
	}
	if strings.TrimSpace(a.Resource) == "" {
		errs = append(errs, errors.New(`Resource is empty: give a construct-path glob such as "Prod-Data/Cluster/**"`))
	} else if _, err := globRegexp(a.Resource); err != nil {
		errs = append(errs, fmt.Errorf("Resource %q: %w", a.Resource, err))
	}
	if len(strings.TrimSpace(a.Reason)) < 20 {
		errs = append(errs, fmt.Errorf("Reason %q is too short: explain in at least 20 characters why the risk is accepted", a.Reason))
	}
	if strings.TrimSpace(a.Owner) == "" {
		errs = append(errs, errors.New("Owner is empty: name the accountable person or team"))
	}
	if a.Expires.IsZero() {
		errs = append(errs, errors.New("Expires is not set: give a date at most one year ahead"))
	} else if a.Expires.After(now.Add(MaxAcknowledgementHorizon)) {
		errs = append(errs, fmt.Errorf("Expires %s is more than one year after %s: shorten it", a.Expires.Format("2006-01-02"), now.Format("2006-01-02")))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("acknowledgement %s on %q: %w", a.ControlID, a.Resource, errors.Join(errs...))
}

// Expired reports whether the acknowledgement no longer counts at now (it counts through
// the whole Expires day, UTC).
func (a Acknowledgement) Expired(now time.Time) bool {
	end := time.Date(a.Expires.Year(), a.Expires.Month(), a.Expires.Day(), 0, 0, 0, 0, time.UTC).Add(24 * time.Hour)
	return !now.Before(end)
}

// Covers reports whether the acknowledgement names this control or rule, environment and
// construct path (leading slashes ignored). It does not look at the expiry.
func (a Acknowledgement) Covers(controlID, env, path string) bool {
	if a.ControlID != controlID {
		return false
	}
	if a.Environment != "*" && a.Environment != env {
		return false
	}
	re, err := globRegexp(a.Resource)
	if err != nil {
		return false
	}
	return re.MatchString(strings.TrimPrefix(path, "/"))
}

// globRegexp compiles a construct-path glob: "**" any characters, "*" any characters but
// "/", "?" one character but "/".
func globRegexp(glob string) (*regexp.Regexp, error) {
	g := strings.TrimPrefix(glob, "/")
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(g); i++ {
		switch {
		case strings.HasPrefix(g[i:], "**"):
			b.WriteString(".*")
			i++
		case g[i] == '*':
			b.WriteString("[^/]*")
		case g[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(g[i])))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("invalid glob: %w", err)
	}
	return re, nil
}
