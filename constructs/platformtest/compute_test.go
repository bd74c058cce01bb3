package platformtest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func TestRepository(t *testing.T) {
	r := one(t, "Repo", "AWS::ECR::Repository")
	runChecks(t, r.Path(), []check{
		{"scan on push", boolean(r, "ImageScanningConfiguration", "ScanOnPush"), get(r, "ImageScanningConfiguration")},
		{"IMMUTABLE tags", str(r, "ImageTagMutability") == "IMMUTABLE", get(r, "ImageTagMutability")},
		{"KMS encryption", str(r, "EncryptionConfiguration", "EncryptionType") == "KMS", get(r, "EncryptionConfiguration")},
		{"with the data key", refs(get(r, "EncryptionConfiguration", "KmsKey"), "dataKey"), get(r, "EncryptionConfiguration", "KmsKey")},
	})
	var policy struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus      string   `json:"tagStatus"`
				TagPatternList []string `json:"tagPatternList"`
				CountType      string   `json:"countType"`
				CountNumber    int      `json:"countNumber"`
				CountUnit      string   `json:"countUnit"`
			} `json:"selection"`
			Action struct {
				Type string `json:"type"`
			} `json:"action"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(str(r, "LifecyclePolicy", "LifecyclePolicyText")), &policy); err != nil {
		t.Fatalf("lifecycle policy text: %v", err)
	}
	untagged, tagged := false, false
	for _, rule := range policy.Rules {
		sel := rule.Selection
		if rule.Action.Type != "expire" {
			continue
		}
		if sel.TagStatus == "untagged" && sel.CountType == "sinceImagePushed" && sel.CountNumber == 30 && sel.CountUnit == "days" {
			untagged = true
		}
		if sel.TagStatus == "tagged" && slices.Equal(sel.TagPatternList, []string{"*"}) && sel.CountType == "imageCountMoreThan" && sel.CountNumber == 10 {
			tagged = true
		}
	}
	if !untagged || !tagged {
		t.Errorf("lifecycle policy %+v: want untagged expired after 30 days (%v) and last 10 tagged kept (%v)", policy, untagged, tagged)
	}
}

func TestFargateService(t *testing.T) {
	cases := []struct {
		prefix, albSG, taskSG string
		port                  int
		health                string
		deletionProtection    string
		minC, maxC, cpuTarget int
		logDays               int
		user                  string
		cluster               string // fixture name of a shared cluster, "" for an own one
	}{
		{"Web", "webALBSG", "webTaskSG", 8000, "/health", "true", 2, 4, 70, 14, "1000:1000", ""},
		{"Web2", "web2ALBSG", "web2TaskSG", 9000, "/healthz", "false", 1, 2, 60, 60, "101:101", "sharedCluster"},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			lb := one(t, c.prefix, "AWS::ElasticLoadBalancingV2::LoadBalancer")
			attrs := map[string]any{}
			for _, a := range lb.List("LoadBalancerAttributes") {
				m := toMap(a)
				attrs[m["Key"].(string)] = m["Value"]
			}
			runChecks(t, lb.Path(), []check{
				{"internet-facing", str(lb, "Scheme") == "internet-facing", get(lb, "Scheme")},
				{"public subnets", publicSubnetRefs(lb.List("Subnets")), get(lb, "Subnets")},
				{"own security group", len(lb.List("SecurityGroups")) == 1 && refs(lb.List("SecurityGroups")[0], c.albSG), get(lb, "SecurityGroups")},
				{"drop invalid header fields", attrs["routing.http.drop_invalid_header_fields.enabled"] == "true", attrs},
				{"desync mitigation strictest", attrs["routing.http.desync_mitigation_mode"] == "strictest", attrs},
				{"deletion protection " + c.deletionProtection, attrs["deletion_protection.enabled"] == c.deletionProtection, attrs},
				{"access logs on", attrs["access_logs.s3.enabled"] == "true", attrs},
				{"access logs to the log bucket", refs(attrs["access_logs.s3.bucket"], "logBucket"), attrs["access_logs.s3.bucket"]},
			})

			// The log bucket lets load balancer log delivery write under the prefix.
			delivery := false
			for _, bp := range tpl.OfType("AWS::S3::BucketPolicy") {
				if !refs(get(bp, "Bucket"), "logBucket") {
					continue
				}
				for _, st := range bp.List("PolicyDocument", "Statement") {
					m := toMap(st)
					delivery = delivery || m["Effect"] == "Allow" && toJSON(m["Action"]) == `"s3:PutObject"` &&
						strings.Contains(toJSON(m["Resource"]), "/alb/"+c.prefix+"/AWSLogs/111111111111/*")
				}
			}
			if !delivery || attrs["access_logs.s3.prefix"] != "alb/"+c.prefix {
				t.Errorf("%s: access logs prefix %v or log bucket delivery grant missing", c.prefix, attrs["access_logs.s3.prefix"])
			}

			// Listeners: 443 HTTPS with a TLS 1.2+ policy and the certificate; 80 redirects 301.
			listeners := under(c.prefix, "AWS::ElasticLoadBalancingV2::Listener")
			if len(listeners) != 2 {
				t.Fatalf("%s: %d listeners, want 2 (443 HTTPS, 80 redirect)", c.prefix, len(listeners))
			}
			for _, l := range listeners {
				switch num(l, "Port") {
				case 443:
					runChecks(t, l.Path(), []check{
						{"HTTPS", str(l, "Protocol") == "HTTPS", get(l, "Protocol")},
						{"TLS 1.2+ policy", str(l, "SslPolicy") == "ELBSecurityPolicy-TLS13-1-2-2021-06", get(l, "SslPolicy")},
						{"certificate", str(l, "Certificates", "0", "CertificateArn") == placeholderCert, get(l, "Certificates")},
						{"forwards to the target group", str(l, "DefaultActions", "0", "Type") == "forward", get(l, "DefaultActions")},
					})
				case 80:
					actions := l.List("DefaultActions")
					runChecks(t, l.Path(), []check{
						{"only a redirect", len(actions) == 1 && str(l, "DefaultActions", "0", "Type") == "redirect", actions},
						{"to HTTPS 443", str(l, "DefaultActions", "0", "RedirectConfig", "Protocol") == "HTTPS" && str(l, "DefaultActions", "0", "RedirectConfig", "Port") == "443", actions},
						{"permanent 301", str(l, "DefaultActions", "0", "RedirectConfig", "StatusCode") == "HTTP_301", actions},
					})
				default:
					t.Errorf("%s: unexpected listener port %v", l.Path(), get(l, "Port"))
				}
			}

			tg := one(t, c.prefix, "AWS::ElasticLoadBalancingV2::TargetGroup")
			runChecks(t, tg.Path(), []check{
				{"health check path", str(tg, "HealthCheckPath") == c.health, get(tg, "HealthCheckPath")},
				{"interval 30 s", num(tg, "HealthCheckIntervalSeconds") == 30, get(tg, "HealthCheckIntervalSeconds")},
				{"healthy 2", num(tg, "HealthyThresholdCount") == 2, get(tg, "HealthyThresholdCount")},
				{"unhealthy 3", num(tg, "UnhealthyThresholdCount") == 3, get(tg, "UnhealthyThresholdCount")},
				{"timeout 5 s", num(tg, "HealthCheckTimeoutSeconds") == 5, get(tg, "HealthCheckTimeoutSeconds")},
				{"container port", num(tg, "Port") == c.port, get(tg, "Port")},
				{"ip targets", str(tg, "TargetType") == "ip", get(tg, "TargetType")},
			})

			// Security groups: the load balancer takes 80/443 from 0.0.0.0/0 only and talks to
			// the tasks only; the tasks take the container port from the load balancer only.
			var lbIn []string
			for _, rule := range ingressInto(ids[c.albSG]) {
				from, _ := cfn.AsInt(rule["FromPort"])
				lbIn = append(lbIn, toJSON(rule["CidrIp"])+":"+toJSON(from))
				if rule["CidrIpv6"] != nil || rule["SourceSecurityGroupId"] != nil {
					t.Errorf("%s load balancer: unexpected ingress %v", c.prefix, rule)
				}
			}
			slices.Sort(lbIn)
			if join(lbIn) != `"0.0.0.0/0":443,"0.0.0.0/0":80` {
				t.Errorf("%s load balancer ingress %v, want 80 and 443 from 0.0.0.0/0 only", c.prefix, lbIn)
			}
			for _, rule := range egressFrom(ids[c.albSG]) {
				if !cfn.ReferencesTo(rule["DestinationSecurityGroupId"], ids[c.taskSG]) {
					t.Errorf("%s load balancer egress %v, want only to the tasks' group", c.prefix, rule)
				}
			}
			if msg := onlyFromGroups(ids[c.taskSG], c.port, ids[c.albSG]); msg != "" {
				t.Errorf("%s task security group: %s", c.prefix, msg)
			}
			if !noOpenEgress(ids[c.taskSG]) {
				t.Errorf("%s task security group allows all outbound", c.prefix)
			}

			svc := one(t, c.prefix, "AWS::ECS::Service")
			runChecks(t, svc.Path(), []check{
				{"circuit breaker with rollback", boolean(svc, "DeploymentConfiguration", "DeploymentCircuitBreaker", "Enable") && boolean(svc, "DeploymentConfiguration", "DeploymentCircuitBreaker", "Rollback"), get(svc, "DeploymentConfiguration")},
				{"no public IP", str(svc, "NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp") == "DISABLED", get(svc, "NetworkConfiguration")},
				{"private subnets", privateSubnetRefs(svc.List("NetworkConfiguration", "AwsvpcConfiguration", "Subnets")), get(svc, "NetworkConfiguration")},
				{"task security group", refs(get(svc, "NetworkConfiguration", "AwsvpcConfiguration", "SecurityGroups"), c.taskSG), get(svc, "NetworkConfiguration")},
				{"Fargate", str(svc, "LaunchType") == "FARGATE", get(svc, "LaunchType")},
				{"no exec command", svc.Has("EnableExecuteCommand") && !boolean(svc, "EnableExecuteCommand"), get(svc, "EnableExecuteCommand")},
			})
			if c.cluster != "" && !refs(get(svc, "Cluster"), c.cluster) {
				t.Errorf("%s: service cluster %v, want the shared cluster", c.prefix, get(svc, "Cluster"))
			}
			if c.cluster == "" {
				checkCluster(t, one(t, c.prefix, "AWS::ECS::Cluster"), "")
			}
			checkTaskDefinition(t, c.prefix, c.user, c.logDays)

			st := one(t, c.prefix, "AWS::ApplicationAutoScaling::ScalableTarget")
			if num(st, "MinCapacity") != c.minC || num(st, "MaxCapacity") != c.maxC {
				t.Errorf("%s scaling %v..%v, want %d..%d", c.prefix, get(st, "MinCapacity"), get(st, "MaxCapacity"), c.minC, c.maxC)
			}
			metrics := map[string]int{}
			for _, p := range under(c.prefix, "AWS::ApplicationAutoScaling::ScalingPolicy") {
				metrics[str(p, "TargetTrackingScalingPolicyConfiguration", "PredefinedMetricSpecification", "PredefinedMetricType")] = num(p, "TargetTrackingScalingPolicyConfiguration", "TargetValue")
			}
			if metrics["ECSServiceAverageCPUUtilization"] != c.cpuTarget || metrics["ECSServiceAverageMemoryUtilization"] != 75 {
				t.Errorf("%s target tracking %v, want CPU %d and memory 75", c.prefix, metrics, c.cpuTarget)
			}
		})
	}

	// The web service's execution role reads only its secret, decrypting through Secrets
	// Manager; the only "*" resource is ECR's GetAuthorizationToken.
	exec := policyStatementsOf("webExecRole")
	if len(exec) == 0 {
		t.Fatalf("web execution role has no policy")
	}
	for _, st := range exec {
		if toJSON(st["Resource"]) == `"*"` && toJSON(st["Action"]) != `"ecr:GetAuthorizationToken"` {
			t.Errorf("web execution role statement %v uses Resource \"*\"", st)
		}
	}
	readsSecret := false
	for _, st := range exec {
		readsSecret = readsSecret || strings.Contains(toJSON(st["Action"]), "secretsmanager:GetSecretValue") && refs(st["Resource"], "appSecret")
	}
	if !readsSecret {
		t.Errorf("web execution role cannot read the injected secret: %v", exec)
	}
	if !keyPolicyGrants("secretsKey", "webExecRole", "kms:Decrypt") {
		t.Errorf("secrets key policy does not let the web execution role decrypt the injected secret")
	}
	if len(policyStatementsOf("webTaskRole")) != 0 {
		t.Errorf("web task role has policies nobody granted: %v", policyStatementsOf("webTaskRole"))
	}
	if ids["webTaskRole"] == ids["webExecRole"] {
		t.Errorf("task and execution roles are the same role")
	}
}

// checkCluster checks Container Insights and the customer-managed key of the tasks'
// ephemeral storage, whose policy lets Fargate use it for this account (and cluster name).
func checkCluster(t *testing.T, cl *cfn.Resource, name string) {
	t.Helper()
	if !strings.Contains(toJSON(get(cl, "ClusterSettings")), `{"Name":"containerInsights","Value":"enabled"}`) {
		t.Errorf("%s cluster settings %v, want container insights enabled", cl.Path(), get(cl, "ClusterSettings"))
	}
	if !refs(get(cl, "Configuration", "ManagedStorageConfiguration", "FargateEphemeralStorageKmsKeyId"), "dataKey") {
		t.Errorf("%s ephemeral storage key %v, want the data key", cl.Path(), get(cl, "Configuration"))
	}
	fargate := 0
	for _, st := range tpl.Resources[ids["dataKey"]].List("KeyPolicy", "Statement") {
		m := toMap(st)
		if strings.Contains(toJSON(m["Principal"]), "fargate.amazonaws.com") && strings.Contains(toJSON(m["Condition"]), "aws:ecs:clusterAccount") &&
			(name == "" || strings.Contains(toJSON(m["Condition"]), `"kms:EncryptionContext:aws:ecs:clusterName":["`+name+`"]`)) {
			fargate++
		}
	}
	if fargate < 2 {
		t.Errorf("data key policy has %d scoped Fargate statements for cluster %q, want GenerateDataKeyWithoutPlaintext and CreateGrant", fargate, name)
	}
}

func TestSharedCluster(t *testing.T) {
	cl := tpl.Resources[ids["sharedCluster"]]
	if cl == nil {
		t.Fatal("shared cluster missing")
	}
	if str(cl, "ClusterName") != "pt-shared" {
		t.Errorf("cluster name %v, want pt-shared", get(cl, "ClusterName"))
	}
	checkCluster(t, cl, "pt-shared")
}

// checkTaskDefinition checks the single container of the task definition under prefix.
func checkTaskDefinition(t *testing.T, prefix, user string, logDays int) {
	t.Helper()
	td := one(t, prefix, "AWS::ECS::TaskDefinition")
	cds := td.List("ContainerDefinitions")
	if len(cds) != 1 {
		t.Fatalf("%s: %d containers, want 1", prefix, len(cds))
	}
	cd := &cfn.Resource{Properties: toMap(cds[0])}
	lg := tpl.Resolve(get(cd, "LogConfiguration", "Options", "awslogs-group"))
	runChecks(t, td.Path(), []check{
		{"read-only root file system", boolean(cd, "ReadonlyRootFilesystem"), get(cd, "ReadonlyRootFilesystem")},
		{"non-root user " + user, str(cd, "User") == user, get(cd, "User")},
		{"not privileged", cd.Has("Privileged") && !boolean(cd, "Privileged"), get(cd, "Privileged")},
		{"all capabilities dropped", join(strs(cd, "LinuxParameters", "Capabilities", "Drop")) == "ALL", get(cd, "LinuxParameters")},
		{"init process", boolean(cd, "LinuxParameters", "InitProcessEnabled"), get(cd, "LinuxParameters")},
		{"awslogs driver", str(cd, "LogConfiguration", "LogDriver") == "awslogs", get(cd, "LogConfiguration")},
		{"log group encrypted with the logs key", lg != nil && refs(get(lg, "KmsKeyId"), "logsKey"), lg},
		{"log retention", lg != nil && num(lg, "RetentionInDays") == logDays, lg},
		{"separate task and execution roles", td.Has("TaskRoleArn") && td.Has("ExecutionRoleArn") && toJSON(get(td, "TaskRoleArn")) != toJSON(get(td, "ExecutionRoleArn")), nil},
		{"writable /tmp volume", strings.Contains(toJSON(get(cd, "MountPoints")), `"ContainerPath":"/tmp"`), get(cd, "MountPoints")},
	})
}

func TestWorkerService(t *testing.T) {
	if n := len(under("Worker", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener")); n != 0 {
		t.Errorf("worker has %d load balancer resources, want none", n)
	}
	if rules := ingressInto(ids["workerSG"]); len(rules) != 0 {
		t.Errorf("worker security group has inbound rules %v, want none", rules)
	}
	if !noOpenEgress(ids["workerSG"]) {
		t.Errorf("worker security group allows all outbound")
	}
	checkTaskDefinition(t, "Worker", "1000:1000", 14)
	td := one(t, "Worker", "AWS::ECS::TaskDefinition")
	if !refs(get(td, "ContainerDefinitions", "0", "Environment"), "jobs") {
		t.Errorf("worker container has no QUEUE_URL from the queue: %v", get(td, "ContainerDefinitions", "0", "Environment"))
	}
	consume := false
	for _, st := range policyStatementsOf("workerTaskRole") {
		if strings.Contains(toJSON(st["Action"]), "sqs:ReceiveMessage") && refs(st["Resource"], "jobs") {
			consume = true
		}
		if toJSON(st["Resource"]) == `"*"` {
			t.Errorf("worker task role statement %v uses Resource \"*\"", st)
		}
	}
	if !consume {
		t.Errorf("worker task role cannot receive from the queue: %v", policyStatementsOf("workerTaskRole"))
	}
	svc := one(t, "Worker", "AWS::ECS::Service")
	if !refs(get(svc, "Cluster"), "sharedCluster") || !boolean(svc, "DeploymentConfiguration", "DeploymentCircuitBreaker", "Rollback") {
		t.Errorf("worker service %v: want the shared cluster and circuit breaker rollback", svc.Properties)
	}
	step := 0
	tracking := map[string]int{}
	for _, p := range under("Worker", "AWS::ApplicationAutoScaling::ScalingPolicy") {
		switch str(p, "PolicyType") {
		case "StepScaling":
			step++
		case "TargetTrackingScaling":
			tracking[str(p, "TargetTrackingScalingPolicyConfiguration", "PredefinedMetricSpecification", "PredefinedMetricType")] = num(p, "TargetTrackingScalingPolicyConfiguration", "TargetValue")
		}
	}
	if tracking["ECSServiceAverageCPUUtilization"] != 70 || tracking["ECSServiceAverageMemoryUtilization"] != 75 {
		t.Errorf("worker target tracking %v, want CPU 70 and memory 75 besides the backlog steps", tracking)
	}
	alarms := under("Worker", "AWS::CloudWatch::Alarm")
	backlog := 0
	for _, a := range alarms {
		if str(a, "MetricName") == "ApproximateNumberOfMessagesVisible" && str(a, "Namespace") == "AWS/SQS" && refs(get(a, "Dimensions"), "jobs") {
			backlog++
		}
	}
	if step != 2 || backlog != 2 {
		t.Errorf("worker backlog scaling: %d step policies and %d queue-depth alarms, want 2 and 2", step, backlog)
	}
	st := one(t, "Worker", "AWS::ApplicationAutoScaling::ScalableTarget")
	if num(st, "MinCapacity") != 1 || num(st, "MaxCapacity") != 6 {
		t.Errorf("worker scaling %v..%v, want 1..6", get(st, "MinCapacity"), get(st, "MaxCapacity"))
	}
}

func TestGoFunction(t *testing.T) {
	cases := []struct {
		prefix, role, logs string
		timeout, memory    int
		reserved           int // -1: absent
		logDays            int
		onFailure          string
		alarm              string
		secretsExtension   bool
	}{
		{"FnIngest", "fnIngestRole", "fnIngestLogs", 30, 256, -1, 14, "", "fnIngestAlarm", false},
		{"FnNotify", "fnNotifyRole", "fnNotifyLogs", 60, 512, 5, 30, "failures", "fnNotifyAlarm", true},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			fn := one(t, c.prefix, "AWS::Lambda::Function")
			lg := tpl.Resources[ids[c.logs]]
			runChecks(t, fn.Path(), []check{
				{"provided.al2023", str(fn, "Runtime") == "provided.al2023", get(fn, "Runtime")},
				{"arm64", join(strs(fn, "Architectures")) == "arm64", get(fn, "Architectures")},
				{"bootstrap handler", str(fn, "Handler") == "bootstrap", get(fn, "Handler")},
				{"asset code", fn.Has("Code", "S3Key"), get(fn, "Code")},
				{"private subnets", privateSubnetRefs(fn.List("VpcConfig", "SubnetIds")), get(fn, "VpcConfig")},
				{"own role", refs(get(fn, "Role"), c.role), get(fn, "Role")},
				{"own log group", refs(get(fn, "LoggingConfig", "LogGroup"), c.logs), get(fn, "LoggingConfig")},
				{"log group encrypted", lg != nil && refs(get(lg, "KmsKeyId"), "logsKey"), lg},
				{"log retention", lg != nil && num(lg, "RetentionInDays") == c.logDays, lg},
				{"environment encrypted with the CMK", refs(get(fn, "KmsKeyArn"), "dataKey"), get(fn, "KmsKeyArn")},
				{"X-Ray active", str(fn, "TracingConfig", "Mode") == "Active", get(fn, "TracingConfig")},
				{"timeout", num(fn, "Timeout") == c.timeout, get(fn, "Timeout")},
				{"memory", num(fn, "MemorySize") == c.memory, get(fn, "MemorySize")},
				{"reserved concurrency", num(fn, "ReservedConcurrentExecutions") == c.reserved, get(fn, "ReservedConcurrentExecutions")},
			})
			sgs := fn.List("VpcConfig", "SecurityGroupIds")
			if len(sgs) != 1 {
				t.Fatalf("%s: %d security groups, want its own one", c.prefix, len(sgs))
			}
			sg := tpl.Resolve(sgs[0])
			if sg == nil || !strings.HasPrefix(sg.Path(), stackName+"/"+c.prefix+"/") || len(ingressInto(sg.LogicalID)) != 0 || !noOpenEgress(sg.LogicalID) {
				t.Errorf("%s security group %v: want its own group without inbound rules or open egress", c.prefix, sg)
			}
			for _, st := range policyStatementsOf(c.role) {
				if strings.Contains(toJSON(st["Action"]), "logs:") && !refs(st["Resource"], c.logs) {
					t.Errorf("%s role writes logs beyond its own log group: %v", c.prefix, st)
				}
			}
			ext := strings.Contains(toJSON(get(fn, "Layers")), ":layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:") &&
				str(fn, "Environment", "Variables", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT") != ""
			if ext != c.secretsExtension {
				t.Errorf("%s: Parameters and Secrets extension (arm64 layer + port variable) = %v, want %v", c.prefix, ext, c.secretsExtension)
			}
			alarm := tpl.Resources[ids[c.alarm]]
			if alarm == nil || str(alarm, "Namespace") != "AWS/Lambda" || str(alarm, "MetricName") != "Errors" || !cfn.ReferencesTo(get(alarm, "Dimensions"), fn.LogicalID) {
				t.Errorf("%s: no Errors alarm on the function: %v", c.prefix, alarm)
			} else if !refs(get(alarm, "AlarmActions"), "alarms") {
				t.Errorf("%s: alarm actions %v, want the alarm topic", c.prefix, get(alarm, "AlarmActions"))
			}
			eic := under(c.prefix, "AWS::Lambda::EventInvokeConfig")
			switch {
			case c.onFailure == "" && len(eic) != 0:
				t.Errorf("%s: unexpected event invoke config", c.prefix)
			case c.onFailure != "" && (len(eic) != 1 || !refs(get(eic[0], "DestinationConfig", "OnFailure", "Destination"), c.onFailure)):
				t.Errorf("%s: no on-failure destination to the %s queue", c.prefix, c.onFailure)
			}
			if got := refs(get(fn, "DeadLetterConfig", "TargetArn"), c.onFailure); got != (c.onFailure != "") {
				t.Errorf("%s: dead-letter config %v, want the %q queue", c.prefix, get(fn, "DeadLetterConfig"), c.onFailure)
			}
		})
	}
	if ids["fnIngestRole"] == ids["fnNotifyRole"] {
		t.Errorf("functions share a role")
	}
}

// policyStatementsOf returns the statements of every AWS::IAM::Policy attached to the role
// fixture named role.
func policyStatementsOf(role string) []map[string]any {
	var out []map[string]any
	for _, p := range tpl.OfType("AWS::IAM::Policy") {
		if !refs(get(p, "Roles"), role) {
			continue
		}
		for _, st := range p.List("PolicyDocument", "Statement") {
			out = append(out, toMap(st))
		}
	}
	return out
}

// keyPolicyGrants reports whether the key fixture's policy allows action to the principal
// fixture.
func keyPolicyGrants(key, principal, action string) bool {
	k := tpl.Resources[ids[key]]
	if k == nil {
		return false
	}
	for _, st := range k.List("KeyPolicy", "Statement") {
		m := toMap(st)
		if m["Effect"] == "Allow" && refs(m["Principal"], principal) && strings.Contains(toJSON(m["Action"]), action) {
			return true
		}
	}
	return false
}
