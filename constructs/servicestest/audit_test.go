package servicestest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/labsecure/labsecure/constructs/audit"
	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/network"
	"github.com/labsecure/labsecure/constructs/storage"
)

func buildAudit(f *fixture) []badCase {
	raw := must(storage.NewBucket(f.defaults, "RawBucket", &storage.BucketProps{Key: f.dataKey, AccessLogs: f.logBucket}))
	reports := must(storage.NewBucket(f.defaults, "ReportsBucket", &storage.BucketProps{Key: f.dataKey, AccessLogs: f.logBucket}))
	net := must(network.New(f.defaults, "Network", &network.Props{
		CIDR: "10.50.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		FlowLogKey: f.logsKey, FlowLogRetentionDays: 30, InterfaceEndpoints: []string{},
	}))

	must(audit.NewGuardDuty(f.defaults, "GuardDuty", &audit.GuardDutyProps{AlarmTopic: f.alarmTopic}))
	must(audit.NewTrail(f.defaults, "Trail", &audit.TrailProps{
		Key: f.dataKey, AccessLogs: f.logBucket, LogKey: f.logsKey, LogRetentionDays: 365,
		DataEventBuckets: []awss3.IBucket{raw, reports},
	}))
	must(audit.NewDashboard(f.defaults, "Dashboard", &audit.DashboardProps{
		Name: "labsecure-test",
		Sections: []audit.DashboardSection{{Title: "Lab results queue", Metrics: []awscloudwatch.IMetric{
			labQueue.Queue.MetricApproximateNumberOfMessagesVisible(nil), labQueue.Queue.MetricApproximateAgeOfOldestMessage(nil),
		}}},
		Alarms: labQueue.Alarms(),
	}))
	must(audit.NewFeatureFlags(f.defaults, "Flags", &audit.FeatureFlagsProps{
		Application: "labsecure", Environment: "test", Key: f.dataKey, Flags: audit.SeedFlags([]string{"cust-001", "cust-002"}),
	}))
	must(audit.NewAdminAccess(f.defaults, "Admin", &audit.AdminAccessProps{
		Name: "labsecure-test", Vpc: net.Vpc, VolumeKey: f.dataKey, LogKey: f.logsKey, LogRetentionDays: 365,
	}))

	// Variations: reduced GuardDuty, named trail without data events, alarm topic, staged flags.
	vt := must(audit.NewAlarmTopic(f.variations, "OpsTopic", &audit.AlarmTopicProps{Key: f.msgKey, Email: "oncall@labsecure.example", TopicName: "labsecure-test-alarms"}))
	must(audit.NewGuardDuty(f.variations, "GuardDuty", &audit.GuardDutyProps{AlarmTopic: vt, MinSeverity: 9, DisableFeatures: []string{"EKS_AUDIT_LOGS", "RUNTIME_MONITORING"}}))
	must(audit.NewTrail(f.variations, "Trail", &audit.TrailProps{
		TrailName: "labsecure-test-trail", Key: f.dataKey, AccessLogs: f.logBucket, LogKey: f.logsKey, LogRetentionDays: 90,
		GlacierAfterDays: 30, ExpireAfterDays: 3653, Retain: true,
	}))
	must(audit.NewFeatureFlags(f.variations, "Flags", &audit.FeatureFlagsProps{
		Application: "labsecure", Environment: "prod", Key: f.dataKey, DeploymentStrategyID: "AppConfig.Linear20PercentEvery6Minutes",
		Flags: []audit.Flag{{Name: "new-report-layout", Enabled: false}},
	}))

	tr := func(mod func(p *audit.TrailProps)) func() error {
		return func() error {
			p := &audit.TrailProps{Key: f.dataKey, AccessLogs: f.logBucket, LogKey: f.logsKey, LogRetentionDays: 30}
			mod(p)
			_, err := audit.NewTrail(f.bad, "T", p)
			return err
		}
	}
	ff := func(mod func(p *audit.FeatureFlagsProps)) func() error {
		return func() error {
			p := &audit.FeatureFlagsProps{Application: "a", Environment: "e", Key: f.dataKey, Flags: []audit.Flag{{Name: "x"}}}
			mod(p)
			_, err := audit.NewFeatureFlags(f.bad, "F", p)
			return err
		}
	}
	adm := func(mod func(p *audit.AdminAccessProps)) func() error {
		return func() error {
			p := &audit.AdminAccessProps{Name: "adm", Vpc: net.Vpc, VolumeKey: f.dataKey, LogKey: f.logsKey, LogRetentionDays: 30}
			mod(p)
			_, err := audit.NewAdminAccess(f.bad, "A", p)
			return err
		}
	}
	return []badCase{
		{"guardduty nil", "props are required", func() error { _, err := audit.NewGuardDuty(f.bad, "G", nil); return err }},
		{"guardduty topic", "AlarmTopic", func() error { _, err := audit.NewGuardDuty(f.bad, "G", &audit.GuardDutyProps{}); return err }},
		{"guardduty severity", "MinSeverity", func() error {
			_, err := audit.NewGuardDuty(f.bad, "G", &audit.GuardDutyProps{AlarmTopic: f.alarmTopic, MinSeverity: 11})
			return err
		}},
		{"guardduty feature", "DisableFeatures", func() error {
			_, err := audit.NewGuardDuty(f.bad, "G", &audit.GuardDutyProps{AlarmTopic: f.alarmTopic, DisableFeatures: []string{"S3_PROTECTION"}})
			return err
		}},
		{"trail nil", "props are required", func() error { _, err := audit.NewTrail(f.bad, "T", nil); return err }},
		{"trail key", "Key", tr(func(p *audit.TrailProps) { p.Key = nil })},
		{"trail access logs", "AccessLogs", tr(func(p *audit.TrailProps) { p.AccessLogs = nil })},
		{"trail log key", "LogKey", tr(func(p *audit.TrailProps) { p.LogKey = nil })},
		{"trail retention", "LogRetentionDays", tr(func(p *audit.TrailProps) { p.LogRetentionDays = 2 })},
		{"trail name", "TrailName", tr(func(p *audit.TrailProps) { p.TrailName = "-x" })},
		{"trail data bucket", "DataEventBuckets[0]", tr(func(p *audit.TrailProps) { p.DataEventBuckets = []awss3.IBucket{nil} })},
		{"trail glacier", "GlacierAfterDays", tr(func(p *audit.TrailProps) { p.GlacierAfterDays = 10 })},
		{"trail expire short", "ExpireAfterDays", tr(func(p *audit.TrailProps) { p.ExpireAfterDays = 90 })},
		{"trail expire order", "ExpireAfterDays", tr(func(p *audit.TrailProps) { p.GlacierAfterDays, p.ExpireAfterDays = 900, 800 })},
		{"alarm topic nil", "props are required", func() error { _, err := audit.NewAlarmTopic(f.bad, "A", nil); return err }},
		{"alarm topic email", "Email", func() error {
			_, err := audit.NewAlarmTopic(f.bad, "A", &audit.AlarmTopicProps{Key: f.msgKey})
			return err
		}},
		{"alarm topic key", "Key", func() error {
			_, err := audit.NewAlarmTopic(f.bad, "A", &audit.AlarmTopicProps{Email: "a@b.example"})
			return err
		}},
		{"dashboard nil", "props are required", func() error { _, err := audit.NewDashboard(f.bad, "D", nil); return err }},
		{"dashboard name", "Name", func() error {
			_, err := audit.NewDashboard(f.bad, "D", &audit.DashboardProps{Name: "a b", Alarms: labQueue.Alarms()})
			return err
		}},
		{"dashboard empty", "Sections and Alarms", func() error { _, err := audit.NewDashboard(f.bad, "D", &audit.DashboardProps{Name: "x"}); return err }},
		{"dashboard title", "Sections[0].Title", func() error {
			_, err := audit.NewDashboard(f.bad, "D", &audit.DashboardProps{Name: "x", Sections: []audit.DashboardSection{{Metrics: []awscloudwatch.IMetric{labQueue.Queue.MetricNumberOfMessagesSent(nil)}}}})
			return err
		}},
		{"dashboard metrics", "Sections[0].Metrics", func() error {
			_, err := audit.NewDashboard(f.bad, "D", &audit.DashboardProps{Name: "x", Sections: []audit.DashboardSection{{Title: "t"}}})
			return err
		}},
		{"flags nil", "props are required", func() error { _, err := audit.NewFeatureFlags(f.bad, "F", nil); return err }},
		{"flags app", "Application", ff(func(p *audit.FeatureFlagsProps) { p.Application = "" })},
		{"flags env", "Environment", ff(func(p *audit.FeatureFlagsProps) { p.Environment = "prod/eu" })},
		{"flags empty", "Flags", ff(func(p *audit.FeatureFlagsProps) { p.Flags = nil })},
		{"flags name", "Flags[0].Name", ff(func(p *audit.FeatureFlagsProps) { p.Flags = []audit.Flag{{Name: "Frequency"}} })},
		{"flags dup", "Flags[1].Name", ff(func(p *audit.FeatureFlagsProps) { p.Flags = []audit.Flag{{Name: "a"}, {Name: "a"}} })},
		{"flags customer", "Flags[0].CustomerIDs", ff(func(p *audit.FeatureFlagsProps) { p.Flags = []audit.Flag{{Name: "a", CustomerIDs: []string{"x y"}}} })},
		{"flags key", "Key", ff(func(p *audit.FeatureFlagsProps) { p.Key = nil })},
		{"flags strategy", "DeploymentStrategyID", ff(func(p *audit.FeatureFlagsProps) { p.DeploymentStrategyID = "all at once" })},
		{"admin nil", "props are required", func() error { _, err := audit.NewAdminAccess(f.bad, "A", nil); return err }},
		{"admin name", "Name", adm(func(p *audit.AdminAccessProps) { p.Name = "AWS-admin" })},
		{"admin vpc", "Vpc", adm(func(p *audit.AdminAccessProps) { p.Vpc = nil })},
		{"admin volume key", "VolumeKey", adm(func(p *audit.AdminAccessProps) { p.VolumeKey = nil })},
		{"admin log key", "LogKey", adm(func(p *audit.AdminAccessProps) { p.LogKey = nil })},
		{"admin retention", "LogRetentionDays", adm(func(p *audit.AdminAccessProps) { p.LogRetentionDays = 0 })},
		{"admin instance type", "InstanceType", adm(func(p *audit.AdminAccessProps) { p.InstanceType = "t3.micro" })},
		{"admin idle", "IdleSessionTimeout", adm(func(p *audit.AdminAccessProps) { p.IdleSessionTimeout = 2 * time.Hour })},
		{"admin max", "MaxSessionDuration", adm(func(p *audit.AdminAccessProps) { p.MaxSessionDuration = 30 * time.Second })},
	}
}

func TestGuardDuty(t *testing.T) {
	for _, c := range []struct {
		stack    *cfn.Stack
		disabled []string
		severity int
	}{
		{defaults, nil, 7},
		{variations, []string{"EKS_AUDIT_LOGS", "RUNTIME_MONITORING"}, 9},
	} {
		det := byPath(t, c.stack, "AWS::GuardDuty::Detector", "GuardDuty/")
		eq(t, det, true, "Enable")
		eq(t, det, "FIFTEEN_MINUTES", "FindingPublishingFrequency")
		if det.Has("DataSources") {
			t.Errorf("%s: DataSources set alongside Features", det.Path())
		}
		got := map[string]string{}
		for _, f := range det.List("Features") {
			m := f.(map[string]any)
			got[m["Name"].(string)] = m["Status"].(string)
			if m["Name"] == "RUNTIME_MONITORING" {
				for _, a := range m["AdditionalConfiguration"].([]any) {
					if a.(map[string]any)["Status"] != m["Status"] {
						t.Errorf("%s: runtime agent %s", det.Path(), js(a))
					}
				}
			}
		}
		for _, f := range []string{"S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EKS_AUDIT_LOGS"} {
			want := "ENABLED"
			if slices.Contains(c.disabled, f) {
				want = "DISABLED"
			}
			if got[f] != want {
				t.Errorf("%s: feature %s = %q, want %s", det.Path(), f, got[f], want)
			}
		}
		rule := byPath(t, c.stack, "AWS::Events::Rule", "GuardDuty/Findings")
		eq(t, rule, map[string]any{"detail": map[string]any{"severity": []any{map[string]any{"numeric": []any{">=", c.severity}}}},
			"detail-type": []any{"GuardDuty Finding"}, "source": []any{"aws.guardduty"}}, "EventPattern")
		target := rule.List("Targets")
		if len(target) != 1 || !strings.Contains(js(target), "Topic") {
			t.Errorf("%s: targets %s do not publish to the alarm topic", rule.Path(), js(target))
		}
	}
}

func TestTrail(t *testing.T) {
	dataKey := byPath(t, defaults, "AWS::KMS::Key", "DataKey").LogicalID
	for _, c := range []struct {
		stack     *cfn.Stack
		retention int
		expire    int
		data      int
	}{
		{defaults, 365, 2192, 2},
		{variations, 90, 3653, 0},
	} {
		tr := byPath(t, c.stack, "AWS::CloudTrail::Trail", "Trail/")
		eq(t, tr, true, "IsMultiRegionTrail")
		eq(t, tr, true, "IncludeGlobalServiceEvents")
		eq(t, tr, true, "EnableLogFileValidation")
		eq(t, tr, true, "IsLogging")
		if v, _ := tr.Get("KMSKeyId"); c.stack == defaults && keyOf(c.stack, v) != dataKey || c.stack != defaults && !crossRef(v, dataKey) {
			t.Errorf("%s: KMSKeyId %s", tr.Path(), js(v))
		}
		bucket := byPath(t, c.stack, "AWS::S3::Bucket", "Trail/Bucket")
		if v, _ := tr.Get("S3BucketName"); !cfn.ReferencesTo(v, bucket.LogicalID) {
			t.Errorf("%s: bucket %s", tr.Path(), js(v))
		}
		if enc := js(bucket.Properties["BucketEncryption"]); !strings.Contains(enc, "aws:kms") {
			t.Errorf("%s: bucket encryption %s", bucket.Path(), enc)
		}
		if exp := js(bucket.Properties["LifecycleConfiguration"]); !strings.Contains(exp, `"ExpirationInDays":`+js(c.expire)) {
			t.Errorf("%s: lifecycle %s, want expiry %d", bucket.Path(), exp, c.expire)
		}
		group := byPath(t, c.stack, "AWS::Logs::LogGroup", "Trail/Logs")
		eq(t, group, c.retention, "RetentionInDays")
		if v, _ := tr.Get("CloudWatchLogsLogGroupArn"); !cfn.ReferencesTo(v, group.LogicalID) {
			t.Errorf("%s: CloudWatch Logs group %s", tr.Path(), js(v))
		}
		var mgmt, dataSel []map[string]any
		for _, s := range tr.List("EventSelectors") {
			m := s.(map[string]any)
			if m["IncludeManagementEvents"] == true {
				mgmt = append(mgmt, m)
			} else {
				dataSel = append(dataSel, m)
			}
		}
		if len(mgmt) != 1 || mgmt[0]["ReadWriteType"] != "All" {
			t.Errorf("%s: management event selectors %s", tr.Path(), js(mgmt))
		}
		n := 0
		for _, s := range dataSel {
			if s["ReadWriteType"] != "All" {
				t.Errorf("%s: data selector %s does not log reads", tr.Path(), js(s))
			}
			for _, d := range s["DataResources"].([]any) {
				dm := d.(map[string]any)
				if dm["Type"] == "AWS::S3::Object" {
					n += len(dm["Values"].([]any))
				}
			}
		}
		if n != c.data {
			t.Errorf("%s: %d S3 data event buckets, want %d", tr.Path(), n, c.data)
		}
	}
	// Data events name the raw and reports buckets.
	tr := byPath(t, defaults, "AWS::CloudTrail::Trail", "Trail/")
	for _, b := range []string{"RawBucket", "ReportsBucket"} {
		if !cfn.ReferencesTo(tr.Properties["EventSelectors"], byPath(t, defaults, "AWS::S3::Bucket", b).LogicalID) {
			t.Errorf("trail data events miss %s", b)
		}
	}
	// The key admits CloudTrail for this account's trails.
	key := byPath(t, defaults, "AWS::KMS::Key", "DataKey")
	ok := false
	for _, st := range key.List("KeyPolicy", "Statement") {
		m := st.(map[string]any)
		if js(m["Principal"]) == `{"Service":"cloudtrail.amazonaws.com"}` && strings.Contains(js(m["Action"]), "kms:GenerateDataKey*") &&
			strings.Contains(js(m["Condition"]), "kms:EncryptionContext:aws:cloudtrail:arn") {
			ok = true
		}
	}
	if !ok {
		t.Error("data key policy does not admit CloudTrail by encryption context")
	}
}

func TestAlarmTopicAndDashboard(t *testing.T) {
	topic := byPath(t, variations, "AWS::SNS::Topic", "OpsTopic")
	eq(t, topic, "labsecure-test-alarms", "TopicName")
	if v, _ := topic.Get("KmsMasterKeyId"); !crossRef(v, byPath(t, defaults, "AWS::KMS::Key", "MessagingKey").LogicalID) {
		t.Errorf("alarm topic key %s", js(v))
	}
	if !denyInsecureTransport(variations, "AWS::SNS::TopicPolicy", "Topics", topic.LogicalID) {
		t.Error("alarm topic is not TLS-only")
	}
	sub := byPath(t, variations, "AWS::SNS::Subscription", "OpsTopic")
	eq(t, sub, "email", "Protocol")
	eq(t, sub, "oncall@labsecure.example", "Endpoint")

	d := byPath(t, defaults, "AWS::CloudWatch::Dashboard", "Dashboard")
	eq(t, d, "labsecure-test", "DashboardName")
	body := js(d.Properties["DashboardBody"])
	for _, want := range []string{"Lab results queue", "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", `\"type\":\"alarm\"`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard body lacks %s", want)
		}
	}
	for _, a := range allByPath(defaults, "AWS::CloudWatch::Alarm", "LabQueue/") {
		if !cfn.ReferencesTo(d.Properties["DashboardBody"], a.LogicalID) {
			t.Errorf("dashboard does not show %s", a.Path())
		}
	}
}

func TestFeatureFlags(t *testing.T) {
	dataKey := byPath(t, defaults, "AWS::KMS::Key", "DataKey").LogicalID
	prof := byPath(t, defaults, "AWS::AppConfig::ConfigurationProfile", "Flags/")
	eq(t, prof, "AWS.AppConfig.FeatureFlags", "Type")
	eq(t, prof, "hosted", "LocationUri")
	if v, _ := prof.Get("KmsKeyIdentifier"); keyOf(defaults, v) != dataKey {
		t.Errorf("profile key %s", js(v))
	}
	ver := byPath(t, defaults, "AWS::AppConfig::HostedConfigurationVersion", "Flags/")
	eq(t, ver, "application/json", "ContentType")
	content, _ := ver.String("Content")
	var doc struct {
		Version string                    `json:"version"`
		Flags   map[string]map[string]any `json:"flags"`
		Values  map[string]map[string]any `json:"values"`
	}
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		t.Fatalf("content is not JSON: %v", err)
	}
	if doc.Version != "1" {
		t.Errorf("flags version %q", doc.Version)
	}
	for _, name := range []string{"frequency-v1", "frequency-v2", "blocker", "schedule-history"} {
		if doc.Flags[name]["name"] != name || doc.Values[name]["enabled"] != true {
			t.Errorf("flag %s: definition %s value %s", name, js(doc.Flags[name]), js(doc.Values[name]))
		}
	}
	if js(doc.Values["frequency-v2"]["customerIds"]) != `["cust-001","cust-002"]` || doc.Flags["frequency-v2"]["attributes"] == nil {
		t.Errorf("frequency-v2 is not limited to the customers: %s %s", js(doc.Flags["frequency-v2"]), js(doc.Values["frequency-v2"]))
	}
	if _, ok := doc.Values["blocker"]["customerIds"]; ok {
		t.Error("blocker is limited to customers, seed 000 enables it for all users")
	}
	dep := byPath(t, defaults, "AWS::AppConfig::Deployment", "Flags/")
	eq(t, dep, "AppConfig.AllAtOnce", "DeploymentStrategyId")
	if v, _ := dep.Get("ConfigurationVersion"); !cfn.ReferencesTo(v, ver.LogicalID) {
		t.Errorf("deployment version %s", js(v))
	}
	env := byPath(t, defaults, "AWS::AppConfig::Environment", "Flags/")
	eq(t, env, "test", "Name")
	if v, _ := dep.Get("EnvironmentId"); !cfn.ReferencesTo(v, env.LogicalID) {
		t.Errorf("deployment environment %s", js(v))
	}
	vdep := byPath(t, variations, "AWS::AppConfig::Deployment", "Flags/")
	eq(t, vdep, "AppConfig.Linear20PercentEvery6Minutes", "DeploymentStrategyId")
}

func TestAdminAccess(t *testing.T) {
	inst := byPath(t, defaults, "AWS::EC2::Instance", "Admin/")
	// No public IP, private subnet.
	if strings.Contains(js(inst.Properties), `"AssociatePublicIpAddress":true`) {
		t.Errorf("%s: public IP", inst.Path())
	}
	eni := inst.Map("NetworkInterfaces", "0")
	subnet := defaults.Template.Resolve(eni["SubnetId"])
	if subnet == nil || !strings.Contains(subnet.Path(), "/privateSubnet") || eni["AssociatePublicIpAddress"] != false {
		t.Errorf("%s: network interface %s is not in a private subnet without public IP", inst.Path(), js(eni))
	}
	if inst.Has("KeyName") {
		t.Errorf("%s: has an SSH key", inst.Path())
	}
	// IMDSv2 required (through the launch template CDK attaches).
	eq(t, inst, map[string]any{"HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1, "HttpTokens": "required"}, "MetadataOptions")
	if inst.Has("LaunchTemplate") {
		t.Errorf("%s: a launch template would override the instance's settings: %s", inst.Path(), js(inst.Properties["LaunchTemplate"]))
	}
	// Encrypted root volume with the data key.
	bdm := inst.List("BlockDeviceMappings")
	if len(bdm) != 1 || !strings.Contains(js(bdm), `"Encrypted":true`) || !strings.Contains(js(bdm), "DataKey") {
		t.Errorf("%s: block devices %s", inst.Path(), js(bdm))
	}
	// Security group: no ingress, HTTPS egress only.
	sg := byPath(t, defaults, "AWS::EC2::SecurityGroup", "Admin/SecurityGroup")
	if sg.Has("SecurityGroupIngress") {
		t.Errorf("%s: ingress %s", sg.Path(), js(sg.Properties["SecurityGroupIngress"]))
	}
	for _, r := range defaults.Template.OfType("AWS::EC2::SecurityGroupIngress") {
		if cfn.ReferencesTo(r.Properties["GroupId"], sg.LogicalID) {
			t.Errorf("%s: ingress rule %s", sg.Path(), r.Path())
		}
	}
	if js(sg.List("SecurityGroupEgress")) != `[{"CidrIp":"0.0.0.0/0","Description":"HTTPS to SSM endpoints and package repositories","FromPort":443,"IpProtocol":"tcp","ToPort":443}]` {
		t.Errorf("%s: egress %s", sg.Path(), js(sg.List("SecurityGroupEgress")))
	}
	// Role: SSM managed instance core only.
	role := byPath(t, defaults, "AWS::IAM::Role", "Admin/Role")
	if arns := js(role.List("ManagedPolicyArns")); !strings.Contains(arns, "AmazonSSMManagedInstanceCore") || strings.Count(arns, "policy/") != 1 {
		t.Errorf("%s: managed policies %s", role.Path(), arns)
	}
	for _, p := range defaults.Template.OfType("AWS::IAM::Policy") {
		if !cfn.ReferencesTo(p.Properties["Roles"], role.LogicalID) {
			continue
		}
		for _, st := range p.List("PolicyDocument", "Statement") {
			if a := js(st.(map[string]any)["Action"]); strings.Contains(a, "*\"") && !strings.Contains(a, "kms:") {
				t.Errorf("%s: wildcard action %s", p.Path(), a)
			}
		}
	}
	// Session document: KMS-encrypted, logged to the encrypted session log group.
	doc := byPath(t, defaults, "AWS::SSM::Document", "Admin/")
	eq(t, doc, "Session", "DocumentType")
	eq(t, doc, "labsecure-test-admin-session", "Name")
	group := byPath(t, defaults, "AWS::Logs::LogGroup", "Admin/SessionLogs")
	eq(t, group, 365, "RetentionInDays")
	if k, _ := group.Get("KmsKeyId"); !strings.Contains(js(k), "LogsKey") {
		t.Errorf("session logs key %s", js(k))
	}
	inputs := doc.Map("Content", "inputs")
	if inputs["cloudWatchEncryptionEnabled"] != true || inputs["cloudWatchStreamingEnabled"] != true || inputs["runAsEnabled"] != false ||
		!cfn.ReferencesTo(inputs["cloudWatchLogGroupName"], group.LogicalID) || !strings.Contains(js(inputs["kmsKeyId"]), "LogsKey") ||
		inputs["idleSessionTimeout"] != "20" || inputs["maxSessionDuration"] != "60" {
		t.Errorf("%s: inputs %s", doc.Path(), js(inputs))
	}
	// Admin policy: sessions only with the document, on the instance.
	pol := byPath(t, defaults, "AWS::IAM::ManagedPolicy", "Admin/AdminSessionPolicy")
	start := false
	for _, st := range pol.List("PolicyDocument", "Statement") {
		m := st.(map[string]any)
		if m["Resource"] == "*" {
			t.Errorf("%s: statement %s on every resource", pol.Path(), js(m))
		}
		if m["Action"] == "ssm:StartSession" {
			start = cfn.ReferencesTo(m["Resource"], inst.LogicalID) && strings.Contains(js(m["Resource"]), "document/labsecure-test-admin-session") &&
				js(m["Condition"]) == `{"BoolIfExists":{"ssm:SessionDocumentAccessCheck":"true"}}`
		}
	}
	if !start {
		t.Errorf("%s: StartSession not limited to the instance and document", pol.Path())
	}
}
