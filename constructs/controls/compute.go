package controls

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

const (
	lambdaType  = "AWS::Lambda::Function"
	ecsService  = "AWS::ECS::Service"
	ecsTaskDef  = "AWS::ECS::TaskDefinition"
	ecsCluster  = "AWS::ECS::Cluster"
	ec2Instance = "AWS::EC2::Instance"
)

func computeControls() []Control {
	return []Control{lambdaInVPC(), ec2Private(), ebsEncryption(), ecsPrivate(), ecsAutoscaling(),
		ecsMultiAZ(), ecsNoPlainSecrets(), ecsAwslogs(), ecsCircuitBreaker(), ecsEphemeralKey()}
}

func privateSubnetsProblem(c *Context, r *cfn.Resource, subnets []any) string {
	if len(subnets) == 0 {
		return "no subnets configured"
	}
	var bad []string
	for _, s := range subnets {
		tier, sn := subnetTier(c, r, s)
		switch tier {
		case tierPrivate, tierIsolated:
		case tierUnknown:
			bad = append(bad, fmt.Sprintf("subnet %s is not defined in this environment", canon(s)))
		default:
			bad = append(bad, fmt.Sprintf("subnet %s is public", sn.Path()))
		}
	}
	return strings.Join(bad, "; ")
}

// lambdaInVPC
//
//	Rule Identifier: LS-LAM-001
//	Description:     Application Lambda functions run in the VPC's private subnets.
//	Reports on:      AWS::Lambda::Function
//	Scenarios:
//	  SKIP: no application function (aws-cdk-lib framework singletons are ignored).
//	  PASS: VpcConfig with security groups and only private / isolated subnets.
//	  FAIL: no VpcConfig, no security group, or a public subnet.
func lambdaInVPC() Control {
	types := []string{lambdaType}
	return Control{
		ID: "LS-LAM-001", Title: "Lambda functions run in private VPC subnets", Severity: Medium,
		Seed: seedLabSecure, Sentence: "Lambdas (via VPC configuration where needed)", ResourceTypes: types,
		Remediation: "Set Vpc and VpcSubnets (PRIVATE_WITH_EGRESS) on the function.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if !r.Has("VpcConfig") {
				return "function is not attached to the VPC (no VpcConfig)"
			}
			if len(r.List("VpcConfig", "SecurityGroupIds")) == 0 {
				return "VpcConfig has no security group"
			}
			return privateSubnetsProblem(c, r, r.List("VpcConfig", "SubnetIds"))
		}),
	}
}

// ec2Private
//
//	Rule Identifier: LS-EC2-001
//	Description:     EC2 instances run in private subnets without a public IP.
//	Reports on:      AWS::EC2::Instance
//	Scenarios:
//	  SKIP: no instance.
//	  PASS: SubnetId (or the primary interface's) is private / isolated and AssociatePublicIpAddress is not true.
//	  FAIL: a public subnet, a public IP, or a subnet not in the app.
func ec2Private() Control {
	types := []string{ec2Instance}
	return Control{
		ID: "LS-EC2-001", Title: "EC2 instances are private with no public IP", Severity: High,
		Seed: seedLabSecure, Sentence: "It meets Scenario F requirements (private subnet, IAM role, no public IP).", ResourceTypes: types,
		Remediation: "Launch the instance with VpcSubnets PRIVATE_WITH_EGRESS and AssociatePublicIpAddress false; reach it with SSM.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			var subnets []any
			if v, ok := r.Get("SubnetId"); ok {
				subnets = append(subnets, v)
			}
			pub := ""
			for _, ni := range r.List("NetworkInterfaces") {
				if v, ok := cfn.Lookup(ni, "SubnetId"); ok {
					subnets = append(subnets, v)
				}
				if v, ok := cfn.Lookup(ni, "AssociatePublicIpAddress"); ok {
					if b, _ := cfn.AsBool(v); b {
						pub = "AssociatePublicIpAddress is true"
					}
				}
			}
			if !r.Has("IamInstanceProfile") {
				pub = problems(pub, "no IAM instance profile (role)")
			}
			return problems(pub, privateSubnetsProblem(c, r, subnets))
		}),
	}
}

// ebsEncryption
//
//	Rule Identifier: LS-EBS-001
//	Description:     EBS volumes (standalone, instance and launch-template block devices) encrypt
//	                 with a rotated customer-managed key.
//	Reports on:      AWS::EC2::Volume, AWS::EC2::Instance, AWS::EC2::LaunchTemplate
//	Scenarios:
//	  SKIP: no volume, instance or launch template.
//	  PASS: every volume / block device Encrypted with KmsKeyId resolving to a rotated key.
//	  FAIL: unencrypted, default key, or an instance without block device mappings (root volume unencrypted).
func ebsEncryption() Control {
	types := []string{"AWS::EC2::Volume", ec2Instance, "AWS::EC2::LaunchTemplate"}
	return Control{
		ID: "LS-EBS-001", Title: "EBS volumes encrypt with a rotated customer-managed key", Severity: High,
		Seed: seedLablogs, Sentence: sentAtRest, ResourceTypes: types,
		Remediation: "Set BlockDevices with awsec2.BlockDeviceVolume_Ebs(size, &EbsDeviceOptions{Encrypted: true, KmsKey: key}).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			check := func(ebs any, what string) string {
				if on, _ := cfn.AsBool(mapGet(ebs, "Encrypted")); !on {
					return what + " is not encrypted"
				}
				return keyProblem(c, r, mapGet(ebs, "KmsKeyId"), what+" KmsKeyId")
			}
			switch r.Type {
			case "AWS::EC2::Volume":
				return check(r.Properties, "volume")
			case ec2Instance:
				if r.Has("LaunchTemplate") && !r.Has("BlockDeviceMappings") {
					return outOfScope // judged on the launch template
				}
				bdm := r.List("BlockDeviceMappings")
				if len(bdm) == 0 {
					return "no BlockDeviceMappings: the root volume is not encrypted with a customer-managed key"
				}
				var bad []string
				for i, b := range bdm {
					bad = append(bad, check(mapGet(b, "Ebs"), fmt.Sprintf("block device %d", i)))
				}
				return problems(bad...)
			default:
				bdm := r.List("LaunchTemplateData", "BlockDeviceMappings")
				if len(bdm) == 0 {
					return "launch template has no BlockDeviceMappings: the root volume is not encrypted with a customer-managed key"
				}
				var bad []string
				for i, b := range bdm {
					bad = append(bad, check(mapGet(b, "Ebs"), fmt.Sprintf("block device %d", i)))
				}
				return problems(bad...)
			}
		}),
	}
}

func mapGet(v any, k string) any {
	m, _ := v.(map[string]any)
	return m[k]
}

// ecsPrivate
//
//	Rule Identifier: LS-ECS-001
//	Description:     ECS services run tasks in private subnets without public IPs.
//	Reports on:      AWS::ECS::Service
//	Scenarios:
//	  SKIP: no ECS service.
//	  PASS: awsvpc configuration with AssignPublicIp DISABLED (or absent) and private subnets.
//	  FAIL: AssignPublicIp ENABLED, public subnets, or no awsvpc configuration.
func ecsPrivate() Control {
	types := []string{ecsService}
	return Control{
		ID: "LS-ECS-001", Title: "ECS tasks run in private subnets without public IPs", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "Web-facing load balancers reside in public subnets, ECS tasks run in private subnets with NAT gateway access for external communications, and databases are placed in isolated subnets with no internet routing.",
		ResourceTypes: types,
		Remediation:   "Set AssignPublicIp: jsii.Bool(false) and VpcSubnets PRIVATE_WITH_EGRESS on the service.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			cfg := r.Map("NetworkConfiguration", "AwsvpcConfiguration")
			if cfg == nil {
				return "no awsvpc NetworkConfiguration"
			}
			pub := ""
			if cfg["AssignPublicIp"] == "ENABLED" {
				pub = "AssignPublicIp is ENABLED"
			}
			l, _ := cfg["Subnets"].([]any)
			return problems(pub, privateSubnetsProblem(c, r, l))
		}),
	}
}

// ecsAutoscaling
//
//	Rule Identifier: LS-ECS-002
//	Description:     ECS services scale on CPU and on memory.
//	Reports on:      AWS::ECS::Service, AWS::ApplicationAutoScaling::ScalableTarget, AWS::ApplicationAutoScaling::ScalingPolicy
//	Scenarios:
//	  SKIP: no ECS service.
//	  PASS: a scalable target for the service with target-tracking policies on ECSServiceAverageCPUUtilization and ECSServiceAverageMemoryUtilization.
//	  FAIL: no scalable target, or one of the two metrics missing.
func ecsAutoscaling() Control {
	types := []string{ecsService}
	return Control{
		ID: "LS-ECS-002", Title: "ECS services autoscale on CPU and memory", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "Our ECS services utilize auto-scaling groups that respond to CPU and memory metrics, automatically adjusting capacity based on demand while maintaining balanced distribution across both availability zones.",
		ResourceTypes: []string{ecsService, "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy"},
		Remediation:   "service.AutoScaleTaskCount(...).ScaleOnCpuUtilization(...) and ScaleOnMemoryUtilization(...).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			targets := c.Env.Referrers(r, "AWS::ApplicationAutoScaling::ScalableTarget")
			if len(targets) == 0 {
				return "no scalable target for the service"
			}
			metrics := map[string]bool{}
			for _, t := range targets {
				for _, p := range c.Env.Referrers(t, "AWS::ApplicationAutoScaling::ScalingPolicy") {
					if m, ok := p.String("TargetTrackingScalingPolicyConfiguration", "PredefinedMetricSpecification", "PredefinedMetricType"); ok {
						metrics[m] = true
					}
				}
			}
			return problems(map[bool]string{false: "no CPU target-tracking policy"}[metrics["ECSServiceAverageCPUUtilization"]],
				map[bool]string{false: "no memory target-tracking policy"}[metrics["ECSServiceAverageMemoryUtilization"]])
		}),
	}
}

// ecsMultiAZ
//
//	Rule Identifier: LS-ECS-003
//	Description:     Where the environment promises multi-AZ, services run >= 2 tasks over subnets in >= 2 AZs.
//	Reports on:      AWS::ECS::Service, AWS::EC2::Subnet
//	Scenarios:
//	  SKIP: MultiAz false, or no service.
//	  PASS: DesiredCount >= 2 (or autoscaled) and subnets in >= 2 distinct AZs.
//	  FAIL: a single AZ or a single task.
func ecsMultiAZ() Control {
	types := []string{ecsService}
	return Control{
		ID: "LS-ECS-003", Title: "ECS services span two or more AZs", Severity: Medium,
		Seed: seedLablogs, Sentence: sentAZ, ResourceTypes: types,
		Remediation: "Use subnets of at least two AZs and DesiredCount >= 2 (MinCapacity >= 2) in multi-AZ environments.",
		Check: func(c *Context) []Finding {
			if !c.Settings.MultiAz {
				c.Skip("the environment does not promise multi-AZ (Labsecure.MultiAz is false)")
				return nil
			}
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				azs := map[string]bool{}
				for _, s := range r.List("NetworkConfiguration", "AwsvpcConfiguration", "Subnets") {
					if _, sn := subnetTier(c, r, s); sn != nil {
						azs[azOf(sn)] = true
					}
				}
				var bad []string
				if len(azs) < 2 {
					bad = append(bad, fmt.Sprintf("tasks are placed in %d AZ(s)", len(azs)))
				}
				if n, ok := r.Int("DesiredCount"); ok && n < 2 {
					min := 0
					for _, t := range c.Env.Referrers(r, "AWS::ApplicationAutoScaling::ScalableTarget") {
						min, _ = t.Int("MinCapacity")
					}
					if min < 2 {
						bad = append(bad, fmt.Sprintf("DesiredCount %d and MinCapacity %d: one AZ failure stops the service", n, min))
					}
				}
				return strings.Join(bad, "; ")
			})(c)
		},
	}
}

var secretName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)`)

// ecsNoPlainSecrets
//
//	Rule Identifier: LS-ECS-004
//	Description:     Containers get secrets from Secrets Manager, never as plain environment values.
//	Reports on:      AWS::ECS::TaskDefinition
//	Scenarios:
//	  SKIP: no task definition.
//	  PASS: no Environment entry whose name looks like a secret (PASSWORD, SECRET, TOKEN, API_KEY, ...).
//	  FAIL: such a name in Environment (it belongs in Secrets).
func ecsNoPlainSecrets() Control {
	types := []string{ecsTaskDef}
	return Control{
		ID: "LS-ECS-004", Title: "Container secrets come from Secrets Manager", Severity: High,
		Seed: seedMenoTime, Sentence: "Environment Variables: Injected from Secrets Manager", ResourceTypes: types,
		Remediation: "Pass the value with Secrets: map[string]awsecs.Secret{\"DB_PASSWORD\": awsecs.Secret_FromSecretsManager(secret, jsii.String(\"password\"))}.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for _, cd := range r.List("ContainerDefinitions") {
				env, _ := cfn.Lookup(cd, "Environment")
				l, _ := env.([]any)
				for _, e := range l {
					if n, ok := mapGet(e, "Name").(string); ok && secretName.MatchString(n) {
						bad = append(bad, fmt.Sprintf("container %v sets %s as a plain environment value", mapGet(cd, "Name"), n))
					}
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// ecsAwslogs
//
//	Rule Identifier: LS-ECS-005
//	Description:     Every container logs to CloudWatch with the awslogs driver.
//	Reports on:      AWS::ECS::TaskDefinition
//	Scenarios:
//	  SKIP: no task definition.
//	  PASS: every container has LogConfiguration.LogDriver awslogs with an awslogs-group.
//	  FAIL: a container without it.
func ecsAwslogs() Control {
	types := []string{ecsTaskDef}
	return Control{
		ID: "LS-ECS-005", Title: "Containers log to CloudWatch (awslogs)", Severity: Medium,
		Seed: seedMenoTime, Sentence: "Log Driver: awslogs (CloudWatch Logs)", ResourceTypes: types,
		Remediation: "Set Logging: awsecs.LogDriver_AwsLogs(&AwsLogDriverProps{LogGroup: a constructs/logs group, StreamPrefix: ...}).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for _, cd := range r.List("ContainerDefinitions") {
				d, _ := cfn.Lookup(cd, "LogConfiguration", "LogDriver")
				_, g := cfn.Lookup(cd, "LogConfiguration", "Options", "awslogs-group")
				if d != "awslogs" || !g {
					bad = append(bad, fmt.Sprintf("container %v does not log with awslogs to a log group", mapGet(cd, "Name")))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// ecsCircuitBreaker
//
//	Rule Identifier: LS-ECS-006
//	Description:     Deployments roll back automatically (deployment circuit breaker with rollback).
//	Reports on:      AWS::ECS::Service
//	Scenarios:
//	  SKIP: no service.
//	  PASS: DeploymentConfiguration.DeploymentCircuitBreaker Enable and Rollback true.
//	  FAIL: otherwise.
func ecsCircuitBreaker() Control {
	types := []string{ecsService}
	return Control{
		ID: "LS-ECS-006", Title: "ECS deployments roll back on failure", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "The Application Load Balancers automatically detect unhealthy containers and route traffic only to healthy instances across both zones, ensuring zero downtime during container updates or individual zone failures.",
		ResourceTypes: types,
		Remediation:   "Set CircuitBreaker: &awsecs.DeploymentCircuitBreaker{Enable: true, Rollback: true}.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			e, _ := r.Bool("DeploymentConfiguration", "DeploymentCircuitBreaker", "Enable")
			rb, _ := r.Bool("DeploymentConfiguration", "DeploymentCircuitBreaker", "Rollback")
			if !e || !rb {
				return "deployment circuit breaker with rollback is off"
			}
			return ""
		}),
	}
}

// ecsEphemeralKey
//
//	Rule Identifier: LS-ECS-007
//	Description:     Fargate task storage encrypts with a rotated customer-managed key.
//	Reports on:      AWS::ECS::Cluster, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no ECS cluster.
//	  PASS: Configuration.ManagedStorageConfiguration.FargateEphemeralStorageKmsKeyId resolves to a rotated key.
//	  FAIL: not set (AWS-owned key) or unverifiable.
func ecsEphemeralKey() Control {
	types := []string{ecsCluster}
	return Control{
		ID: "LS-ECS-007", Title: "Fargate task storage encrypts with a customer-managed key", Severity: Medium,
		Seed: seedMenoTime, Sentence: "Purpose: ECS task storage encryption", ResourceTypes: types,
		Remediation: "Set ManagedStorageConfiguration: &awsecs.ManagedStorageConfiguration{FargateEphemeralStorageKmsKey: key} on the cluster.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			v, _ := r.Get("Configuration", "ManagedStorageConfiguration", "FargateEphemeralStorageKmsKeyId")
			return keyProblem(c, r, v, "FargateEphemeralStorageKmsKeyId")
		}),
	}
}
