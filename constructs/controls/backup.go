package controls

import (
	"fmt"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func backupControls() []Control {
	return []Control{backupRetention(), dynamoPITR(), deletionProtection()}
}

// backupRetention
//
//	Rule Identifier: LS-BAK-001
//	Description:     Automated database backups are kept BackupRetentionDays (default 35).
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance (not in a cluster), AWS::DocDB::DBCluster
//	Scenarios:
//	  SKIP: no database in the stack.
//	  PASS: BackupRetentionPeriod >= the environment's BackupRetentionDays.
//	  FAIL: absent (1 day default) or shorter.
func backupRetention() Control {
	types := []string{rdsCluster, rdsInstance, docCluster}
	return Control{
		ID: "LS-BAK-001", Title: "Database backups are kept the configured days (35)", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "Nightly automated backups are taken and stored across different availability zones, with point-in-time recovery available for up to 35 days.",
		ResourceTypes: types,
		Remediation:   "Set Backup: &awsrds.BackupProps{Retention: awscdk.Duration_Days(35)} (the environment's BackupRetentionDays).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			n, ok := r.Int("BackupRetentionPeriod")
			if !ok {
				n = 1
			}
			if n < c.Settings.BackupRetentionDays {
				return fmt.Sprintf("backups are kept %d day(s), want at least %d", n, c.Settings.BackupRetentionDays)
			}
			return ""
		}),
	}
}

// dynamoPITR
//
//	Rule Identifier: LS-BAK-002
//	Description:     DynamoDB tables have point-in-time recovery.
//	Reports on:      AWS::DynamoDB::Table
//	Scenarios:
//	  SKIP: no table.
//	  PASS: PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled true.
//	  FAIL: absent or false.
func dynamoPITR() Control {
	types := []string{dynamoTable}
	return Control{
		ID: "LS-BAK-002", Title: "DynamoDB tables have point-in-time recovery", Severity: Medium,
		Seed: seedLablogs, Sentence: sentBackups, ResourceTypes: types,
		Remediation: "Set PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)}.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"); !on {
				return "point-in-time recovery is off"
			}
			return ""
		}),
	}
}

// deletionProtection
//
//	Rule Identifier: LS-BAK-003
//	Description:     Where the environment asks for it (DeletionProtection), databases and tables
//	                 have deletion protection and are retained or snapshotted on stack deletion.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance (not in a cluster), AWS::DocDB::DBCluster, AWS::DynamoDB::Table
//	Scenarios:
//	  SKIP: DeletionProtection is false for the stack, or no database.
//	  PASS: DeletionProtection / DeletionProtectionEnabled true and DeletionPolicy Retain, RetainExceptOnCreate or Snapshot.
//	  FAIL: otherwise.
func deletionProtection() Control {
	types := []string{rdsCluster, rdsInstance, docCluster, dynamoTable}
	return Control{
		ID: "LS-BAK-003", Title: "Databases are protected from deletion where configured", Severity: Medium,
		Seed: seedLablogs, Sentence: sentBackups, ResourceTypes: types,
		Remediation: "Set DeletionProtection: jsii.Bool(true) and RemovalPolicy RETAIN / SNAPSHOT for the environment.",
		Check: func(c *Context) []Finding {
			if !c.Settings.DeletionProtection {
				c.Skip("the environment does not require deletion protection (Labsecure.DeletionProtection is false)")
				return nil
			}
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				if clusterMember(r) {
					return outOfScope
				}
				prop := "DeletionProtection"
				if r.Type == dynamoTable {
					prop = "DeletionProtectionEnabled"
				}
				on, _ := r.Bool(prop)
				pol := r.DeletionPolicy
				keep := pol == "Retain" || pol == "RetainExceptOnCreate" || pol == "Snapshot"
				return problems(map[bool]string{false: prop + " is not true"}[on],
					map[bool]string{false: fmt.Sprintf("DeletionPolicy is %q, want Retain or Snapshot", pol)}[keep])
			})(c)
		},
	}
}
