package compute

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// QueueURLVariable is the environment variable that carries the queue URL to the worker.
const QueueURLVariable = "QUEUE_URL"

// WorkerServiceProps configures a queue worker (no load balancer).
type WorkerServiceProps struct {
	TaskProps
	// Vpc is the VPC whose private subnets run the tasks. Required.
	Vpc awsec2.IVpc
	// Cluster runs the service. Default: a new cluster with Container Insights.
	Cluster awsecs.ICluster
	// ClusterStorageKey encrypts the task storage of the cluster created when Cluster is nil
	// (ClusterProps.EphemeralStorageKey). Default: none (AWS-owned encryption); ignored when
	// Cluster is set.
	ClusterStorageKey awskms.IKey
	// Queue is the SQS queue the worker long-polls; the task role may consume from it (and
	// decrypt with its key) and QUEUE_URL carries its URL. Required.
	Queue awssqs.IQueue
	// MinCount and MaxCount bound the task count. Default: 1 and 4.
	MinCount, MaxCount int
	// BacklogPerStep is the number of visible messages that adds one task; ten times that
	// adds three. An empty queue removes one task at a time. Default: 10.
	BacklogPerStep int
	// CPUTargetPercent and MemoryTargetPercent are target-tracking targets that scale the
	// worker on CPU and memory besides the backlog (seed 000: services respond to CPU and
	// memory). Default: 70 and 75.
	CPUTargetPercent, MemoryTargetPercent int
	// ServiceName names the ECS service. Default: generated.
	ServiceName string
}

// Validate reports the first invalid prop, naming it and the fix.
func (p *WorkerServiceProps) Validate() error {
	const pkg = "compute: worker service"
	if p == nil {
		return fmt.Errorf("%s props are required; fix: pass &compute.WorkerServiceProps{Vpc: ..., Queue: ...}", pkg)
	}
	if p.Vpc == nil {
		return fmt.Errorf("%s Vpc is nil; fix: pass the environment's VPC (network.New)", pkg)
	}
	if p.Queue == nil {
		return fmt.Errorf("%s Queue is nil; fix: pass the SQS queue the worker consumes", pkg)
	}
	if err := p.TaskProps.validate(pkg); err != nil {
		return err
	}
	if _, ok := p.Environment[QueueURLVariable]; ok {
		return fmt.Errorf("%s Environment sets %s; fix: remove it, the construct sets it from Queue", pkg, QueueURLVariable)
	}
	minC, maxC := p.counts()
	if minC < 1 || maxC < minC || maxC > 1000 {
		return fmt.Errorf("%s MinCount %d / MaxCount %d are invalid; fix: use 1 <= MinCount <= MaxCount <= 1000 (default 1 and 4)", pkg, minC, maxC)
	}
	if p.BacklogPerStep < 0 {
		return fmt.Errorf("%s BacklogPerStep %d is negative; fix: use 1 or more (default 10)", pkg, p.BacklogPerStep)
	}
	if err := checkTargets(pkg, p.CPUTargetPercent, p.MemoryTargetPercent); err != nil {
		return err
	}
	if p.ServiceName != "" && !serviceName.MatchString(p.ServiceName) {
		return fmt.Errorf("%s ServiceName %q is invalid; fix: start with a letter, then letters, digits, '-' or '_'", pkg, p.ServiceName)
	}
	return nil
}

func (p *WorkerServiceProps) counts() (minC, maxC int) {
	minC, maxC = p.MinCount, p.MaxCount
	if minC == 0 {
		minC = 1
	}
	if maxC == 0 {
		maxC = max(4, minC)
	}
	return minC, maxC
}

// WorkerService is a queue worker.
type WorkerService struct {
	Cluster        awsecs.ICluster
	Service        awsecs.FargateService
	TaskDefinition awsecs.FargateTaskDefinition
	Container      awsecs.ContainerDefinition
	// ServiceSecurityGroup has no inbound rule; pass it to the data constructs' AllowFrom.
	ServiceSecurityGroup awsec2.SecurityGroup
	TaskRole             awsiam.Role
	ExecutionRole        awsiam.Role
	LogGroup             awslogs.LogGroup
}

// NewWorkerService creates a Fargate service without a load balancer that long-polls Queue:
// the same task setup as NewFargateService (read-only root, non-root user, encrypted logs,
// secrets, separate roles), tasks in the private subnets with no inbound rule, the task role
// allowed to consume the queue, deployment circuit breaker with rollback, step scaling on
// the queue backlog (ApproximateNumberOfMessagesVisible) and CPU and memory target tracking.
// The application long-polls: ReceiveMessage with WaitTimeSeconds 20 (the queue passed in
// may also set ReceiveMessageWaitTimeSeconds).
func NewWorkerService(scope constructs.Construct, id string, props *WorkerServiceProps) (*WorkerService, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	minC, maxC := props.counts()
	step := props.BacklogPerStep
	if step == 0 {
		step = 10
	}
	cluster := props.Cluster
	if cluster == nil {
		c, err := NewCluster(self, "Cluster", &ClusterProps{Vpc: props.Vpc, EphemeralStorageKey: props.ClusterStorageKey})
		if err != nil {
			return nil, fmt.Errorf("compute: worker service cluster: %w", err)
		}
		cluster = c
	}
	t, err := newTask(self, &props.TaskProps, 0, map[string]string{QueueURLVariable: *props.Queue.QueueUrl()})
	if err != nil {
		return nil, fmt.Errorf("compute: worker service: %w", err)
	}
	props.Queue.GrantConsumeMessages(t.taskRole)
	sg := newTaskSecurityGroup(self, props.Vpc, "Worker tasks: no inbound traffic")

	sp := &awsecs.FargateServiceProps{
		Cluster:              cluster,
		TaskDefinition:       t.def,
		DesiredCount:         jsii.Number(float64(minC)),
		VpcSubnets:           &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		SecurityGroups:       &[]awsec2.ISecurityGroup{sg},
		AssignPublicIp:       jsii.Bool(false),
		CircuitBreaker:       &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		MinHealthyPercent:    jsii.Number(100),
		MaxHealthyPercent:    jsii.Number(200),
		PlatformVersion:      awsecs.FargatePlatformVersion_LATEST,
		PropagateTags:        awsecs.PropagatedTagSource_SERVICE,
		EnableECSManagedTags: jsii.Bool(true),
		EnableExecuteCommand: jsii.Bool(false),
	}
	if props.ServiceName != "" {
		sp.ServiceName = jsii.String(props.ServiceName)
	}
	service := awsecs.NewFargateService(self, jsii.String("Service"), sp)

	scaling := service.AutoScaleTaskCount(&awsapplicationautoscaling.EnableScalingProps{
		MinCapacity: jsii.Number(float64(minC)),
		MaxCapacity: jsii.Number(float64(maxC)),
	})
	scaling.ScaleOnMetric(jsii.String("Backlog"), &awsapplicationautoscaling.BasicStepScalingPolicyProps{
		Metric: props.Queue.MetricApproximateNumberOfMessagesVisible(nil),
		ScalingSteps: &[]*awsapplicationautoscaling.ScalingInterval{
			{Upper: jsii.Number(0), Change: jsii.Number(-1)},
			{Lower: jsii.Number(float64(step)), Change: jsii.Number(1)},
			{Lower: jsii.Number(float64(10 * step)), Change: jsii.Number(3)},
		},
		AdjustmentType: awsapplicationautoscaling.AdjustmentType_CHANGE_IN_CAPACITY,
		Cooldown:       awscdk.Duration_Seconds(jsii.Number(120)),
	})
	addUtilizationScaling(scaling, props.CPUTargetPercent, props.MemoryTargetPercent)

	return &WorkerService{
		Cluster:              cluster,
		Service:              service,
		TaskDefinition:       t.def,
		Container:            t.container,
		ServiceSecurityGroup: sg,
		TaskRole:             t.taskRole,
		ExecutionRole:        t.executionRole,
		LogGroup:             t.logGroup,
	}, nil
}
