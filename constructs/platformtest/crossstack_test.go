package platformtest

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/cfn"
)

// buildClient adds, in a second stack, a client security group admitted to the MySQL
// cluster of the first stack, the way the application stack is admitted to the database
// stack. A dependency cycle between the stacks would fail the synth in TestMain.
func buildClient(client awscdk.Stack) error {
	sg := awsec2.NewSecurityGroup(client, jsii.String("ClientSG"), &awsec2.SecurityGroupProps{Vpc: fx.vpc, AllowAllOutbound: jsii.Bool(false)})
	fx.mysql.AllowFrom(sg)
	return nil
}

func TestCrossStackClient(t *testing.T) {
	// The rules live in the client's stack: the database stack never refers to it.
	for _, r := range tpl.Sorted() {
		if s := toJSON(r.Properties); strings.Contains(s, "ClientSG") || strings.Contains(s, clientStackName) {
			t.Errorf("%s refers to the client stack: the database stack would depend on it", r.Path())
		}
	}
	var sgID string
	for _, r := range clientTpl.OfType("AWS::EC2::SecurityGroup") {
		sgID = r.LogicalID
	}
	in, out := 0, 0
	for _, r := range clientTpl.OfType("AWS::EC2::SecurityGroupIngress") {
		if cfn.ReferencesTo(r.Properties["SourceSecurityGroupId"], sgID) && crossStack(r.Properties["GroupId"]) {
			if p, _ := cfn.AsInt(r.Properties["FromPort"]); p == 3306 {
				in++
			}
		}
	}
	for _, r := range clientTpl.OfType("AWS::EC2::SecurityGroupEgress") {
		if cfn.ReferencesTo(r.Properties["GroupId"], sgID) && crossStack(r.Properties["DestinationSecurityGroupId"]) {
			out++
		}
	}
	if in != 1 || out != 1 {
		t.Errorf("client stack has %d ingress rules into the database group and %d egress rules to it, want 1 and 1", in, out)
	}
}

// crossStack reports whether v is a reference into another stack: an export
// (Fn::ImportValue) or, with the weak cross-stack references the app enables, a stack output
// read (Fn::GetStackOutput).
func crossStack(v any) bool {
	s := toJSON(v)
	return strings.Contains(s, "Fn::ImportValue") || strings.Contains(s, "Fn::GetStackOutput")
}
