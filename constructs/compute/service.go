package compute

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// SslPolicy is the HTTPS listener's security policy: TLS 1.3 and 1.2 only
// (ELBSecurityPolicy-TLS13-1-2-2021-06).
const SslPolicy = elbv2.SslPolicy_RECOMMENDED_TLS

// FargateServiceProps configures a web service behind an internet-facing load balancer.
type FargateServiceProps struct {
	TaskProps
	// Vpc is the VPC: the load balancer goes to its public subnets, the tasks to its private
	// subnets. Required.
	Vpc awsec2.IVpc
	// Cluster runs the service. Default: a new cluster with Container Insights (NewCluster).
	Cluster awsecs.ICluster
	// ClusterStorageKey encrypts the task storage of the cluster created when Cluster is nil
	// (ClusterProps.EphemeralStorageKey). Default: none (AWS-owned encryption); ignored when
	// Cluster is set.
	ClusterStorageKey awskms.IKey
	// ContainerPort is the port the container listens on (plain HTTP inside the VPC).
	// Default: 8000.
	ContainerPort int
	// CertificateARN is the ACM certificate of the HTTPS listener. One of CertificateARN or
	// Certificate is required: there is no HTTP-only mode. Without a domain, the environment
	// config passes an imported placeholder ARN so synth works offline; deploying needs a real
	// certificate.
	CertificateARN string
	// Certificate is a certificate built in this app (e.g. DNS-validated for the domain).
	// Required unless CertificateARN is set; the two are exclusive.
	Certificate awscertificatemanager.ICertificate
	// AccessLogs is the bucket receiving the load balancer's access logs (SSE-S3: use the
	// environment's log bucket, storage.NewLogBucket). Required.
	AccessLogs awss3.IBucket
	// AccessLogsPrefix is the key prefix of the access logs. Default: "alb/<id>".
	AccessLogsPrefix string
	// HealthCheckPath is the target group's health check path. Default: "/health" (seed 003).
	HealthCheckPath string
	// DesiredCount is the initial task count. Default: MinCount.
	DesiredCount int
	// MinCount and MaxCount bound autoscaling. Default: 2 and 4 (seed 003: up to 4 in prod).
	MinCount, MaxCount int
	// CPUTargetPercent and MemoryTargetPercent are the target-tracking targets.
	// Default: 70 and 75.
	CPUTargetPercent, MemoryTargetPercent int
	// ServiceName names the ECS service. Default: generated.
	ServiceName string
	// DisableDeletionProtection lets the load balancer be deleted (dev only). Default: false
	// (deletion protection on).
	DisableDeletionProtection bool
}

var (
	acmARNRE    = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	httpPathRE  = regexp.MustCompile(`^/[A-Za-z0-9_./~-]*$`)
	prefixRE    = regexp.MustCompile(`^[A-Za-z0-9_./-]*$`)
	serviceName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,254}$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *FargateServiceProps) Validate() error {
	const pkg = "compute: fargate service"
	if p == nil {
		return fmt.Errorf("%s props are required; fix: pass &compute.FargateServiceProps{Vpc: ..., ...}", pkg)
	}
	if p.Vpc == nil {
		return fmt.Errorf("%s Vpc is nil; fix: pass the environment's VPC (network.New)", pkg)
	}
	if err := p.TaskProps.validate(pkg); err != nil {
		return err
	}
	if p.ContainerPort < 0 || p.ContainerPort > 65535 {
		return fmt.Errorf("%s ContainerPort %d is invalid; fix: use 1-65535 (default 8000)", pkg, p.ContainerPort)
	}
	switch {
	case p.CertificateARN == "" && p.Certificate == nil:
		return fmt.Errorf("%s CertificateARN is empty; fix: pass an ACM certificate ARN (or Certificate): the load balancer only serves HTTPS, so an environment without a domain passes a placeholder ARN for synth", pkg)
	case p.CertificateARN != "" && p.Certificate != nil:
		return fmt.Errorf("%s CertificateARN and Certificate are both set; fix: set only one", pkg)
	case p.CertificateARN != "" && !awscdkTokenOrMatch(p.CertificateARN, acmARNRE):
		return fmt.Errorf("%s CertificateARN %q is not an ACM certificate ARN; fix: use arn:aws:acm:<region>:<account>:certificate/<id>", pkg, p.CertificateARN)
	}
	if p.AccessLogs == nil {
		return fmt.Errorf("%s AccessLogs is nil; fix: pass the environment's log bucket (storage.NewLogBucket) for load balancer access logs", pkg)
	}
	if !prefixRE.MatchString(p.AccessLogsPrefix) || strings.HasPrefix(p.AccessLogsPrefix, "/") || strings.Contains(p.AccessLogsPrefix, "AWSLogs") {
		return fmt.Errorf("%s AccessLogsPrefix %q is invalid; fix: use letters, digits, '.', '_', '-' and '/', not starting with '/' nor containing AWSLogs", pkg, p.AccessLogsPrefix)
	}
	if p.HealthCheckPath != "" && !httpPathRE.MatchString(p.HealthCheckPath) {
		return fmt.Errorf("%s HealthCheckPath %q is not a URL path; fix: use e.g. \"/health\"", pkg, p.HealthCheckPath)
	}
	minC, maxC, desired := p.counts()
	if minC < 1 || maxC < minC || maxC > 1000 {
		return fmt.Errorf("%s MinCount %d / MaxCount %d are invalid; fix: use 1 <= MinCount <= MaxCount <= 1000 (default 2 and 4)", pkg, minC, maxC)
	}
	if desired < minC || desired > maxC {
		return fmt.Errorf("%s DesiredCount %d is outside MinCount %d..MaxCount %d; fix: choose a count in that range (default MinCount)", pkg, desired, minC, maxC)
	}
	if err := checkTargets(pkg, p.CPUTargetPercent, p.MemoryTargetPercent); err != nil {
		return err
	}
	if p.ServiceName != "" && !serviceName.MatchString(p.ServiceName) {
		return fmt.Errorf("%s ServiceName %q is invalid; fix: start with a letter, then letters, digits, '-' or '_'", pkg, p.ServiceName)
	}
	return nil
}

func (p *FargateServiceProps) counts() (minC, maxC, desired int) {
	minC, maxC, desired = p.MinCount, p.MaxCount, p.DesiredCount
	if minC == 0 {
		minC = 2
	}
	if maxC == 0 {
		maxC = max(4, minC)
	}
	if desired == 0 {
		desired = minC
	}
	return minC, maxC, desired
}

// FargateService is a web service and its load balancer.
type FargateService struct {
	Cluster                   awsecs.ICluster
	Service                   awsecs.FargateService
	TaskDefinition            awsecs.FargateTaskDefinition
	Container                 awsecs.ContainerDefinition
	LoadBalancer              elbv2.ApplicationLoadBalancer
	HTTPSListener             elbv2.ApplicationListener
	TargetGroup               elbv2.ApplicationTargetGroup
	LoadBalancerSecurityGroup awsec2.SecurityGroup
	// ServiceSecurityGroup is the tasks' group: pass it to the data constructs' AllowFrom.
	ServiceSecurityGroup awsec2.SecurityGroup
	// TaskRole is the application's role: grant it what the application needs.
	TaskRole      awsiam.Role
	ExecutionRole awsiam.Role
	LogGroup      awslogs.LogGroup
}

// NewFargateService creates a Fargate service behind an internet-facing Application Load
// Balancer:
//   - load balancer in the public subnets with its own security group admitting 80 and 443
//     from 0.0.0.0/0 only; invalid header fields dropped; desync mitigation strictest;
//     access logs to AccessLogs; deletion protection on;
//   - HTTPS listener on 443 with SslPolicy (TLS 1.2+) and the certificate; a listener on 80
//     that only redirects (301) to 443;
//   - target group: HTTP to the container port, health check HealthCheckPath every 30 s,
//     healthy 2, unhealthy 3, timeout 5 s (seed 003);
//   - tasks in the private subnets, no public IP, security group admitting only the load
//     balancer's group on the container port; read-only root file system; non-root user;
//     every Linux capability dropped; init process;
//     awslogs to an encrypted log group; secrets from Secrets Manager; separate task and
//     execution roles;
//   - deployment circuit breaker with rollback; CPU and memory target-tracking autoscaling
//     between MinCount and MaxCount.
func NewFargateService(scope constructs.Construct, id string, props *FargateServiceProps) (*FargateService, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	port := props.ContainerPort
	if port == 0 {
		port = 8000
	}
	healthPath := props.HealthCheckPath
	if healthPath == "" {
		healthPath = "/health"
	}
	prefix := props.AccessLogsPrefix
	if prefix == "" {
		prefix = "alb/" + id
	}
	minC, maxC, desired := props.counts()

	cluster := props.Cluster
	if cluster == nil {
		c, err := NewCluster(self, "Cluster", &ClusterProps{Vpc: props.Vpc, EphemeralStorageKey: props.ClusterStorageKey})
		if err != nil {
			return nil, fmt.Errorf("compute: fargate service cluster: %w", err)
		}
		cluster = c
	}
	t, err := newTask(self, &props.TaskProps, port, nil)
	if err != nil {
		return nil, fmt.Errorf("compute: fargate service: %w", err)
	}

	albSG := awsec2.NewSecurityGroup(self, jsii.String("LoadBalancerSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("Internet-facing load balancer: HTTP (redirect only) and HTTPS from anywhere; out to the tasks only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	albSG.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the internet"), nil)
	albSG.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(80)), jsii.String("HTTP from the internet (301 to HTTPS)"), nil)
	taskSG := newTaskSecurityGroup(self, props.Vpc, fmt.Sprintf("Service tasks: port %d from the load balancer only", port))

	sp := &awsecs.FargateServiceProps{
		Cluster:                cluster,
		TaskDefinition:         t.def,
		DesiredCount:           jsii.Number(float64(desired)),
		VpcSubnets:             &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		SecurityGroups:         &[]awsec2.ISecurityGroup{taskSG},
		AssignPublicIp:         jsii.Bool(false),
		CircuitBreaker:         &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		MinHealthyPercent:      jsii.Number(100),
		MaxHealthyPercent:      jsii.Number(200),
		HealthCheckGracePeriod: awscdk.Duration_Seconds(jsii.Number(60)),
		PlatformVersion:        awsecs.FargatePlatformVersion_LATEST,
		PropagateTags:          awsecs.PropagatedTagSource_SERVICE,
		EnableECSManagedTags:   jsii.Bool(true),
		EnableExecuteCommand:   jsii.Bool(false),
	}
	if props.ServiceName != "" {
		sp.ServiceName = jsii.String(props.ServiceName)
	}
	service := awsecs.NewFargateService(self, jsii.String("Service"), sp)

	alb := elbv2.NewApplicationLoadBalancer(self, jsii.String("LoadBalancer"), &elbv2.ApplicationLoadBalancerProps{
		Vpc:                     props.Vpc,
		InternetFacing:          jsii.Bool(true),
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
		SecurityGroup:           albSG,
		DropInvalidHeaderFields: jsii.Bool(true),
		DesyncMitigationMode:    elbv2.DesyncMitigationMode_STRICTEST,
		DeletionProtection:      jsii.Bool(!props.DisableDeletionProtection),
		Http2Enabled:            jsii.Bool(true),
	})
	alb.LogAccessLogs(props.AccessLogs, jsii.String(prefix))

	var cert elbv2.IListenerCertificate
	if props.Certificate != nil {
		cert = elbv2.ListenerCertificate_FromCertificateManager(props.Certificate)
	} else {
		cert = elbv2.ListenerCertificate_FromArn(jsii.String(props.CertificateARN))
	}
	https := alb.AddListener(jsii.String("Https"), &elbv2.BaseApplicationListenerProps{
		Port:         jsii.Number(443),
		Protocol:     elbv2.ApplicationProtocol_HTTPS,
		Certificates: &[]elbv2.IListenerCertificate{cert},
		SslPolicy:    SslPolicy,
		Open:         jsii.Bool(false),
	})
	alb.AddListener(jsii.String("HttpRedirect"), &elbv2.BaseApplicationListenerProps{
		Port:     jsii.Number(80),
		Protocol: elbv2.ApplicationProtocol_HTTP,
		Open:     jsii.Bool(false),
		DefaultAction: elbv2.ListenerAction_Redirect(&elbv2.RedirectOptions{
			Protocol:  jsii.String("HTTPS"),
			Port:      jsii.String("443"),
			Permanent: jsii.Bool(true),
		}),
	})
	tg := https.AddTargets(jsii.String("App"), &elbv2.AddApplicationTargetsProps{
		Port:     jsii.Number(float64(port)),
		Protocol: elbv2.ApplicationProtocol_HTTP,
		Targets: &[]elbv2.IApplicationLoadBalancerTarget{service.LoadBalancerTarget(&awsecs.LoadBalancerTargetOptions{
			ContainerName: jsii.String(containerName),
			ContainerPort: jsii.Number(float64(port)),
		})},
		HealthCheck: &elbv2.HealthCheck{
			Path:                    jsii.String(healthPath),
			Interval:                awscdk.Duration_Seconds(jsii.Number(30)),
			HealthyThresholdCount:   jsii.Number(2),
			UnhealthyThresholdCount: jsii.Number(3),
			Timeout:                 awscdk.Duration_Seconds(jsii.Number(5)),
			HealthyHttpCodes:        jsii.String("200"),
		},
		DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(30)),
	})

	scaling := service.AutoScaleTaskCount(&awsapplicationautoscaling.EnableScalingProps{
		MinCapacity: jsii.Number(float64(minC)),
		MaxCapacity: jsii.Number(float64(maxC)),
	})
	addUtilizationScaling(scaling, props.CPUTargetPercent, props.MemoryTargetPercent)

	return &FargateService{
		Cluster:                   cluster,
		Service:                   service,
		TaskDefinition:            t.def,
		Container:                 t.container,
		LoadBalancer:              alb,
		HTTPSListener:             https,
		TargetGroup:               tg,
		LoadBalancerSecurityGroup: albSG,
		ServiceSecurityGroup:      taskSG,
		TaskRole:                  t.taskRole,
		ExecutionRole:             t.executionRole,
		LogGroup:                  t.logGroup,
	}, nil
}

// awscdkTokenOrMatch accepts an unresolved token (checked at deploy time) or a literal
// matching re.
func awscdkTokenOrMatch(s string, re *regexp.Regexp) bool {
	return *awscdk.Token_IsUnresolved(jsii.String(s)) || re.MatchString(s)
}
