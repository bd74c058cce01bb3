package controls

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// MaxRotationDays is the seed's secret rotation period.
const MaxRotationDays = 30

func secretControls() []Control { return []Control{secretEncryption(), dbCredentialRotation()} }

// secretEncryption
//
//	Rule Identifier: LS-SEC-001
//	Description:     Secrets encrypt with a rotated customer-managed key.
//	Reports on:      AWS::SecretsManager::Secret, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no secret.
//	  PASS: KmsKeyId resolves to a rotated AWS::KMS::Key.
//	  FAIL: default aws/secretsmanager key or unrotated key.
func secretEncryption() Control {
	types := []string{secretType}
	return Control{
		ID: "LS-SEC-001", Title: "Secrets encrypt with a rotated customer-managed key", Severity: High,
		Seed: seedMenoTime, Sentence: "Secrets Manager (secret encryption)", ResourceTypes: types,
		Remediation: "Set EncryptionKey on the secret (awsrds.Credentials_FromGeneratedSecret(user, &CredentialsBaseOptions{EncryptionKey: key})).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			return keyProblem(c, r, r.Properties["KmsKeyId"], "KmsKeyId")
		}),
	}
}

var rateDays = regexp.MustCompile(`^rate\((\d+) days?\)$`)

// rotationDays returns the rotation period of a RotationSchedule, or 0 when unknown.
func rotationDays(rs *cfn.Resource) int {
	if n, ok := rs.Int("RotationRules", "AutomaticallyAfterDays"); ok {
		return n
	}
	if e, ok := rs.String("RotationRules", "ScheduleExpression"); ok {
		if m := rateDays.FindStringSubmatch(e); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return 0
}

// dbCredentialRotation
//
//	Rule Identifier: LS-SEC-002
//	Description:     Database credentials live in Secrets Manager and rotate at least every 30 days.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance (not in a cluster), AWS::DocDB::DBCluster,
//	                 AWS::SecretsManager::Secret, AWS::SecretsManager::RotationSchedule
//	Scenarios:
//	  SKIP: no database.
//	  PASS: ManageMasterUserPassword (RDS rotates every 7 days), or MasterUserPassword resolves from a secret
//	        with a RotationSchedule of 1..30 days.
//	  FAIL: a literal password, a secret without rotation, or rotation longer than 30 days.
func dbCredentialRotation() Control {
	types := []string{rdsCluster, rdsInstance, docCluster}
	return Control{
		ID: "LS-SEC-002", Title: "Database credentials rotate every 30 days", Severity: High,
		Seed: seedMenoTime, Sentence: "Rotation: Every 30 days", ResourceTypes: append(types, secretType, rotationType),
		Remediation: "Use generated secret credentials and cluster.AddRotationSingleUser(&RotationSingleUserOptions{AutomaticallyAfter: awscdk.Duration_Days(30)}).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			if on, _ := r.Bool("ManageMasterUserPassword"); on {
				return ""
			}
			pw, ok := r.Get("MasterUserPassword")
			if !ok {
				if r.Has("SnapshotIdentifier") || r.Has("SourceDBClusterIdentifier") {
					return outOfScope
				}
				return "no master credentials in Secrets Manager (neither MasterUserPassword nor ManageMasterUserPassword)"
			}
			if _, literal := pw.(string); literal {
				return "MasterUserPassword is a literal: keep it in Secrets Manager"
			}
			var secret *cfn.Resource
			for _, s := range c.Env.OfType(secretType) {
				if c.Env.Refers(r, pw, s) {
					secret = s
				}
			}
			if secret == nil {
				return "MasterUserPassword does not resolve from a Secrets Manager secret of this environment"
			}
			best := 0
			for _, rs := range c.Env.OfType(rotationType) {
				if rotates(c, rs, secret) {
					if d := rotationDays(rs); d > 0 && (best == 0 || d < best) {
						best = d
					}
				}
			}
			switch {
			case best == 0:
				return fmt.Sprintf("secret %s has no rotation schedule", secret.Path())
			case best > MaxRotationDays:
				return fmt.Sprintf("secret %s rotates every %d days, want at most %d", secret.Path(), best, MaxRotationDays)
			}
			return ""
		}),
	}
}

// rotates reports whether the rotation schedule rs targets secret, directly or through a
// SecretTargetAttachment (whose Ref is the secret ARN, as aws-cdk-lib generates it).
func rotates(c *Context, rs, secret *cfn.Resource) bool {
	v, ok := rs.Get("SecretId")
	if !ok {
		return false
	}
	target := c.Resolve(rs, v)
	if target != nil && target.Type == attachmentTyp {
		return c.Env.Refers(target, target.Properties["SecretId"], secret)
	}
	return c.Env.Refers(rs, v, secret)
}
