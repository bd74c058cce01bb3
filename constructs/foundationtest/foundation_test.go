package foundationtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/network"
	"github.com/labsecure/labsecure/constructs/tags"
)

// byPath returns the resource whose construct path contains frag (exactly one must).
func byPath(t *testing.T, s *cfn.Stack, typ, frag string) *cfn.Resource {
	t.Helper()
	var found []*cfn.Resource
	for _, r := range s.Template.OfType(typ) {
		if strings.Contains(r.Path(), frag) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s under %q, found %d", typ, frag, len(found))
	}
	return found[0]
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestKeysRotateAndHaveAliases(t *testing.T) {
	keysByAlias := map[string]*cfn.Resource{}
	for _, a := range secure.Template.OfType("AWS::KMS::Alias") {
		name, _ := a.String("AliasName")
		k := secure.Template.Resolve(a.Properties["TargetKeyId"])
		if k == nil {
			t.Errorf("alias %s does not target a key of the stack", name)
			continue
		}
		keysByAlias[name] = k
	}
	for _, alias := range []string{"alias/test-data", "alias/test-logs", "alias/test-messaging"} {
		k, ok := keysByAlias[alias]
		if !ok {
			t.Errorf("no key with alias %s", alias)
			continue
		}
		if on, _ := k.Bool("EnableKeyRotation"); !on {
			t.Errorf("%s: rotation off", alias)
		}
		if d, _ := k.Int("PendingWindowInDays"); d != 30 {
			t.Errorf("%s: pending window %d, want 30", alias, d)
		}
	}
	if d, _ := keysByAlias["alias/test-data"].Int("RotationPeriodInDays"); d != 365 {
		t.Errorf("default rotation period %d, want 365", d)
	}
	if d, _ := keysByAlias["alias/test-logs"].Int("RotationPeriodInDays"); d != 180 {
		t.Errorf("configured rotation period %d, want 180", d)
	}
	if k := keysByAlias["alias/test-messaging"]; k.DeletionPolicy != "Retain" {
		t.Errorf("Retain: deletion policy %q", k.DeletionPolicy)
	}
	if k := keysByAlias["alias/test-data"]; k.DeletionPolicy != "Delete" {
		t.Errorf("default deletion policy %q, want Delete", k.DeletionPolicy)
	}
}

func TestKeyPoliciesAdmitOnlyTheirServices(t *testing.T) {
	principals := func(k *cfn.Resource) (svcs []string, stmts []map[string]any) {
		for _, s := range k.List("KeyPolicy", "Statement") {
			st := s.(map[string]any)
			if svc, ok := cfn.Lookup(st, "Principal", "Service"); ok {
				svcs = append(svcs, js(svc))
				stmts = append(stmts, st)
			}
		}
		return
	}
	for _, a := range secure.Template.OfType("AWS::KMS::Alias") {
		name, _ := a.String("AliasName")
		k := secure.Template.Resolve(a.Properties["TargetKeyId"])
		svcs, stmts := principals(k)
		switch name {
		case "alias/test-data":
			if len(svcs) != 0 {
				t.Errorf("data key admits services %v; it must admit none", svcs)
			}
		case "alias/test-logs":
			if len(svcs) != 1 || !strings.Contains(svcs[0], "logs.us-east-1.amazonaws.com") {
				t.Fatalf("logs key services %v", svcs)
			}
			if c := js(stmts[0]["Condition"]); !strings.Contains(c, "kms:EncryptionContext:aws:logs:arn") || !strings.Contains(c, "111111111111") {
				t.Errorf("logs principal not scoped to this account's log groups: %s", c)
			}
		case "alias/test-messaging":
			if len(svcs) != 1 || !strings.Contains(svcs[0], "events.amazonaws.com") {
				t.Fatalf("messaging key services %v", svcs)
			}
			if c := js(stmts[0]["Condition"]); !strings.Contains(c, `"aws:SourceAccount":"111111111111"`) {
				t.Errorf("service principal not limited to the account: %s", c)
			}
			if a := js(stmts[0]["Action"]); strings.Contains(a, "kms:*") || strings.Contains(a, "Encrypt") && !strings.Contains(a, "GenerateDataKey") {
				t.Errorf("service principal actions too broad: %s", a)
			}
		}
	}
}

func TestLogGroupEncryptedWithRetention(t *testing.T) {
	lg := byPath(t, secure, "AWS::Logs::LogGroup", "/AppLogs/")
	if d, _ := lg.Int("RetentionInDays"); d != 14 {
		t.Errorf("retention %d, want 14", d)
	}
	key := secure.Template.Resolve(lg.Properties["KmsKeyId"])
	if key == nil || !strings.Contains(key.Path(), "/LogsKey/") {
		t.Errorf("log group not encrypted with the logs key: %s", js(lg.Properties["KmsKeyId"]))
	}
	if name, _ := lg.String("LogGroupName"); name != "/labsecure/test/app" {
		t.Errorf("name %q", name)
	}
}

func TestDataBucketDefaults(t *testing.T) {
	for _, frag := range []string{"/RawBucket/", "/ArchiveBucket/", "/CriticalBucket/"} {
		b := byPath(t, secure, "AWS::S3::Bucket", frag)
		enc := b.Map("BucketEncryption", "ServerSideEncryptionConfiguration", "0", "ServerSideEncryptionByDefault")
		if enc["SSEAlgorithm"] != "aws:kms" {
			t.Errorf("%s: SSE %v, want aws:kms", frag, enc["SSEAlgorithm"])
		}
		if k := secure.Template.Resolve(enc["KMSMasterKeyID"]); k == nil || !strings.Contains(k.Path(), "/DataKey/") {
			t.Errorf("%s: not encrypted with the data key: %s", frag, js(enc["KMSMasterKeyID"]))
		}
		if on, _ := b.Bool("BucketEncryption", "ServerSideEncryptionConfiguration", "0", "BucketKeyEnabled"); !on {
			t.Errorf("%s: bucket key off", frag)
		}
		for _, f := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
			if on, _ := b.Bool("PublicAccessBlockConfiguration", f); !on {
				t.Errorf("%s: %s not true", frag, f)
			}
		}
		if s, _ := b.String("VersioningConfiguration", "Status"); s != "Enabled" {
			t.Errorf("%s: versioning %q", frag, s)
		}
		if lb := secure.Template.Resolve(b.Properties["LoggingConfiguration"].(map[string]any)["DestinationBucketName"]); lb == nil || !strings.Contains(lb.Path(), "/LogBucket/") {
			t.Errorf("%s: access logs not sent to the log bucket", frag)
		}
		if o, _ := b.String("OwnershipControls", "Rules", "0", "ObjectOwnership"); o != "BucketOwnerEnforced" {
			t.Errorf("%s: object ownership %q", frag, o)
		}
		assertTLSOnlyPolicy(t, b)
	}
	raw := byPath(t, secure, "AWS::S3::Bucket", "/RawBucket/")
	if d, _ := raw.Int("LifecycleConfiguration", "Rules", "0", "NoncurrentVersionExpiration", "NoncurrentDays"); d != 180 {
		t.Errorf("default noncurrent retention %d, want 180", d)
	}
	if raw.DeletionPolicy != "Delete" {
		t.Errorf("default deletion policy %q", raw.DeletionPolicy)
	}
	arch := byPath(t, secure, "AWS::S3::Bucket", "/ArchiveBucket/")
	rule := arch.Map("LifecycleConfiguration", "Rules", "0")
	if js(rule["NoncurrentVersionExpiration"]) != `{"NoncurrentDays":365}` || js(rule["ExpirationInDays"]) != "2555" {
		t.Errorf("archive lifecycle: %s", js(rule))
	}
	if tr := js(rule["Transitions"]); !strings.Contains(tr, `"StorageClass":"GLACIER"`) || !strings.Contains(tr, `"TransitionInDays":30`) {
		t.Errorf("archive transition: %s", tr)
	}
	if arch.DeletionPolicy != "Retain" {
		t.Errorf("Retain: deletion policy %q", arch.DeletionPolicy)
	}
}

// assertTLSOnlyPolicy checks the bucket's policy denies requests without TLS and below TLS 1.2.
func assertTLSOnlyPolicy(t *testing.T, b *cfn.Resource) {
	t.Helper()
	var insecure, oldTLS bool
	for _, p := range secure.Template.OfType("AWS::S3::BucketPolicy") {
		if !cfn.ReferencesTo(p.Properties["Bucket"], b.LogicalID) {
			continue
		}
		for _, s := range p.List("PolicyDocument", "Statement") {
			st := s.(map[string]any)
			c := js(st["Condition"])
			if st["Effect"] == "Deny" && strings.Contains(c, `"aws:SecureTransport":"false"`) {
				insecure = true
			}
			if st["Effect"] == "Deny" && strings.Contains(c, `"NumericLessThan":{"s3:TlsVersion":1.2}`) {
				oldTLS = true
			}
		}
	}
	if !insecure || !oldTLS {
		t.Errorf("%s: bucket policy denies non-TLS=%v, TLS<1.2=%v; want both", b.Path(), insecure, oldTLS)
	}
}

func TestLogBucket(t *testing.T) {
	b := byPath(t, secure, "AWS::S3::Bucket", "/LogBucket/")
	if a, _ := b.String("BucketEncryption", "ServerSideEncryptionConfiguration", "0", "ServerSideEncryptionByDefault", "SSEAlgorithm"); a != "AES256" {
		t.Errorf("log bucket SSE %q: log delivery requires SSE-S3", a)
	}
	if b.Has("LoggingConfiguration") {
		t.Errorf("log bucket logs to a bucket: it must not log itself")
	}
	rule := b.Map("LifecycleConfiguration", "Rules", "0")
	if js(rule["ExpirationInDays"]) != "730" || !strings.Contains(js(rule["Transitions"]), `"TransitionInDays":90`) {
		t.Errorf("log lifecycle (seed 003: Glacier 90, delete after 2 years): %s", js(rule))
	}
	for _, f := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if on, _ := b.Bool("PublicAccessBlockConfiguration", f); !on {
			t.Errorf("log bucket: %s not true", f)
		}
	}
	assertTLSOnlyPolicy(t, b)
}

func TestNetworkTiers(t *testing.T) {
	tmpl := secure.Template
	tiers := map[string]int{}
	for _, s := range tmpl.OfType("AWS::EC2::Subnet") {
		tier := ""
		for k, v := range s.Tags() {
			if k == "aws-cdk:subnet-name" {
				tier = v
			}
		}
		tiers[tier]++
		if on, _ := s.Bool("MapPublicIpOnLaunch"); on {
			t.Errorf("subnet %s maps public IPs on launch", s.Path())
		}
		// Which routes does the subnet's route table carry?
		var rt string
		for _, a := range tmpl.OfType("AWS::EC2::SubnetRouteTableAssociation") {
			if cfn.ReferencesTo(a.Properties["SubnetId"], s.LogicalID) {
				rt, _ = cfn.RefTarget(a.Properties["RouteTableId"])
			}
		}
		var igw, nat bool
		for _, r := range tmpl.OfType("AWS::EC2::Route") {
			if !cfn.ReferencesTo(r.Properties["RouteTableId"], rt) {
				continue
			}
			igw = igw || r.Has("GatewayId")
			nat = nat || r.Has("NatGatewayId")
		}
		switch tier {
		case network.TierPublic:
			if !igw {
				t.Errorf("public subnet %s has no internet gateway route", s.Path())
			}
		case network.TierPrivate:
			if !nat || igw {
				t.Errorf("private subnet %s: NAT route %v, IGW route %v; want NAT only", s.Path(), nat, igw)
			}
		case network.TierIsolated:
			if nat || igw {
				t.Errorf("isolated subnet %s has a route out (NAT %v, IGW %v)", s.Path(), nat, igw)
			}
		}
	}
	for _, tier := range []string{network.TierPublic, network.TierPrivate, network.TierIsolated} {
		if tiers[tier] != 2 {
			t.Errorf("%s tier has %d subnets, want one per AZ (2)", tier, tiers[tier])
		}
	}
	if n := len(tmpl.OfType("AWS::EC2::NatGateway")); n != 2 {
		t.Errorf("NAT gateways %d, want 2", n)
	}
	azs := map[string]bool{}
	for _, s := range tmpl.OfType("AWS::EC2::Subnet") {
		az, _ := s.String("AvailabilityZone")
		azs[az] = true
	}
	if len(azs) != 2 || !azs["us-east-1a"] || !azs["us-east-1b"] {
		t.Errorf("AZs %v", azs)
	}
}

func TestNetworkFlowLogsEndpointsDefaultSG(t *testing.T) {
	tmpl := secure.Template
	fl := tmpl.OfType("AWS::EC2::FlowLog")
	if len(fl) != 1 {
		t.Fatalf("flow logs: %d", len(fl))
	}
	if tt, _ := fl[0].String("TrafficType"); tt != "ALL" {
		t.Errorf("flow log traffic %q", tt)
	}
	lg := tmpl.Resolve(fl[0].Properties["LogGroupName"])
	if lg == nil {
		t.Fatalf("flow log destination is not a log group of the stack: %s", js(fl[0].Properties["LogGroupName"]))
	}
	if k := tmpl.Resolve(lg.Properties["KmsKeyId"]); k == nil || !strings.Contains(k.Path(), "/LogsKey/") {
		t.Errorf("flow log group not encrypted with the logs key")
	}
	if d, _ := lg.Int("RetentionInDays"); d != 365 {
		t.Errorf("flow log retention %d", d)
	}
	gw, iface := map[string]bool{}, 0
	for _, e := range tmpl.OfType("AWS::EC2::VPCEndpoint") {
		typ, _ := e.String("VpcEndpointType")
		svc := js(e.Properties["ServiceName"])
		switch typ {
		case "Gateway":
			for _, s := range []string{"s3", "dynamodb"} {
				if strings.Contains(svc, "."+s) {
					gw[s] = true
				}
			}
		case "Interface":
			iface++
			if on, _ := e.Bool("PrivateDnsEnabled"); !on {
				t.Errorf("interface endpoint %s without private DNS", svc)
			}
		}
	}
	if !gw["s3"] || !gw["dynamodb"] {
		t.Errorf("gateway endpoints %v, want s3 and dynamodb", gw)
	}
	if iface != len(network.DefaultInterfaceEndpoints) {
		t.Errorf("interface endpoints %d, want %d", iface, len(network.DefaultInterfaceEndpoints))
	}
	sg := byPath(t, secure, "AWS::EC2::SecurityGroup", "/EndpointsSecurityGroup/")
	ing := sg.List("SecurityGroupIngress")
	if len(ing) != 1 || !strings.Contains(js(ing[0]), `"FromPort":443`) || strings.Contains(js(ing[0]), "0.0.0.0/0") || !strings.Contains(js(ing[0]), `"CidrIp":"10.40.0.0/16"`) {
		t.Errorf("endpoint SG ingress must be HTTPS from the VPC CIDR only: %s", js(ing))
	}
	if len(tmpl.OfType("Custom::VpcRestrictDefaultSG")) != 1 {
		t.Errorf("default security group rules are not removed")
	}
}

func TestEveryTaggableResourceCarriesMandatoryTags(t *testing.T) {
	checked := 0
	for _, r := range secure.Template.Sorted() {
		if !r.Has("Tags") {
			continue
		}
		checked++
		got := r.Tags()
		for _, k := range tags.Mandatory {
			if got[k] == "" {
				t.Errorf("%s (%s) lacks tag %s", r.Path(), r.Type, k)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d tagged resources checked", checked)
	}
	if untaggedErr == nil {
		t.Fatalf("synth of a stack with an untagged queue succeeded; the tag aspect must fail it")
	}
	report := string(untaggedReport)
	if !strings.Contains(report, "Untagged/Queue/Resource is missing mandatory tags Application, Component, CostCenter, Owner, Compliance, Backup, Encryption") {
		t.Errorf("validation report must name the resource and exactly the missing tags; synth error %v, report:\n%.2000s", untaggedErr, report)
	}
	for _, m := range secure.Messages {
		if m.Level == "error" {
			t.Errorf("unexpected synth error on the compliant stack: %s %s", m.Path, m.Text)
		}
	}
}

func TestBadPropsNameThePropAndTheFix(t *testing.T) {
	want := map[string]string{
		"keys nil": "props are required", "keys alias prefix": "Alias", "keys rotation short": "RotationPeriod",
		"keys pending long": "PendingWindow", "keys principal": "ServicePrincipals",
		"logs no key": "Key is nil", "logs retention": "RetentionDays", "logs name": "Name",
		"bucket no key": "Key is nil", "bucket no logs": "AccessLogs", "bucket noncurrent": "NoncurrentVersionDays",
		"bucket name": "BucketName", "bucket glacier": "GlacierAfterDays", "bucket expire": "ExpireAfterDays",
		"log bucket lifecycle": "log lifecycle", "replication same region": "Replication.DestinationRegion",
		"replication alias": "Replication.DestinationKeyAlias", "network nil": "props are required", "network one AZ": "AvailabilityZones",
		"network CIDR": "CIDR", "network NAT": "NATGateways", "network flow key": "FlowLogKey",
		"network endpoint": "InterfaceEndpoints", "network flow retention": "RetentionDays", "tags comma": "no commas",
	}
	for name, frag := range want {
		err, ok := badProps[name]
		if !ok {
			t.Errorf("case %s did not run", name)
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), frag) || !strings.Contains(err.Error(), "fix:") {
			t.Errorf("%s: error %q must name %q and say the fix", name, err, frag)
		}
	}
	if len(badProps) != len(want) {
		t.Errorf("%d bad-props cases ran, %d have expectations", len(badProps), len(want))
	}
}

func TestCriticalBucketReplicatesAcrossRegions(t *testing.T) {
	b := byPath(t, secure, "AWS::S3::Bucket", "/CriticalBucket/")
	if b.Tags()["Critical"] != "true" {
		t.Errorf("critical bucket not tagged Critical=true: %v", b.Tags())
	}
	rule := b.Map("ReplicationConfiguration", "Rules", "0")
	if rule["Status"] != "Enabled" || js(rule["DeleteMarkerReplication"]) != `{"Status":"Enabled"}` {
		t.Errorf("replication rule must be enabled and replicate delete markers: %s", js(rule))
	}
	if got := js(rule["Destination"]); got != `{"Bucket":"arn:aws:s3:::test-critical-replica","EncryptionConfiguration":{"ReplicaKmsKeyID":"arn:aws:kms:us-west-2:111111111111:alias/test-replica"}}` {
		t.Errorf("destination %s", got)
	}
	if js(rule["SourceSelectionCriteria"]) != `{"SseKmsEncryptedObjects":{"Status":"Enabled"}}` {
		t.Errorf("SSE-KMS objects are not selected for replication: %s", js(rule["SourceSelectionCriteria"]))
	}
	role := secure.Template.Resolve(b.Map("ReplicationConfiguration")["Role"])
	if role == nil || !strings.Contains(js(role.Properties["AssumeRolePolicyDocument"]), "s3.amazonaws.com") {
		t.Fatalf("replication role must be assumable by S3 only")
	}
	var policy *cfn.Resource
	for _, p := range secure.Template.OfType("AWS::IAM::Policy") {
		if cfn.ReferencesTo(p.Properties["Roles"], role.LogicalID) {
			policy = p
		}
	}
	if policy == nil {
		t.Fatal("no policy on the replication role")
	}
	doc := js(policy.Properties["PolicyDocument"])
	for _, want := range []string{`"s3:ReplicateObject"`, `"arn:aws:s3:::test-critical-replica/*"`, `"kms:ResourceAliases":"alias/test-replica"`, `"kms:ViaService":"s3.us-west-2.amazonaws.com"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("replication policy lacks %s: %s", want, doc)
		}
	}
	if strings.Contains(doc, `"Resource":"*"`) || strings.Contains(doc, `"kms:*"`) || strings.Contains(doc, `"s3:*"`) {
		t.Errorf("replication policy too broad: %s", doc)
	}
	if other := byPath(t, secure, "AWS::S3::Bucket", "/RawBucket/"); other.Has("ReplicationConfiguration") || other.Tags()["Critical"] != "" {
		t.Errorf("a bucket without Replication/Critical props replicates or is tagged critical")
	}
}
