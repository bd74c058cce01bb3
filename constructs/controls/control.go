package controls

import "github.com/labsecure/labsecure/constructs/cfn"

// Severity ranks a control; it maps to SARIF levels (critical and high are errors).
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Scope says whether a control runs once per stack or once per environment.
type Scope int

const (
	// ScopeStack runs the check once per stack over that stack's resources.
	ScopeStack Scope = iota
	// ScopeEnvironment runs the check once per environment over the resources of all its
	// stacks; used for account-wide services (GuardDuty, CloudTrail) that one stack provides.
	ScopeEnvironment
)

// Control is one testable security statement of a seed document.
type Control struct {
	// ID is stable and unique, e.g. "LS-S3-001".
	ID string
	// Title states the requirement in one line.
	Title    string
	Severity Severity
	// Seed is the seed file name, e.g. "000_62a51c6c41b95dee.txt".
	Seed string
	// Sentence is copied verbatim from the seed file (one sentence or list item).
	Sentence string
	// ResourceTypes are the CloudFormation types the check reads.
	ResourceTypes []string
	// Remediation says how to fix a finding, in CDK terms.
	Remediation string
	Scope       Scope
	// Check returns the findings; it marks what it examined through the Context.
	Check func(*Context) []Finding
}

// Finding is one violation of a control by one resource (or by a missing resource).
type Finding struct {
	ControlID    string
	Environment  string
	Stack        string
	TemplateFile string
	// LogicalID is empty for a finding about something missing from the environment.
	LogicalID string
	// Path is the construct path (aws:cdk:path) or the logical ID.
	Path    string
	Message string
	// Ack is the acknowledgement covering this finding, nil when open.
	Ack *Acknowledgement
}

// ResourceRef names one resource a control examined.
type ResourceRef struct {
	Stack     string
	LogicalID string
	Path      string
	Type      string
}

func refOf(stack string, r *cfn.Resource) ResourceRef {
	return ResourceRef{Stack: stack, LogicalID: r.LogicalID, Path: r.Path(), Type: r.Type}
}
