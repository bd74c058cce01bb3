package platformtest

import (
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func TestTable(t *testing.T) {
	cases := []struct {
		prefix         string
		billing        string
		deletion       bool
		recovery       int
		keys           string // HASH[,RANGE] attribute names
		gsis           string
		ttl, insights  bool
		appendOnly     bool
		deletionPolicy string
	}{
		{"Results", "PAY_PER_REQUEST", true, 35, "result_id", "by-patient", false, false, false, "Delete"},
		{"Audit", "PAY_PER_REQUEST", true, 14, "stream,seq", "", true, true, true, "Retain"},
		{"Scratch", "PROVISIONED", false, 35, "id", "", false, false, false, "Delete"},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			tb := one(t, c.prefix, "AWS::DynamoDB::Table")
			var keys []string
			for _, k := range tb.List("KeySchema") {
				keys = append(keys, toMap(k)["AttributeName"].(string))
			}
			var gsis []string
			for _, g := range tb.List("GlobalSecondaryIndexes") {
				gsis = append(gsis, toMap(g)["IndexName"].(string))
			}
			deny := false
			for _, st := range tb.List("ResourcePolicy", "PolicyDocument", "Statement") {
				m := toMap(st)
				deny = deny || m["Effect"] == "Deny" && strings.Contains(toJSON(m["Action"]), "dynamodb:DeleteItem") && strings.Contains(toJSON(m["Action"]), "dynamodb:UpdateItem")
			}
			runChecks(t, tb.Path(), []check{
				{"SSE with KMS", boolean(tb, "SSESpecification", "SSEEnabled") && str(tb, "SSESpecification", "SSEType") == "KMS", get(tb, "SSESpecification")},
				{"KMS key is the data key (customer managed)", refs(get(tb, "SSESpecification", "KMSMasterKeyId"), "dataKey"), get(tb, "SSESpecification", "KMSMasterKeyId")},
				{"PITR on", boolean(tb, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"), get(tb, "PointInTimeRecoverySpecification")},
				{"PITR period", num(tb, "PointInTimeRecoverySpecification", "RecoveryPeriodInDays") == c.recovery, get(tb, "PointInTimeRecoverySpecification")},
				{"billing " + c.billing, billing(tb) == c.billing, get(tb, "BillingMode")},
				{"deletion protection", boolean(tb, "DeletionProtectionEnabled") == c.deletion, get(tb, "DeletionProtectionEnabled")},
				{"key schema " + c.keys, join(keys) == c.keys, keys},
				{"GSIs " + c.gsis, join(gsis) == c.gsis, gsis},
				{"TTL", boolean(tb, "TimeToLiveSpecification", "Enabled") == c.ttl, get(tb, "TimeToLiveSpecification")},
				{"contributor insights", boolean(tb, "ContributorInsightsSpecification", "Enabled") == c.insights, get(tb, "ContributorInsightsSpecification")},
				{"append-only resource policy", deny == c.appendOnly, get(tb, "ResourcePolicy")},
				{"DeletionPolicy " + c.deletionPolicy, tb.DeletionPolicy == c.deletionPolicy, tb.DeletionPolicy},
			})
		})
	}
	// GrantAppend gives PutItem (and no update/delete) on the audit table.
	var actions []string
	for _, p := range tpl.OfType("AWS::IAM::Policy") {
		if !cfn.ReferencesTo(get(p, "Roles"), ids["appendRole"]) {
			continue
		}
		for _, st := range p.List("PolicyDocument", "Statement") {
			m := toMap(st)
			if strings.Contains(toJSON(m["Resource"]), "Audit") {
				actions = append(actions, toJSON(m["Action"]))
			}
		}
	}
	got := strings.Join(actions, " ")
	if !strings.Contains(got, "dynamodb:PutItem") || strings.Contains(got, "UpdateItem") || strings.Contains(got, "DeleteItem") || strings.Contains(got, "dynamodb:*") {
		t.Errorf("GrantAppend actions on the audit table = %s, want PutItem without update/delete", got)
	}
}

func TestDocumentDB(t *testing.T) {
	cl := one(t, "DocDb", "AWS::DocDB::DBCluster")
	pgroup := tpl.Resolve(get(cl, "DBClusterParameterGroupName"))
	subnets := tpl.Resolve(get(cl, "DBSubnetGroupName"))
	runChecks(t, cl.Path(), []check{
		{"StorageEncrypted", boolean(cl, "StorageEncrypted"), get(cl, "StorageEncrypted")},
		{"KmsKeyId is the data key", refs(get(cl, "KmsKeyId"), "dataKey"), get(cl, "KmsKeyId")},
		{"TLS enabled by the parameter group", pgroup != nil && str(pgroup, "Parameters", "tls") == "enabled", pgroup},
		{"audit logs enabled by the parameter group", pgroup != nil && str(pgroup, "Parameters", "audit_logs") == "enabled", pgroup},
		{"audit log export", join(strs(cl, "EnableCloudwatchLogsExports")) == "audit", get(cl, "EnableCloudwatchLogsExports")},
		{"backup retention 35", num(cl, "BackupRetentionPeriod") == 35, get(cl, "BackupRetentionPeriod")},
		{"backup window", str(cl, "PreferredBackupWindow") == "03:00-04:00", get(cl, "PreferredBackupWindow")},
		{"deletion protection", boolean(cl, "DeletionProtection"), get(cl, "DeletionProtection")},
		{"DeletionPolicy Snapshot", cl.DeletionPolicy == "Snapshot", cl.DeletionPolicy},
		{"isolated subnets", subnets != nil && isolatedSubnetRefs(subnets.List("SubnetIds")), subnets},
		{"own security group", len(cl.List("VpcSecurityGroupIds")) == 1 && refs(cl.List("VpcSecurityGroupIds")[0], "docdbSG"), get(cl, "VpcSecurityGroupIds")},
	})
	if n := len(under("DocDb", "AWS::DocDB::DBInstance")); n != 3 {
		t.Errorf("DocumentDB has %d instances, want 3 by default (seed 000)", n)
	}
	rot := under("DocDb/RotationSecurityGroup", "AWS::EC2::SecurityGroup")
	if len(rot) != 1 {
		t.Fatalf("DocumentDB: want one rotation security group, got %d", len(rot))
	}
	if msg := onlyFromGroups(ids["docdbSG"], 27017, ids["appSG"], rot[0].LogicalID); msg != "" {
		t.Errorf("DocumentDB security group: %s", msg)
	}
	if !noOpenEgress(ids["docdbSG"]) {
		t.Errorf("DocumentDB security group allows all outbound")
	}
	lg := one(t, "DocDb", "AWS::Logs::LogGroup")
	if !refs(get(lg, "KmsKeyId"), "logsKey") || num(lg, "RetentionInDays") != 30 || str(lg, "LogGroupName") != "/aws/docdb/platformtest-docdb/audit" {
		t.Errorf("DocumentDB audit log group %v: want logs key, 30 days, /aws/docdb/<cluster>/audit", lg.Properties)
	}
	sec := one(t, "DocDb", "AWS::SecretsManager::Secret")
	rs := one(t, "DocDb", "AWS::SecretsManager::RotationSchedule")
	if !refs(get(sec, "KmsKeyId"), "secretsKey") || str(rs, "RotationRules", "ScheduleExpression") != "rate(30 days)" || str(rs, "HostedRotationLambda", "RotationType") != "MongoDBSingleUser" {
		t.Errorf("DocumentDB credentials: secret %v, rotation %v; want secrets key and MongoDB rotation every 30 days", sec.Properties, rs.Properties)
	}
}

func TestRedis(t *testing.T) {
	rg := one(t, "Cache", "AWS::ElastiCache::ReplicationGroup")
	subnets := tpl.Resolve(get(rg, "CacheSubnetGroupName"))
	runChecks(t, rg.Path(), []check{
		{"TLS in transit", boolean(rg, "TransitEncryptionEnabled") && str(rg, "TransitEncryptionMode") == "required", get(rg, "TransitEncryptionMode")},
		{"encryption at rest", boolean(rg, "AtRestEncryptionEnabled"), get(rg, "AtRestEncryptionEnabled")},
		{"at-rest key is the data key", refs(get(rg, "KmsKeyId"), "dataKey"), get(rg, "KmsKeyId")},
		{"Multi-AZ", boolean(rg, "MultiAZEnabled"), get(rg, "MultiAZEnabled")},
		{"automatic failover", boolean(rg, "AutomaticFailoverEnabled"), get(rg, "AutomaticFailoverEnabled")},
		{">= 2 nodes", num(rg, "NumCacheClusters") >= 2, get(rg, "NumCacheClusters")},
		{"nodes spread over AZs", join(strs(rg, "PreferredCacheClusterAZs")) == "us-east-1a,us-east-1b", get(rg, "PreferredCacheClusterAZs")},
		{"AUTH token from the secret", refs(get(rg, "AuthToken"), "redisToken") && strings.Contains(toJSON(get(rg, "AuthToken")), "resolve:secretsmanager"), get(rg, "AuthToken")},
		{"snapshot retention 15 days", num(rg, "SnapshotRetentionLimit") == 15, get(rg, "SnapshotRetentionLimit")},
		{"isolated subnets", subnets != nil && isolatedSubnetRefs(subnets.List("SubnetIds")), subnets},
		{"own security group", len(rg.List("SecurityGroupIds")) == 1 && refs(rg.List("SecurityGroupIds")[0], "redisSG"), get(rg, "SecurityGroupIds")},
		{"DeletionPolicy Snapshot", rg.DeletionPolicy == "Snapshot", rg.DeletionPolicy},
	})
	if msg := onlyFromGroups(ids["redisSG"], 6379, ids["appSG"]); msg != "" {
		t.Errorf("Redis security group: %s", msg)
	}
	if !noOpenEgress(ids["redisSG"]) {
		t.Errorf("Redis security group allows all outbound")
	}
	tok := tpl.Resources[ids["redisToken"]]
	if tok == nil || !refs(get(tok, "KmsKeyId"), "secretsKey") {
		t.Errorf("Redis AUTH token secret is not encrypted with the secrets key")
	}
	lg := one(t, "Cache", "AWS::Logs::LogGroup")
	if !refs(get(lg, "KmsKeyId"), "logsKey") || num(lg, "RetentionInDays") != 14 || !cfn.ReferencesTo(toJSONValue(rg.List("LogDeliveryConfigurations")), lg.LogicalID) {
		t.Errorf("Redis slow log: log group %v not encrypted with 14-day retention or not the delivery target", lg.Properties)
	}
}

func TestBackupPlan(t *testing.T) {
	cases := []struct {
		prefix    string
		retention []int // per rule, in rule order
		byTag     bool
		resources []string // fixture names of selected resources
	}{
		{"BackupTagged", []int{35, 90}, true, nil},
		{"BackupListed", []int{7}, false, []string{"pgCluster", "resultsTable"}},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			vault := one(t, c.prefix, "AWS::Backup::BackupVault")
			plan := one(t, c.prefix, "AWS::Backup::BackupPlan")
			sel := one(t, c.prefix, "AWS::Backup::BackupSelection")
			denyDelete := strings.Contains(toJSON(get(vault, "AccessPolicy")), `"Effect":"Deny"`) && strings.Contains(toJSON(get(vault, "AccessPolicy")), "backup:DeleteRecoveryPoint")
			runChecks(t, vault.Path(), []check{
				{"vault key is the data key", refs(get(vault, "EncryptionKeyArn"), "dataKey"), get(vault, "EncryptionKeyArn")},
				{"recovery point deletion blocked", denyDelete, get(vault, "AccessPolicy")},
			})
			rules := plan.List("BackupPlan", "BackupPlanRule")
			if len(rules) != len(c.retention) {
				t.Fatalf("%s: %d rules, want %d", c.prefix, len(rules), len(c.retention))
			}
			for i, r := range rules {
				m := toMap(r)
				days, _ := cfn.Lookup(m, "Lifecycle", "DeleteAfterDays")
				n, _ := cfn.AsInt(days)
				if n != c.retention[i] || !cfn.ReferencesTo(m["TargetBackupVault"], vault.LogicalID) {
					t.Errorf("%s rule %v: want retention %d days into the plan's vault", c.prefix, m, c.retention[i])
				}
			}
			if s, _ := cfn.Lookup(toMap(rules[0]), "ScheduleExpression"); s != "cron(0 5 * * ? *)" {
				t.Errorf("%s daily rule schedule %v, want cron(0 5 * * ? *)", c.prefix, s)
			}
			tags := toJSON(get(sel, "BackupSelection", "ListOfTags"))
			if got := strings.Contains(tags, `"ConditionKey":"Backup"`) && strings.Contains(tags, `"ConditionValue":"daily"`); got != c.byTag {
				t.Errorf("%s selection by tag Backup=daily: %v, want %v", c.prefix, got, c.byTag)
			}
			res := get(sel, "BackupSelection", "Resources")
			for _, name := range c.resources {
				if !refs(res, name) {
					t.Errorf("%s selection does not include %s: %v", c.prefix, name, res)
				}
			}
		})
	}
}

// billing returns the table's billing mode (CloudFormation's default is PROVISIONED, with
// ProvisionedThroughput set).
func billing(tb *cfn.Resource) string {
	if s := str(tb, "BillingMode"); s != "" {
		return s
	}
	if tb.Has("ProvisionedThroughput") {
		return "PROVISIONED"
	}
	return ""
}
