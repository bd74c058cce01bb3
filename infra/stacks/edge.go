package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/edge"
	"github.com/labsecure/labsecure/infra/config"
)

// Edge is the environment's edge stack (seed 003: Route 53 -> CloudFront -> ALB): CloudFront
// over the private static bucket with "/api/*" to the portal's ALB, behind a CLOUDFRONT-scope
// WAF web ACL.
type Edge struct {
	Stack        awscdk.Stack
	WebACL       *edge.WebACL
	Distribution *edge.Distribution
}

// NewEdge creates the edge stack. It must deploy in us-east-1 (config validation ensures it).
func NewEdge(scope constructs.Construct, env *config.Environment, f *Foundation, app *Application) (*Edge, error) {
	stack, err := newStack(scope, env, "edge", "networking", "CloudFront + WAF in front of the portal", f.Stack, app.Stack)
	if err != nil {
		return nil, err
	}
	e := &Edge{Stack: stack}
	if e.WebACL, err = edge.NewWebACL(stack, "EdgeWebACL", &edge.WebACLProps{
		Name:             env.Prefix() + "-edge",
		Scope:            edge.ScopeCloudFront,
		LogKey:           f.Keys.Logs,
		LogRetentionDays: env.AuditLogRetentionDays,
		Retain:           env.DeletionProtection,
	}); err != nil {
		return nil, fmt.Errorf("edge stack web ACL: %w", err)
	}
	props := &edge.DistributionProps{
		Name:            env.Prefix() + "-portal",
		DataKey:         f.Keys.Data,
		LogBucket:       f.LogBucket,
		WebACLArn:       *e.WebACL.Arn,
		APIOriginDomain: *app.Portal.LoadBalancer.LoadBalancerDnsName(),
		CertificateArn:  env.EdgeCertificateARN,
		DomainNames:     []string{env.PortalHost()},
		Retain:          env.DeletionProtection,
	}
	if d := env.Domain; d != nil {
		props.HostedZoneID, props.HostedZoneName = d.HostedZoneID, d.HostedZoneName
	}
	if e.Distribution, err = edge.NewDistribution(stack, "Portal", props); err != nil {
		return nil, fmt.Errorf("edge stack distribution: %w", err)
	}
	return e, nil
}
