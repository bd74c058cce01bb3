package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/labsecure/labsecure/constructs/logs"
)

// FieldError is one invalid configuration value.
type FieldError struct {
	Env   string
	Field string
	Value any
	// Problem says what is wrong, Fix how to correct it.
	Problem string
	Fix     string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("config %s.%s = %v: %s; fix: %s", e.Env, e.Field, e.Value, e.Problem, e.Fix)
}

var (
	nameRE     = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	classRE    = regexp.MustCompile(`^[a-z][a-z0-9]*\.[0-9]*[a-z]+$`)
	imageTagRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	zoneIDRE   = regexp.MustCompile(`^Z[A-Z0-9]{4,32}$`)
	certARNRE  = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$`)
)

// Validate checks every field of the environment and returns all problems at once, joined.
// It returns nil for a valid configuration.
func (e *Environment) Validate() error {
	var errs []error
	add := func(field string, value any, problem, fix string) {
		errs = append(errs, &FieldError{Env: e.Name, Field: field, Value: value, Problem: problem, Fix: fix})
	}
	if !nameRE.MatchString(e.Name) {
		add("Name", fmt.Sprintf("%q", e.Name), "not a valid environment name",
			"use 2-12 lower-case letters or digits starting with a letter, e.g. \"prod\"")
	}
	if !accountRE.MatchString(e.Account) {
		add("Account", fmt.Sprintf("%q", e.Account), "not a 12-digit AWS account id",
			"set CDK_DEFAULT_ACCOUNT or -c account=123456789012")
	}
	if !regionRE.MatchString(e.Region) {
		add("Region", fmt.Sprintf("%q", e.Region), "not an AWS region name",
			"set CDK_DEFAULT_REGION or -c region=us-east-1")
	}
	if e.AZCount < 2 || e.AZCount > 3 {
		add("AZCount", e.AZCount, "the VPC must span 2 or 3 availability zones for multi-AZ high availability (seed 000)",
			"set AZCount to 2 or 3")
	}
	if e.NATGateways < 1 || e.NATGateways > max(e.AZCount, 1) {
		add("NATGateways", e.NATGateways, fmt.Sprintf("must be between 1 and AZCount (%d): private subnets need NAT egress", e.AZCount),
			"set NATGateways to 1 (cost) or AZCount (one per AZ, as prod does)")
	}
	if p, err := netip.ParsePrefix(e.VPCCIDR); err != nil || !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 20 {
		add("VPCCIDR", fmt.Sprintf("%q", e.VPCCIDR), "must be an IPv4 CIDR between /16 and /20",
			"use a private range such as 10.30.0.0/16")
	}
	checkRetention := func(field string, days int) {
		if !slices.Contains(logs.RetentionValues, days) {
			add(field, days, "not a retention CloudWatch Logs accepts",
				fmt.Sprintf("use one of %v", logs.RetentionValues))
		}
	}
	checkRetention("AppLogRetentionDays", e.AppLogRetentionDays)
	checkRetention("AuditLogRetentionDays", e.AuditLogRetentionDays)
	if e.AuditLogRetentionDays < e.AppLogRetentionDays {
		add("AuditLogRetentionDays", e.AuditLogRetentionDays, "shorter than AppLogRetentionDays: audit evidence must outlive application logs",
			fmt.Sprintf("set it to at least %d", e.AppLogRetentionDays))
	}
	if e.BackupRetentionDays < 7 || e.BackupRetentionDays > 35 {
		add("BackupRetentionDays", e.BackupRetentionDays, "database backups must be kept 7 to 35 days (35 is the Aurora maximum)",
			"set 7 (seed 003) to 35 (seed 000, prod)")
	}
	if e.NoncurrentVersionDays < 180 {
		add("NoncurrentVersionDays", e.NoncurrentVersionDays, "seed 000 keeps all revisions for at least six months",
			"set 180 or more")
	}
	if e.LogArchiveGlacierDays < 30 {
		add("LogArchiveGlacierDays", e.LogArchiveGlacierDays, "S3 requires objects to stay 30 days before a Glacier transition",
			"set 30 or more (seed 003: 90)")
	}
	if e.LogExpirationDays <= e.LogArchiveGlacierDays+90 {
		add("LogExpirationDays", e.LogExpirationDays, "logs must stay in Glacier at least 90 days after the transition",
			fmt.Sprintf("set more than %d (seed 003: 730)", e.LogArchiveGlacierDays+90))
	}
	if e.Name == "prod" && !e.DeletionProtection {
		add("DeletionProtection", false, "prod must protect its databases and retain its data on stack deletion",
			"set DeletionProtection: true for prod")
	}
	if !classRE.MatchString(e.DatabaseInstanceClass) {
		add("DatabaseInstanceClass", fmt.Sprintf("%q", e.DatabaseInstanceClass), "not an instance class",
			"use the form \"r6g.large\" (without the db. prefix)")
	}
	if e.DatabaseReaders < 0 || e.DatabaseReaders > 15 {
		add("DatabaseReaders", e.DatabaseReaders, "Aurora supports 0 to 15 readers", "set 0-15")
	}
	if e.Name == "prod" && e.DatabaseReaders < 1 {
		add("DatabaseReaders", e.DatabaseReaders, "prod runs one writer and reader replicas across AZs (seed 000)",
			"set DatabaseReaders to 1 or more")
	}
	if !validFargate(e.ServiceCPU, e.ServiceMemoryMiB) {
		add("ServiceMemoryMiB", fmt.Sprintf("%d (CPU %d)", e.ServiceMemoryMiB, e.ServiceCPU), "not a Fargate CPU/memory combination",
			"use CPU 256/512/1024/2048/4096 with a memory size Fargate allows for it, e.g. 1024 CPU with 2048 MiB")
	}
	if e.ServiceDesiredCount < 1 || e.ServiceMaxCount < e.ServiceDesiredCount {
		add("ServiceMaxCount", e.ServiceMaxCount, fmt.Sprintf("need 1 <= ServiceDesiredCount (%d) <= ServiceMaxCount", e.ServiceDesiredCount),
			"raise ServiceMaxCount or lower ServiceDesiredCount")
	}
	switch {
	case e.EdgeCertificateARN == "":
		add("EdgeCertificateARN", `""`, "CloudFront enforces TLS 1.2 only with a certificate of its own",
			"set EdgeCertificateARN to an ACM certificate in us-east-1 covering "+e.PortalHost())
	case e.EdgeCertificateARN == PlaceholderEdgeCertificateARN && e.Account != OfflineAccount:
		add("EdgeCertificateARN", "the offline placeholder", "a real account needs a real certificate",
			"set EdgeCertificateARN to an ACM certificate in us-east-1 of account "+e.Account)
	case !certARNRE.MatchString(e.EdgeCertificateARN) || !strings.Contains(e.EdgeCertificateARN, ":acm:us-east-1:"):
		add("EdgeCertificateARN", fmt.Sprintf("%q", e.EdgeCertificateARN), "CloudFront takes certificates from us-east-1 only",
			"request or import the certificate in us-east-1 and paste its ARN")
	}
	if regionRE.MatchString(e.Region) && e.Region != "us-east-1" {
		add("Region", fmt.Sprintf("%q", e.Region), "the edge stack's CloudFront web ACL and the distribution's certificate must live in us-east-1, and cross-region stacks are not supported yet",
			"deploy in us-east-1 (seed 000 runs there)")
	}
	if e.ReplicaRegion != "" && (!regionRE.MatchString(e.ReplicaRegion) || e.ReplicaRegion == e.Region) {
		add("ReplicaRegion", fmt.Sprintf("%q", e.ReplicaRegion), "must be another AWS region than Region",
			"set a second region such as us-west-2, or leave empty (then mark LS-S3-008 NotApplicable with a reason)")
	}
	if !imageTagRE.MatchString(e.ImageTag) || e.ImageTag == "latest" {
		add("ImageTag", fmt.Sprintf("%q", e.ImageTag), "not a usable image tag (tags are immutable, so \"latest\" is refused)",
			"push the image with a version tag such as 1.4.2 and set it here")
	}
	if addr, err := mail.ParseAddress(e.AlarmEmail); err != nil || addr.Address != e.AlarmEmail {
		add("AlarmEmail", fmt.Sprintf("%q", e.AlarmEmail), "not a plain e-mail address",
			"set the operations team's address, e.g. ops@example.org")
	}
	if d := e.Domain; d != nil {
		if d.Name == "" || d.HostedZoneName == "" || !strings.HasSuffix(d.Name, d.HostedZoneName) {
			add("Domain.Name", fmt.Sprintf("%q", d.Name), fmt.Sprintf("must be inside the hosted zone %q", d.HostedZoneName),
				"set Domain.Name to a name under Domain.HostedZoneName")
		}
		if !zoneIDRE.MatchString(d.HostedZoneID) {
			add("Domain.HostedZoneID", fmt.Sprintf("%q", d.HostedZoneID), "not a Route 53 hosted zone id",
				"copy the zone id (Z...) from Route 53")
		}
		if d.CertificateARN != "" && !certARNRE.MatchString(d.CertificateARN) {
			add("Domain.CertificateARN", fmt.Sprintf("%q", d.CertificateARN), "not an ACM certificate ARN",
				"leave empty to create a DNS-validated certificate, or paste the ARN from ACM")
		}
	}
	switch {
	case e.CertificateARN == "" && e.Domain == nil:
		add("CertificateARN", `""`, "the ALB listens on HTTPS only and needs a certificate",
			"set CertificateARN to an ACM certificate in Region, or set Domain to create one")
	case e.CertificateARN == PlaceholderCertificateARN && e.Account != OfflineAccount:
		add("CertificateARN", "the offline placeholder", "a real account needs a real certificate",
			"set CertificateARN to an ACM certificate ARN of account "+e.Account+", or set Domain to create one")
	case e.CertificateARN != "" && !certARNRE.MatchString(e.CertificateARN):
		add("CertificateARN", fmt.Sprintf("%q", e.CertificateARN), "not an ACM certificate ARN",
			"paste the ARN from ACM (arn:aws:acm:<region>:<account>:certificate/<id>)")
	}
	tagFields := []struct{ field, value string }{
		{"Tags.CostCenter", e.Tags.CostCenter}, {"Tags.Owner", e.Tags.Owner},
		{"Tags.Compliance", e.Tags.Compliance}, {"Tags.Backup", e.Tags.Backup},
	}
	for _, tf := range tagFields {
		if strings.TrimSpace(tf.value) == "" {
			add(tf.field, `""`, "mandatory tag missing (seed 003 tagging strategy)",
				"set a value, e.g. CostCenter engineering|operations, Owner team e-mail, Compliance hipaa, Backup daily")
		}
	}
	if b := e.Tags.Backup; b != "" && b != "daily" && b != "weekly" && b != "none" {
		add("Tags.Backup", fmt.Sprintf("%q", b), "seed 003 allows daily, weekly or none", "use one of daily, weekly, none")
	}
	for _, id := range e.NotApplicableIDs() {
		if strings.TrimSpace(e.NotApplicable[id]) == "" {
			add("NotApplicable["+id+"]", `""`, "a control can be marked not applicable only with a reason",
				"write why the control does not apply to this environment")
		}
	}
	return errors.Join(errs...)
}

// fargateMemory lists the memory sizes (MiB) Fargate allows per CPU size.
func validFargate(cpu, mem int) bool {
	switch cpu {
	case 256:
		return mem == 512 || mem == 1024 || mem == 2048
	case 512:
		return mem >= 1024 && mem <= 4096 && mem%1024 == 0
	case 1024:
		return mem >= 2048 && mem <= 8192 && mem%1024 == 0
	case 2048:
		return mem >= 4096 && mem <= 16384 && mem%1024 == 0
	case 4096:
		return mem >= 8192 && mem <= 30720 && mem%1024 == 0
	}
	return false
}

// Resolve fills Account and Region from the given sources, in order of precedence:
// explicit context values, the CDK_DEFAULT_* environment variables, the offline defaults.
func (e *Environment) Resolve(contextAccount, contextRegion, envAccount, envRegion string) {
	e.Account = firstNonEmpty(e.Account, contextAccount, envAccount, OfflineAccount)
	e.Region = firstNonEmpty(e.Region, contextRegion, envRegion, DefaultRegion)
	if e.Account == OfflineAccount {
		if e.CertificateARN == "" && e.Domain == nil {
			e.CertificateARN = PlaceholderCertificateARN
		}
		if e.EdgeCertificateARN == "" {
			e.EdgeCertificateARN = PlaceholderEdgeCertificateARN
		}
	}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// Select returns the environments named by the comma-separated selector (context "env"); an
// empty selector or "all" selects every environment in deployment order.
func Select(all map[string]*Environment, selector string) ([]*Environment, error) {
	if selector == "" || selector == "all" {
		out := make([]*Environment, 0, len(all))
		for _, n := range Names {
			if e, ok := all[n]; ok {
				out = append(out, e)
			}
		}
		return out, nil
	}
	var out []*Environment
	for _, n := range strings.Split(selector, ",") {
		n = strings.TrimSpace(n)
		e, ok := all[n]
		if !ok {
			return nil, fmt.Errorf("context env=%q: unknown environment %q; fix: use one of %s or all", selector, n, strings.Join(Names, ", "))
		}
		out = append(out, e)
	}
	return out, nil
}
