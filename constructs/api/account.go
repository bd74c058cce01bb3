package api

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// AccountCloudWatchRole is the account-level API Gateway logging setting.
type AccountCloudWatchRole struct {
	Role    awsiam.Role
	Account awsapigateway.CfnAccount
}

// NewAccountCloudWatchRole sets the account-level "CloudWatch log role ARN" of API Gateway in
// the stack's account and region: a role API Gateway assumes (AWS managed policy
// AmazonAPIGatewayPushToCloudWatchLogs) and the AWS::ApiGateway::Account resource naming it,
// both retained on stack deletion. Execution logging of every REST API in that account and
// region needs it. Create it exactly once per account and region (for example in the
// foundation stack of the account's main environment) and leave
// RestAPIProps.ManageAccountCloudWatchRole false; API stacks deploy after it.
func NewAccountCloudWatchRole(scope constructs.Construct, id string) *AccountCloudWatchRole {
	self := constructs.NewConstruct(scope, jsii.String(id))
	role := awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil),
		Description:     jsii.String("API Gateway: write execution and access logs to CloudWatch Logs (account setting)"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonAPIGatewayPushToCloudWatchLogs"))},
	})
	role.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	account := awsapigateway.NewCfnAccount(self, jsii.String("Resource"), &awsapigateway.CfnAccountProps{CloudWatchRoleArn: role.RoleArn()})
	account.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
	return &AccountCloudWatchRole{Role: role, Account: account}
}
