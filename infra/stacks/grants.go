package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"
)

// allow adds one statement with exactly these actions on exactly these resources to the
// grantee's own policy. The stacks use it instead of CDK's grant helpers where those would
// grant more actions than seed 001 section 8.3 lists, or would write the grantee into a key
// policy of an earlier stack.
func allow(role awsiam.IRole, actions []string, resources ...string) {
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(resources...),
	}))
}

// allowKeyVia lets the role use the key with these actions only through the named AWS
// service (kms:ViaService), e.g. decrypting a secret through Secrets Manager.
func allowKeyVia(role awsiam.IRole, key awskms.IKey, service, region string, actions ...string) {
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings(actions...),
		Resources:  jsii.Strings(*key.KeyArn()),
		Conditions: &map[string]any{"StringEquals": map[string]any{"kms:ViaService": service + "." + region + ".amazonaws.com"}},
	}))
}
