package config

import (
	"errors"
	"strings"
	"testing"
)

func resolved(t *testing.T) map[string]*Environment {
	t.Helper()
	all := Defaults()
	for _, e := range all {
		e.Resolve("", "", "", "")
	}
	return all
}

func TestDefaultsAreValid(t *testing.T) {
	for name, env := range resolved(t) {
		if err := env.Validate(); err != nil {
			t.Errorf("built-in environment %s is invalid: %v", name, err)
		}
	}
}

// Every promised configuration error names the field and the fix.
func TestInvalidConfig(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(e *Environment)
		field  string
		fix    string
	}{
		{"zero AZs", func(e *Environment) { e.AZCount = 0 }, "AZCount", "set AZCount to 2 or 3"},
		{"one AZ", func(e *Environment) { e.AZCount = 1 }, "AZCount", "set AZCount to 2 or 3"},
		{"NAT above AZs", func(e *Environment) { e.NATGateways = 5 }, "NATGateways", "set NATGateways to 1"},
		{"no NAT", func(e *Environment) { e.NATGateways = 0 }, "NATGateways", "one per AZ"},
		{"retention CloudWatch refuses", func(e *Environment) { e.AppLogRetentionDays = 15 }, "AppLogRetentionDays", "use one of [1 3 5 7 14"},
		{"audit retention refused", func(e *Environment) { e.AuditLogRetentionDays = 100 }, "AuditLogRetentionDays", "use one of"},
		{"audit shorter than app", func(e *Environment) { e.AppLogRetentionDays = 365; e.AuditLogRetentionDays = 90 }, "AuditLogRetentionDays", "at least 365"},
		{"prod without deletion protection", func(e *Environment) { e.DeletionProtection = false }, "DeletionProtection", "set DeletionProtection: true for prod"},
		{"missing tag", func(e *Environment) { e.Tags.Owner = "" }, "Tags.Owner", "Owner team e-mail"},
		{"missing cost center", func(e *Environment) { e.Tags.CostCenter = " " }, "Tags.CostCenter", "set a value"},
		{"backup tag value", func(e *Environment) { e.Tags.Backup = "hourly" }, "Tags.Backup", "daily, weekly, none"},
		{"backup days too many", func(e *Environment) { e.BackupRetentionDays = 36 }, "BackupRetentionDays", "seed 000"},
		{"noncurrent under six months", func(e *Environment) { e.NoncurrentVersionDays = 90 }, "NoncurrentVersionDays", "set 180 or more"},
		{"glacier too early", func(e *Environment) { e.LogArchiveGlacierDays = 10 }, "LogArchiveGlacierDays", "30 or more"},
		{"expiry before glacier", func(e *Environment) { e.LogExpirationDays = 100 }, "LogExpirationDays", "seed 003: 730"},
		{"bad account", func(e *Environment) { e.Account = "12345" }, "Account", "CDK_DEFAULT_ACCOUNT"},
		{"bad region", func(e *Environment) { e.Region = "moon-1" }, "Region", "CDK_DEFAULT_REGION"},
		{"region without the edge", func(e *Environment) { e.Region = "eu-west-1" }, "Region", "deploy in us-east-1"},
		{"edge certificate region", func(e *Environment) {
			e.EdgeCertificateARN = "arn:aws:acm:eu-west-1:111111111111:certificate/abc-123"
		}, "EdgeCertificateARN", "in us-east-1"},
		{"edge placeholder for a real account", func(e *Environment) { e.Account = "222222222222" }, "EdgeCertificateARN", "of account 222222222222"},
		{"bad CIDR", func(e *Environment) { e.VPCCIDR = "10.0.0.0/28" }, "VPCCIDR", "10.30.0.0/16"},
		{"prod without readers", func(e *Environment) { e.DatabaseReaders = 0 }, "DatabaseReaders", "1 or more"},
		{"fargate combination", func(e *Environment) { e.ServiceMemoryMiB = 512 }, "ServiceMemoryMiB", "1024 CPU with 2048 MiB"},
		{"alarm e-mail", func(e *Environment) { e.AlarmEmail = "ops" }, "AlarmEmail", "ops@example.org"},
		{"domain outside zone", func(e *Environment) {
			e.Domain = &Domain{Name: "portal.other.org", HostedZoneID: "Z0123456789ABC", HostedZoneName: "lab.org"}
		}, "Domain.Name", "under Domain.HostedZoneName"},
		{"placeholder certificate for a real account", func(e *Environment) { e.Account = "222222222222" }, "CertificateARN", "account 222222222222"},
		{"no certificate", func(e *Environment) { e.CertificateARN = "" }, "CertificateARN", "set Domain to create one"},
		{"replica in same region", func(e *Environment) { e.ReplicaRegion = e.Region }, "ReplicaRegion", "us-west-2"},
		{"latest image tag", func(e *Environment) { e.ImageTag = "latest" }, "ImageTag", "version tag"},
		{"not applicable without reason", func(e *Environment) { e.NotApplicable = map[string]string{"LS-X-1": ""} }, "NotApplicable[LS-X-1]", "write why"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := resolved(t)["prod"]
			c.mutate(env)
			err := env.Validate()
			if err == nil {
				t.Fatalf("expected an error for %s", c.name)
			}
			var fe *FieldError
			found := false
			for _, e := range unwrapAll(err) {
				if errors.As(e, &fe) && fe.Field == c.field {
					found = true
					if fe.Env != "prod" || !strings.Contains(fe.Error(), "fix: ") || !strings.Contains(fe.Fix, c.fix) {
						t.Errorf("error for %s does not name env and fix %q: %v", c.field, c.fix, fe)
					}
				}
			}
			if !found {
				t.Errorf("no error names field %s; got: %v", c.field, err)
			}
		})
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestAllErrorsReportedAtOnce(t *testing.T) {
	env := resolved(t)["dev"]
	env.AZCount = 0
	env.AppLogRetentionDays = 13
	env.Tags.Compliance = ""
	errs := unwrapAll(env.Validate())
	if len(errs) < 3 {
		t.Errorf("want at least 3 errors, got %d: %v", len(errs), errs)
	}
}

func TestResolvePrecedence(t *testing.T) {
	e := &Environment{}
	e.Resolve("222222222222", "", "333333333333", "eu-west-1")
	if e.Account != "222222222222" || e.Region != "eu-west-1" {
		t.Errorf("context must win over environment variables: got %s %s", e.Account, e.Region)
	}
	e = &Environment{}
	e.Resolve("", "", "", "")
	if e.Account != OfflineAccount || e.Region != DefaultRegion {
		t.Errorf("offline defaults: got %s %s", e.Account, e.Region)
	}
}

func TestSelect(t *testing.T) {
	all := Defaults()
	got, err := Select(all, "")
	if err != nil || len(got) != 3 || got[0].Name != "dev" || got[2].Name != "prod" {
		t.Fatalf("all environments in order: %v %v", got, err)
	}
	got, err = Select(all, "prod")
	if err != nil || len(got) != 1 || got[0].Name != "prod" {
		t.Fatalf("prod only: %v %v", got, err)
	}
	if _, err := Select(all, "qa"); err == nil || !strings.Contains(err.Error(), "use one of dev, staging, prod") {
		t.Errorf("unknown environment must name the choices: %v", err)
	}
}

func TestAvailabilityZonesFollowRegion(t *testing.T) {
	e := resolved(t)["prod"]
	azs := e.AvailabilityZones()
	if len(azs) != 3 || azs[0] != "us-east-1a" || azs[2] != "us-east-1c" {
		t.Errorf("AZs: %v", azs)
	}
}
