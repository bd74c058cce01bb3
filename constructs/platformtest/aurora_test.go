package platformtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func TestAuroraCluster(t *testing.T) {
	cases := []struct {
		prefix, sgName                 string
		engine, versionPrefix          string
		exports                        []string
		tlsParam, tlsValue             string
		backupDays, instances, logDays int
		deletionPolicy                 string
		rotationType, clientName       string
		port                           int
	}{
		{"AuroraPg", "pgSG", "aurora-postgresql", "16.", []string{"postgresql"}, "rds.force_ssl", "1", 7, 1, 14, "Snapshot", "PostgreSQLSingleUser", "appSG", 5432},
		{"AuroraMy", "mySG", "aurora-mysql", "8.0.mysql_aurora.3.", []string{"audit", "error", "slowquery"}, "require_secure_transport", "ON", 35, 3, 60, "Retain", "MySQLSingleUser", "otherSG", 3306},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			cl := one(t, c.prefix, "AWS::RDS::DBCluster")
			pgroup := tpl.Resolve(get(cl, "DBClusterParameterGroupName"))
			subnets := tpl.Resolve(get(cl, "DBSubnetGroupName"))
			runChecks(t, cl.Path(), []check{
				{"Engine " + c.engine, str(cl, "Engine") == c.engine, str(cl, "Engine")},
				{"EngineVersion " + c.versionPrefix + "*", strings.HasPrefix(str(cl, "EngineVersion"), c.versionPrefix), str(cl, "EngineVersion")},
				{"StorageEncrypted", boolean(cl, "StorageEncrypted"), get(cl, "StorageEncrypted")},
				{"KmsKeyId is the data key", refs(get(cl, "KmsKeyId"), "dataKey"), get(cl, "KmsKeyId")},
				{"IAM database authentication", boolean(cl, "EnableIAMDatabaseAuthentication"), get(cl, "EnableIAMDatabaseAuthentication")},
				{"BackupRetentionPeriod", num(cl, "BackupRetentionPeriod") == c.backupDays, get(cl, "BackupRetentionPeriod")},
				{"backup window 03:00-04:00", str(cl, "PreferredBackupWindow") == "03:00-04:00", get(cl, "PreferredBackupWindow")},
				{"maintenance Sunday 04:00", str(cl, "PreferredMaintenanceWindow") == "sun:04:00-sun:05:00", get(cl, "PreferredMaintenanceWindow")},
				{"DeletionProtection", boolean(cl, "DeletionProtection"), get(cl, "DeletionProtection")},
				{"DeletionPolicy " + c.deletionPolicy, cl.DeletionPolicy == c.deletionPolicy && cl.UpdateReplacePolicy == c.deletionPolicy, cl.DeletionPolicy},
				{"log exports", join(strs(cl, "EnableCloudwatchLogsExports")) == join(c.exports), get(cl, "EnableCloudwatchLogsExports")},
				{"CopyTagsToSnapshot", boolean(cl, "CopyTagsToSnapshot"), get(cl, "CopyTagsToSnapshot")},
				{"Port", num(cl, "Port") == c.port, get(cl, "Port")},
				{"security group is the construct's", len(cl.List("VpcSecurityGroupIds")) == 1 && refs(cl.List("VpcSecurityGroupIds")[0], c.sgName), get(cl, "VpcSecurityGroupIds")},
				{"parameter group forces TLS", pgroup != nil && str(pgroup, "Parameters", c.tlsParam) == c.tlsValue, pgroup},
				{"subnet group in isolated subnets", subnets != nil && isolatedSubnetRefs(subnets.List("SubnetIds")), subnets},
				{"master secret from Secrets Manager", strings.Contains(toJSON(get(cl, "MasterUserPassword")), "resolve:secretsmanager"), get(cl, "MasterUserPassword")},
			})

			insts := under(c.prefix, "AWS::RDS::DBInstance")
			if len(insts) != c.instances {
				t.Errorf("%s: %d DB instances, want %d (writer + readers)", c.prefix, len(insts), c.instances)
			}
			azs := map[string]bool{}
			for _, in := range insts {
				azs[str(in, "AvailabilityZone")] = true
				runChecks(t, in.Path(), []check{
					{"MonitoringInterval 60", num(in, "MonitoringInterval") == 60, get(in, "MonitoringInterval")},
					{"MonitoringRoleArn", in.Has("MonitoringRoleArn"), nil},
					{"Performance Insights on", boolean(in, "EnablePerformanceInsights"), get(in, "EnablePerformanceInsights")},
					{"Performance Insights key is the data key", refs(get(in, "PerformanceInsightsKMSKeyId"), "dataKey"), get(in, "PerformanceInsightsKMSKeyId")},
					{"not publicly accessible", in.Has("PubliclyAccessible") && !boolean(in, "PubliclyAccessible"), get(in, "PubliclyAccessible")},
					{"in the cluster", refs(get(in, "DBClusterIdentifier"), "") || cfn.ReferencesTo(get(in, "DBClusterIdentifier"), cl.LogicalID), get(in, "DBClusterIdentifier")},
				})
			}
			if c.instances > 1 && len(azs) < 2 {
				t.Errorf("%s: instances in AZs %v, want spread over >= 2", c.prefix, azs)
			}

			// Security group: port only from the client group and the rotation Lambda; no open egress.
			sgID := ids[c.sgName]
			rot := under(c.prefix+"/RotationSecurityGroup", "AWS::EC2::SecurityGroup")
			if len(rot) != 1 {
				t.Fatalf("%s: want one rotation security group, got %d", c.prefix, len(rot))
			}
			if msg := onlyFromGroups(sgID, c.port, ids[c.clientName], rot[0].LogicalID); msg != "" {
				t.Errorf("%s security group: %s", c.prefix, msg)
			}
			if !noOpenEgress(sgID) || !noOpenEgress(rot[0].LogicalID) {
				t.Errorf("%s: a security group allows all outbound traffic", c.prefix)
			}

			// Credentials: CMK-encrypted secret rotated every 30 days by the hosted rotation.
			sec := one(t, c.prefix, "AWS::SecretsManager::Secret")
			if !refs(get(sec, "KmsKeyId"), "secretsKey") {
				t.Errorf("%s: secret KmsKeyId %v, want the secrets key", c.prefix, get(sec, "KmsKeyId"))
			}
			rs := one(t, c.prefix, "AWS::SecretsManager::RotationSchedule")
			runChecks(t, rs.Path(), []check{
				{"rate(30 days)", str(rs, "RotationRules", "ScheduleExpression") == "rate(30 days)", get(rs, "RotationRules")},
				{"hosted rotation type", str(rs, "HostedRotationLambda", "RotationType") == c.rotationType, get(rs, "HostedRotationLambda", "RotationType")},
				{"rotation Lambda uses the secrets key", refs(get(rs, "HostedRotationLambda", "KmsKeyArn"), "secretsKey"), get(rs, "HostedRotationLambda", "KmsKeyArn")},
				{"rotation Lambda in the rotation group", cfn.ReferencesTo(get(rs, "HostedRotationLambda", "VpcSecurityGroupIds"), rot[0].LogicalID), get(rs, "HostedRotationLambda", "VpcSecurityGroupIds")},
				{"rotates the attached secret", len(resolveAll(get(rs, "SecretId"))) == 1 && resolveAll(get(rs, "SecretId"))[0].Type == "AWS::SecretsManager::SecretTargetAttachment", get(rs, "SecretId")},
			})

			// Exported logs: encrypted, explicit retention, created before the cluster.
			lgs := under(c.prefix, "AWS::Logs::LogGroup")
			if len(lgs) != len(c.exports) {
				t.Errorf("%s: %d log groups, want %d", c.prefix, len(lgs), len(c.exports))
			}
			for _, lg := range lgs {
				name := str(lg, "LogGroupName")
				runChecks(t, lg.Path(), []check{
					{"named after the cluster", strings.HasPrefix(name, "/aws/rds/cluster/") && slices.Contains(c.exports, name[strings.LastIndex(name, "/")+1:]), name},
					{"retention", num(lg, "RetentionInDays") == c.logDays, get(lg, "RetentionInDays")},
					{"logs key", refs(get(lg, "KmsKeyId"), "logsKey"), get(lg, "KmsKeyId")},
					{"cluster depends on it", slices.Contains(cl.DependsOn, lg.LogicalID), cl.DependsOn},
				})
			}
		})
	}
	if !hasTransform("AWS::SecretsManager-2024-09-16") {
		t.Errorf("template Transform %v lacks AWS::SecretsManager-2024-09-16 (hosted rotation)", raw["Transform"])
	}
}

// TestAuroraGrantConnect checks IAM database authentication grants: rds-db:connect for one
// database user of this cluster only.
func TestAuroraGrantConnect(t *testing.T) {
	sts := policyStatementsOf("dbUserRole")
	if len(sts) != 1 {
		t.Fatalf("db user role statements %v, want exactly one", sts)
	}
	res := toJSON(sts[0]["Resource"])
	if toJSON(sts[0]["Action"]) != `"rds-db:connect"` || !strings.Contains(res, ":dbuser:") || !strings.Contains(res, "/app_user") || !strings.Contains(res, ids["pgCluster"]) {
		t.Errorf("GrantConnect statement %v, want rds-db:connect on dbuser:<this cluster's resource id>/app_user", sts[0])
	}
}

func hasTransform(name string) bool {
	switch tr := raw["Transform"].(type) {
	case string:
		return tr == name
	case []any:
		for _, e := range tr {
			if e == name {
				return true
			}
		}
	}
	return false
}
