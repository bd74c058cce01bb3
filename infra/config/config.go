// Package config holds the typed configuration of every labsecure environment (dev, staging,
// prod) and validates it before anything is synthesized. A configuration error names the
// environment, the field, the value and the fix.
package config

import (
	"fmt"
	"sort"
	"time"
)

// Environment is everything that differs between dev, staging and prod. Environments differ
// only through these values: the stacks never branch on the environment's name.
type Environment struct {
	// Name is the short environment name used in stack names and tags: dev, staging or prod.
	Name string
	// Account and Region are where the stacks deploy. Default: CDK_DEFAULT_ACCOUNT /
	// CDK_DEFAULT_REGION, else context "account"/"region", else the offline placeholders
	// OfflineAccount / us-east-1 (synth works without credentials).
	Account string
	Region  string

	// AZCount is how many availability zones the VPC spans (>= 2, <= 3). Default: 2.
	AZCount int
	// NATGateways is the number of NAT gateways (0 .. AZCount); prod uses one per AZ.
	NATGateways int
	// VPCCIDR is the VPC's IPv4 range. Default: 10.0.0.0/16.
	VPCCIDR string

	// AppLogRetentionDays is the retention of application log groups (seed 000: 14 days).
	AppLogRetentionDays int
	// AuditLogRetentionDays is the retention of security-relevant log groups (flow logs,
	// API access logs, CloudTrail, WAF). Must be a value CloudWatch Logs accepts.
	AuditLogRetentionDays int
	// BackupRetentionDays is the database and AWS Backup retention (seed 000: 35 days in prod;
	// seed 003: 7 days).
	BackupRetentionDays int
	// NoncurrentVersionDays is how long noncurrent S3 object versions are kept (seed 000: at
	// least six months, so >= 180).
	NoncurrentVersionDays int
	// LogArchiveGlacierDays and LogExpirationDays drive the log bucket lifecycle (seed 003:
	// Glacier after 90 days, delete after 2 years).
	LogArchiveGlacierDays int
	LogExpirationDays     int

	// DeletionProtection turns on deletion protection on databases and tables and retains
	// stateful resources on stack deletion. Required in prod.
	DeletionProtection bool

	// Database sizing.
	DatabaseInstanceClass string // e.g. "r6g.large"; default "t4g.medium"
	DatabaseReaders       int    // reader instances beside the writer; prod >= 1 across AZs
	// Service sizing (ECS Fargate).
	ServiceCPU          int // CPU units; default 512
	ServiceMemoryMiB    int // default 1024
	ServiceDesiredCount int // default 2
	ServiceMaxCount     int // default 4 (seed 003: up to 4 tasks in production)

	// DocumentDB adds a 3-node DocumentDB cluster and Redis an ElastiCache Redis replication
	// group to the database stack, for the platforms that need them (seed 000). Default: off.
	DocumentDB bool
	Redis      bool

	// CertificateARN is the ACM certificate of the ALB's HTTPS listener (in Region). When a
	// Domain is set and this is empty, a DNS-validated certificate is created. Offline synth
	// uses PlaceholderCertificateARN; deploying to a real account requires a real one.
	CertificateARN string

	// EdgeCertificateARN is the ACM certificate (in us-east-1) of the CloudFront distribution
	// for the portal host (PortalHost). CloudFront enforces TLS 1.2 as the minimum only with a
	// certificate of one's own. Offline synth uses PlaceholderEdgeCertificateARN.
	EdgeCertificateARN string

	// ReplicaRegion, when set, adds a replica stack there and replicates the critical buckets
	// (raw lab results, reports) into it (seed 000: cross-region replication of critical
	// buckets). Without it, control LS-S3-008 must be marked NotApplicable with a reason.
	ReplicaRegion string

	// ImageTag is the tag of the portal and worker images in the environment's ECR
	// repositories (tags are immutable: push a new tag, change it here). Default: "1.0.0".
	ImageTag string

	// MFARequired makes Cognito MFA required (true) or optional (false).
	MFARequired bool

	// AlarmEmail receives alarm and GuardDuty notifications. Required.
	AlarmEmail string
	// Domain is optional: with it the ALB gets an HTTPS certificate for the domain and Route 53
	// aliases are created.
	Domain *Domain

	// Tags are the mandatory tags of seed 003 that are not derived (Environment and
	// Application are set from Name and the application name).
	Tags Tags

	// NotApplicable marks controls that do not apply to this environment, with the reason.
	// It is written into every template's metadata and shown in every control report.
	NotApplicable map[string]string
}

// Domain is an optional custom domain.
type Domain struct {
	Name           string // e.g. "portal.example-lab.org"
	HostedZoneID   string // Route 53 zone id, e.g. "Z0123456789ABCDEFGHIJ"
	HostedZoneName string // e.g. "example-lab.org"
	// CertificateARN of an existing ACM certificate for Name in Region (for the ALB); when
	// empty a DNS-validated certificate is created in the hosted zone.
	CertificateARN string
}

// Tags are the seed-003 mandatory tags that each environment sets.
type Tags struct {
	CostCenter string // engineering | operations
	Owner      string // team e-mail
	Compliance string // hipaa, pii-storage, audit-required (space separated: some services reject commas in tags)
	Backup     string // daily | weekly | none
}

// Application is the value of the Application tag and the prefix of every stack name.
const Application = "labsecure"

// OfflineAccount is the placeholder account used when no account is configured, so synth
// works offline. Deploying requires a real account (the CDK CLI sets CDK_DEFAULT_ACCOUNT).
const OfflineAccount = "111111111111"

// PlaceholderCertificateARN stands in for the ALB certificate when synthesizing for the
// offline account. Validation refuses it for any real account.
const PlaceholderCertificateARN = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"

// PlaceholderEdgeCertificateARN stands in for the CloudFront certificate offline.
const PlaceholderEdgeCertificateARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-1111-1111-1111-111111111111"

// DefaultRegion is used when no region is configured (seed 000 runs in us-east-1).
const DefaultRegion = "us-east-1"

// Names of the built-in environments, in deployment order.
var Names = []string{"dev", "staging", "prod"}

// Defaults returns the built-in configuration of every environment, keyed by name.
func Defaults() map[string]*Environment {
	common := func(name string) *Environment {
		return &Environment{
			Name:                  name,
			AZCount:               2,
			NATGateways:           1,
			VPCCIDR:               "10.0.0.0/16",
			AppLogRetentionDays:   14,
			AuditLogRetentionDays: 365,
			BackupRetentionDays:   7,
			NoncurrentVersionDays: 180,
			LogArchiveGlacierDays: 90,
			LogExpirationDays:     730,
			DatabaseInstanceClass: "t4g.medium",
			DatabaseReaders:       0,
			ServiceCPU:            512,
			ServiceMemoryMiB:      1024,
			ServiceDesiredCount:   1,
			ServiceMaxCount:       2,
			ImageTag:              "1.0.0",
			MFARequired:           true,
			AlarmEmail:            "platform-alerts@labsecure.example",
			Tags: Tags{
				CostCenter: "engineering",
				Owner:      "platform@labsecure.example",
				Compliance: "hipaa audit-required",
				Backup:     "daily",
			},
		}
	}
	dev := common("dev")
	dev.VPCCIDR = "10.10.0.0/16"
	dev.AuditLogRetentionDays = 90
	dev.NotApplicable = map[string]string{
		"LS-S3-008": "dev holds synthetic test data only; losing the region loses nothing that is not in git",
	}

	staging := common("staging")
	staging.VPCCIDR = "10.20.0.0/16"
	staging.BackupRetentionDays = 14
	staging.DeletionProtection = true
	staging.NotApplicable = map[string]string{
		"LS-S3-008": "staging holds synthetic and anonymized data only and is rebuilt from prod-like fixtures; no DR copy is kept",
	}
	staging.ServiceDesiredCount = 2
	staging.DatabaseReaders = 1

	prod := common("prod")
	prod.VPCCIDR = "10.30.0.0/16"
	prod.AZCount = 3
	prod.NATGateways = 3
	prod.AuditLogRetentionDays = 2557 // 7 years for HIPAA documentation retention
	prod.BackupRetentionDays = 35     // seed 000: point-in-time recovery up to 35 days
	prod.DeletionProtection = true
	prod.DatabaseInstanceClass = "r6g.large"
	prod.DatabaseReaders = 2
	prod.ServiceCPU = 1024 // seed 003: 1 vCPU, 2 GB per task
	prod.ServiceMemoryMiB = 2048
	prod.ServiceDesiredCount = 2
	prod.ServiceMaxCount = 4
	prod.ReplicaRegion = "us-west-2"
	prod.DocumentDB = true
	prod.Redis = true
	prod.Tags.CostCenter = "operations"
	prod.Tags.Compliance = "hipaa pii-storage audit-required"

	return map[string]*Environment{"dev": dev, "staging": staging, "prod": prod}
}

// StackName is the CloudFormation stack name of one of the environment's stacks, e.g.
// "labsecure-prod-foundation".
func (e *Environment) StackName(part string) string {
	return fmt.Sprintf("%s-%s-%s", Application, e.Name, part)
}

// Prefix is the resource-name prefix of the environment, e.g. "labsecure-prod".
func (e *Environment) Prefix() string { return Application + "-" + e.Name }

// AvailabilityZones returns the AZ names the VPC uses. They are derived from the region so
// that synth needs no AWS lookup.
func (e *Environment) AvailabilityZones() []string {
	return AvailabilityZonesOf(e.Region, e.AZCount)
}

// AvailabilityZonesOf names the first n availability zones of a region.
func AvailabilityZonesOf(region string, n int) []string {
	azs := make([]string, 0, n)
	for i := 0; i < n; i++ {
		azs = append(azs, region+string(rune('a'+i)))
	}
	return azs
}

// Days converts a day count into a duration.
func Days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// MandatoryTags returns every seed-003 tag this environment applies to its resources (the
// Component tag is set per stack).
func (e *Environment) MandatoryTags() map[string]string {
	enc := "kms"
	return map[string]string{
		"Environment": e.Name,
		"Application": Application,
		"CostCenter":  e.Tags.CostCenter,
		"Owner":       e.Tags.Owner,
		"Compliance":  e.Tags.Compliance,
		"Backup":      e.Tags.Backup,
		"Encryption":  enc,
	}
}

// PortalURL is the patient portal's base URL: https://<Domain.Name> when a domain is set,
// else a placeholder under labsecure.example that must be replaced before real use. It is the
// Cognito callback base and the link in notification e-mails.
func (e *Environment) PortalURL() string { return "https://" + e.PortalHost() }

// PortalHost is the host name of the patient portal (the CloudFront alias).
func (e *Environment) PortalHost() string {
	if e.Domain != nil {
		return e.Domain.Name
	}
	return e.Name + ".portal.labsecure.example"
}

// NotApplicableIDs returns the control IDs marked not applicable, sorted.
func (e *Environment) NotApplicableIDs() []string {
	ids := make([]string, 0, len(e.NotApplicable))
	for id := range e.NotApplicable {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
