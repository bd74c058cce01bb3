// Package network creates the VPC of an environment: public, private and isolated subnet
// tiers across at least two availability zones, NAT egress for the private tier, flow logs to
// an encrypted log group, gateway endpoints for S3 and DynamoDB, interface endpoints for the
// AWS services the workloads call, and a default security group with no rules.
package network

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// Subnet tier names, as they appear in construct paths and subnet tags.
const (
	TierPublic   = "public"
	TierPrivate  = "private"
	TierIsolated = "isolated"
)

// DefaultInterfaceEndpoints are the interface endpoints created when Props.InterfaceEndpoints
// is nil: what the lab pipeline, the ECS services and SSM admin access reach AWS through.
var DefaultInterfaceEndpoints = []string{"sqs", "kms", "logs", "secretsmanager", "sts", "ecr.api", "ecr.dkr", "email", "monitoring", "ssm", "ssmmessages", "ec2messages"}

var interfaceServices = map[string]func() awsec2.InterfaceVpcEndpointAwsService{
	"sqs":            awsec2.InterfaceVpcEndpointAwsService_SQS,
	"kms":            awsec2.InterfaceVpcEndpointAwsService_KMS,
	"logs":           awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS,
	"monitoring":     awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_MONITORING,
	"secretsmanager": awsec2.InterfaceVpcEndpointAwsService_SECRETS_MANAGER,
	"sts":            awsec2.InterfaceVpcEndpointAwsService_STS,
	"ecr.api":        awsec2.InterfaceVpcEndpointAwsService_ECR,
	"ecr.dkr":        awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER,
	"email":          awsec2.InterfaceVpcEndpointAwsService_EMAIL,
	"lambda":         awsec2.InterfaceVpcEndpointAwsService_LAMBDA,
	"ssm":            awsec2.InterfaceVpcEndpointAwsService_SSM,
	"ssmmessages":    awsec2.InterfaceVpcEndpointAwsService_SSM_MESSAGES,
	"ec2messages":    awsec2.InterfaceVpcEndpointAwsService_EC2_MESSAGES,
}

// InterfaceEndpointNames lists the endpoint names Props.InterfaceEndpoints accepts.
func InterfaceEndpointNames() []string {
	out := make([]string, 0, len(interfaceServices))
	for k := range interfaceServices {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Props configures the VPC.
type Props struct {
	// CIDR is the VPC's IPv4 range (/16 to /20). Required.
	CIDR string
	// AvailabilityZones are the AZ names to span (at least 2). Required: naming them keeps
	// synth free of AWS lookups.
	AvailabilityZones []string
	// NATGateways is the number of NAT gateways, 1 to len(AvailabilityZones). Default: 1.
	// One per AZ removes the cross-AZ single point of failure (prod).
	NATGateways int
	// FlowLogKey encrypts the flow-log group. Required.
	FlowLogKey awskms.IKey
	// FlowLogRetentionDays is the flow-log retention (a CloudWatch Logs value). Required.
	FlowLogRetentionDays int
	// InterfaceEndpoints names the interface endpoints to create in the private tier (see
	// InterfaceEndpointNames). Default: DefaultInterfaceEndpoints. An empty non-nil slice
	// creates none.
	InterfaceEndpoints []string
	// Retain keeps the flow-log group on stack deletion. Default: false.
	Retain bool
}

// Validate reports the first invalid prop, naming it and the fix.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("network: props are required; fix: pass &network.Props{CIDR: ..., AvailabilityZones: ...}")
	}
	if pr, err := netip.ParsePrefix(p.CIDR); err != nil || !pr.Addr().Is4() || pr.Bits() < 16 || pr.Bits() > 20 {
		return fmt.Errorf("network: CIDR %q is not an IPv4 range between /16 and /20; fix: use e.g. 10.0.0.0/16", p.CIDR)
	}
	if len(p.AvailabilityZones) < 2 {
		return fmt.Errorf("network: AvailabilityZones has %d zones; fix: name at least 2 (e.g. us-east-1a, us-east-1b) for multi-AZ availability", len(p.AvailabilityZones))
	}
	if p.NATGateways < 0 || p.NATGateways > len(p.AvailabilityZones) {
		return fmt.Errorf("network: NATGateways %d; fix: use 1 to %d (one per AZ at most)", p.NATGateways, len(p.AvailabilityZones))
	}
	if p.FlowLogKey == nil {
		return fmt.Errorf("network: FlowLogKey is nil; fix: pass the logs key so flow logs are encrypted")
	}
	for _, name := range p.InterfaceEndpoints {
		if _, ok := interfaceServices[name]; !ok {
			return fmt.Errorf("network: InterfaceEndpoints has unknown endpoint %q; fix: use one of %v", name, InterfaceEndpointNames())
		}
	}
	return nil
}

// Network is the environment's VPC and what hangs off it.
type Network struct {
	Vpc awsec2.Vpc
	// EndpointsSecurityGroup guards the interface endpoints (HTTPS from inside the VPC only).
	EndpointsSecurityGroup awsec2.SecurityGroup
}

// New creates the VPC.
func New(scope constructs.Construct, id string, props *Props) (*Network, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	nat := props.NATGateways
	if nat == 0 {
		nat = 1
	}
	endpoints := props.InterfaceEndpoints
	if endpoints == nil {
		endpoints = DefaultInterfaceEndpoints
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	flowLogs, err := logs.New(self, "FlowLogs", &logs.Props{Key: props.FlowLogKey, RetentionDays: props.FlowLogRetentionDays, Retain: props.Retain})
	if err != nil {
		return nil, fmt.Errorf("network: flow logs: %w", err)
	}
	vpc := awsec2.NewVpc(self, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:                  awsec2.IpAddresses_Cidr(jsii.String(props.CIDR)),
		AvailabilityZones:            jsii.Strings(props.AvailabilityZones...),
		NatGateways:                  jsii.Number(float64(nat)),
		RestrictDefaultSecurityGroup: jsii.Bool(true),
		EnableDnsHostnames:           jsii.Bool(true),
		EnableDnsSupport:             jsii.Bool(true),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String(TierPublic), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(24), MapPublicIpOnLaunch: jsii.Bool(false)},
			{Name: jsii.String(TierPrivate), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS, CidrMask: jsii.Number(22)},
			{Name: jsii.String(TierIsolated), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24)},
		},
		FlowLogs: &map[string]*awsec2.FlowLogOptions{
			"All": {
				Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(flowLogs, nil),
				TrafficType: awsec2.FlowLogTrafficType_ALL,
			},
		},
		GatewayEndpoints: &map[string]*awsec2.GatewayVpcEndpointOptions{
			"S3":       {Service: awsec2.GatewayVpcEndpointAwsService_S3()},
			"DynamoDB": {Service: awsec2.GatewayVpcEndpointAwsService_DYNAMODB()},
		},
	})
	n := &Network{Vpc: vpc}
	if len(endpoints) > 0 {
		sg := awsec2.NewSecurityGroup(self, jsii.String("EndpointsSecurityGroup"), &awsec2.SecurityGroupProps{
			Vpc:              vpc,
			Description:      jsii.String("Interface VPC endpoints: HTTPS from inside the VPC only"),
			AllowAllOutbound: jsii.Bool(false),
		})
		// The literal CIDR (not the VPC token) lets rule engines such as cdk-nag evaluate the rule.
		sg.AddIngressRule(awsec2.Peer_Ipv4(jsii.String(props.CIDR)), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the VPC"), nil)
		n.EndpointsSecurityGroup = sg
		names := slices.Clone(endpoints)
		sort.Strings(names)
		for _, name := range names {
			vpc.AddInterfaceEndpoint(jsii.String("Endpoint-"+name), &awsec2.InterfaceVpcEndpointOptions{
				Service:           interfaceServices[name](),
				Subnets:           &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
				SecurityGroups:    &[]awsec2.ISecurityGroup{sg},
				Open:              jsii.Bool(false),
				PrivateDnsEnabled: jsii.Bool(true),
			})
		}
	}
	return n, nil
}
