package compute

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ClusterProps configures an ECS cluster.
type ClusterProps struct {
	// Vpc is the VPC the services run in. Required.
	Vpc awsec2.IVpc
	// Name is the cluster name. Default: generated.
	Name string
	// EphemeralStorageKey encrypts the Fargate ephemeral storage of the cluster's tasks; the
	// key's policy gets the Fargate grant statements (scoped to this account and, when Name is
	// set, to this cluster). Default: none, AWS-owned encryption (seed 003 and control
	// LS-ECS-007 ask for a customer-managed key: pass the environment's data key).
	EphemeralStorageKey awskms.IKey
}

var clusterNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *ClusterProps) Validate() error {
	if p == nil || p.Vpc == nil {
		return fmt.Errorf("compute: cluster Vpc is nil; fix: pass &compute.ClusterProps{Vpc: ...} with the environment's VPC")
	}
	if p.Name != "" && !clusterNameRE.MatchString(p.Name) {
		return fmt.Errorf("compute: cluster Name %q is invalid; fix: use 1-255 letters, digits, '-' or '_'", p.Name)
	}
	return nil
}

// NewCluster creates an ECS cluster with Container Insights on and, with
// EphemeralStorageKey, task storage encrypted with a customer-managed key. Several services
// (web, worker) can share it.
func NewCluster(scope constructs.Construct, id string, props *ClusterProps) (awsecs.Cluster, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	cp := &awsecs.ClusterProps{
		Vpc:                 props.Vpc,
		ContainerInsightsV2: awsecs.ContainerInsights_ENABLED,
	}
	if props.EphemeralStorageKey != nil {
		cp.ManagedStorageConfiguration = &awsecs.ManagedStorageConfiguration{FargateEphemeralStorageKmsKey: props.EphemeralStorageKey}
	}
	if props.Name != "" {
		cp.ClusterName = jsii.String(props.Name)
	}
	return awsecs.NewCluster(scope, jsii.String(id), cp), nil
}

// awsStackAccount returns the account of the stack that holds scope.
func awsStackAccount(scope constructs.Construct) *string {
	return awscdk.Stack_Of(scope).Account()
}
