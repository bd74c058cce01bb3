package compute

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// SecretRef points an environment variable at a Secrets Manager secret.
type SecretRef struct {
	// Secret holds the value. Required. When it is encrypted with a customer-managed key the
	// key must be known to CDK (a Secret built in this app) so decrypt can be granted.
	Secret awssecretsmanager.ISecret
	// Field is the JSON key inside the secret, e.g. "password". Default: the whole secret.
	Field string
}

// TaskProps configures the container every service runs (one container per task).
type TaskProps struct {
	// ImageURI is a full image reference, e.g. "public.ecr.aws/nginx/nginx:1.27". Required
	// unless Repository is set; the two are exclusive. A private ECR URI needs pull rights
	// granted elsewhere: prefer Repository, which grants them to the execution role.
	ImageURI string
	// Repository is an ECR repository to pull ImageTag from (see NewRepository).
	// Required unless ImageURI is set; the two are exclusive.
	Repository awsecr.IRepository
	// ImageTag is the tag (or "sha256:..." digest) in Repository. Required with Repository.
	ImageTag string
	// CPU is the task's CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). Default: 512.
	CPU int
	// MemoryMiB is the task's memory; it must be valid for CPU on Fargate. Default: 1024.
	MemoryMiB int
	// Arm64 runs the task on Graviton (the image must be arm64). Default: false (x86_64).
	Arm64 bool
	// Environment are plain environment variables (never secrets). Default: none.
	Environment map[string]string
	// Secrets injects secret values as environment variables, by variable name. Default: none.
	Secrets map[string]SecretRef
	// LogsKey encrypts the container log group (its policy must allow CloudWatch Logs). Required.
	LogsKey awskms.IKey
	// LogRetentionDays is the container log retention (a CloudWatch Logs value). Required
	// (seed 000: 14 days).
	LogRetentionDays int
	// User is the uid[:gid] or name the container runs as. Default: "1000:1000". Root
	// ("0", "root", "0:...") is refused.
	User string
	// WritablePaths are mounted as writable scratch volumes; everything else is read-only
	// (read-only root file system). Default: ["/tmp"].
	WritablePaths []string
}

var (
	envNameRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	userRE        = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)
	pathRE        = regexp.MustCompile(`^/[A-Za-z0-9_./-]*$`)
	fargateMemory = map[int][2]int{256: {512, 2048}, 512: {1024, 4096}, 1024: {2048, 8192}, 2048: {4096, 16384}, 4096: {8192, 30720}, 8192: {16384, 61440}, 16384: {32768, 122880}}
)

// validate reports the first invalid task prop; pkg prefixes the message.
func (p *TaskProps) validate(pkg string) error {
	switch {
	case p.ImageURI == "" && p.Repository == nil:
		return fmt.Errorf("%s ImageURI and Repository are both empty; fix: set ImageURI (e.g. \"public.ecr.aws/x/y:1.0\") or Repository + ImageTag", pkg)
	case p.ImageURI != "" && p.Repository != nil:
		return fmt.Errorf("%s ImageURI and Repository are both set; fix: set only one of them", pkg)
	case p.Repository != nil && p.ImageTag == "":
		return fmt.Errorf("%s ImageTag is empty; fix: name the immutable tag or digest to deploy from Repository (e.g. \"v1.4.2\")", pkg)
	case p.ImageURI != "" && strings.ContainsAny(p.ImageURI, " \t\n"):
		return fmt.Errorf("%s ImageURI %q contains white space; fix: use a reference such as \"registry/name:tag\"", pkg, p.ImageURI)
	}
	cpu, mem := p.sizes()
	rng, ok := fargateMemory[cpu]
	if !ok {
		return fmt.Errorf("%s CPU %d is not a Fargate size; fix: use 256, 512, 1024, 2048, 4096, 8192 or 16384", pkg, cpu)
	}
	if mem < rng[0] || mem > rng[1] {
		return fmt.Errorf("%s MemoryMiB %d does not fit CPU %d on Fargate; fix: use %d to %d MiB", pkg, mem, cpu, rng[0], rng[1])
	}
	for _, name := range sortedKeys(p.Environment) {
		if !envNameRE.MatchString(name) {
			return fmt.Errorf("%s Environment name %q is invalid; fix: use letters, digits and '_' (not starting with a digit)", pkg, name)
		}
		if _, dup := p.Secrets[name]; dup {
			return fmt.Errorf("%s Environment and Secrets both set %q; fix: keep the variable in Secrets only", pkg, name)
		}
	}
	for _, name := range sortedKeys(p.Secrets) {
		if !envNameRE.MatchString(name) {
			return fmt.Errorf("%s Secrets name %q is invalid; fix: use letters, digits and '_' (not starting with a digit)", pkg, name)
		}
		if p.Secrets[name].Secret == nil {
			return fmt.Errorf("%s Secrets[%q].Secret is nil; fix: pass the Secrets Manager secret that holds the value", pkg, name)
		}
	}
	if p.LogsKey == nil {
		return fmt.Errorf("%s LogsKey is nil; fix: pass the logs key (its policy must allow CloudWatch Logs)", pkg)
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("%s LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v (seed 000: 14)", pkg, p.LogRetentionDays, logs.RetentionValues)
	}
	if p.User != "" {
		uid, _, _ := strings.Cut(p.User, ":")
		if !userRE.MatchString(p.User) {
			return fmt.Errorf("%s User %q is not a user[:group]; fix: use e.g. \"1000:1000\"", pkg, p.User)
		}
		if uid == "0" || uid == "root" {
			return fmt.Errorf("%s User %q runs the container as root; fix: use an unprivileged uid such as \"1000:1000\"", pkg, p.User)
		}
	}
	for _, wp := range p.WritablePaths {
		if !pathRE.MatchString(wp) || wp == "/" {
			return fmt.Errorf("%s WritablePaths entry %q is not an absolute directory below /; fix: use e.g. \"/tmp\"", pkg, wp)
		}
	}
	return nil
}

func (p *TaskProps) sizes() (cpu, mem int) {
	cpu, mem = p.CPU, p.MemoryMiB
	if cpu == 0 {
		cpu = 512
	}
	if mem == 0 {
		mem = 1024
	}
	return cpu, mem
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// containerName is the name of the single container of every task.
const containerName = "app"

// task is what newTask builds.
type task struct {
	def           awsecs.FargateTaskDefinition
	container     awsecs.ContainerDefinition
	taskRole      awsiam.Role
	executionRole awsiam.Role
	logGroup      awslogs.LogGroup
}

// ecsTasksPrincipal is the ECS tasks service, limited to this account's tasks.
func ecsTasksPrincipal(scope constructs.Construct) awsiam.IPrincipal {
	return awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), &awsiam.ServicePrincipalOpts{
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": awsStackAccount(scope)},
		},
	})
}

// newTask creates the log group, the two roles, the task definition and its container.
// The execution role only pulls the image, writes to the log group and reads the injected
// secrets; the task role starts empty and callers grant it what the application needs.
func newTask(self constructs.Construct, p *TaskProps, port int, extraEnv map[string]string) (*task, error) {
	cpu, mem := p.sizes()
	user := p.User
	if user == "" {
		user = "1000:1000"
	}
	writable := p.WritablePaths
	if writable == nil {
		writable = []string{"/tmp"}
	}
	lg, err := logs.New(self, "Logs", &logs.Props{Key: p.LogsKey, RetentionDays: p.LogRetentionDays})
	if err != nil {
		return nil, fmt.Errorf("container log group: %w", err)
	}
	execRole := awsiam.NewRole(self, jsii.String("ExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   ecsTasksPrincipal(self),
		Description: jsii.String("ECS agent: pull the image, write the container log, read injected secrets"),
	})
	taskRole := awsiam.NewRole(self, jsii.String("TaskRole"), &awsiam.RoleProps{
		AssumedBy:   ecsTasksPrincipal(self),
		Description: jsii.String("Application in the task: only what callers grant"),
	})
	arch := awsecs.CpuArchitecture_X86_64()
	if p.Arm64 {
		arch = awsecs.CpuArchitecture_ARM64()
	}
	volumes := make([]*awsecs.Volume, 0, len(writable))
	for i := range writable {
		volumes = append(volumes, &awsecs.Volume{Name: jsii.String(fmt.Sprintf("scratch%d", i))})
	}
	def := awsecs.NewFargateTaskDefinition(self, jsii.String("TaskDefinition"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            jsii.Number(float64(cpu)),
		MemoryLimitMiB: jsii.Number(float64(mem)),
		TaskRole:       taskRole,
		ExecutionRole:  execRole,
		RuntimePlatform: &awsecs.RuntimePlatform{
			OperatingSystemFamily: awsecs.OperatingSystemFamily_LINUX(),
			CpuArchitecture:       arch,
		},
		Volumes: &volumes,
	})

	var image awsecs.ContainerImage
	if p.Repository != nil {
		image = awsecs.ContainerImage_FromEcrRepository(p.Repository, jsii.String(p.ImageTag))
	} else {
		image = awsecs.ContainerImage_FromRegistry(jsii.String(p.ImageURI), nil)
	}
	env := map[string]*string{}
	for k, v := range p.Environment {
		env[k] = jsii.String(v)
	}
	for k, v := range extraEnv {
		env[k] = jsii.String(v)
	}
	secrets := map[string]awsecs.Secret{}
	for name, ref := range p.Secrets {
		var field *string
		if ref.Field != "" {
			field = jsii.String(ref.Field)
		}
		secrets[name] = awsecs.Secret_FromSecretsManager(ref.Secret, field)
	}
	// Drop every Linux capability (the application runs unprivileged on a high port) and
	// run an init process that reaps zombies and forwards signals.
	linux := awsecs.NewLinuxParameters(self, jsii.String("LinuxParameters"), &awsecs.LinuxParametersProps{
		InitProcessEnabled: jsii.Bool(true),
	})
	linux.DropCapabilities(awsecs.Capability_ALL)
	opts := &awsecs.ContainerDefinitionOptions{
		ContainerName:          jsii.String(containerName),
		Image:                  image,
		Essential:              jsii.Bool(true),
		ReadonlyRootFilesystem: jsii.Bool(true),
		Privileged:             jsii.Bool(false),
		LinuxParameters:        linux,
		User:                   jsii.String(user),
		Environment:            &env,
		Secrets:                &secrets,
		Logging: awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{
			StreamPrefix: jsii.String(containerName),
			LogGroup:     lg,
			Mode:         awsecs.AwsLogDriverMode_NON_BLOCKING,
		}),
	}
	if port > 0 {
		opts.PortMappings = &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(float64(port)), Protocol: awsecs.Protocol_TCP}}
	}
	container := def.AddContainer(jsii.String(containerName), opts)
	for i, path := range writable {
		container.AddMountPoints(&awsecs.MountPoint{
			ContainerPath: jsii.String(path),
			SourceVolume:  jsii.String(fmt.Sprintf("scratch%d", i)),
			ReadOnly:      jsii.Bool(false),
		})
	}
	return &task{def: def, container: container, taskRole: taskRole, executionRole: execRole, logGroup: lg}, nil
}

// newTaskSecurityGroup creates the tasks' security group: no inbound rule, outbound HTTPS
// only (AWS APIs through the VPC endpoints or NAT). Database access is opened by the data
// constructs' AllowFrom, which adds the matching egress rule here.
func newTaskSecurityGroup(scope constructs.Construct, vpc awsec2.IVpc, description string) awsec2.SecurityGroup {
	sg := awsec2.NewSecurityGroup(scope, jsii.String("ServiceSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String(description),
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS to AWS APIs and partners"), nil)
	return sg
}
