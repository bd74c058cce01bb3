package data

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// isolatedSubnets selects the VPC's isolated tier: no route to or from the internet.
func isolatedSubnets() *awsec2.SubnetSelection {
	return &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
}

// newStoreSecurityGroup creates a security group that has no outbound rule and admits the
// store's port only from the given client security groups (never from a CIDR range).
func newStoreSecurityGroup(scope constructs.Construct, vpc awsec2.IVpc, description string, port int, clients []awsec2.ISecurityGroup) awsec2.SecurityGroup {
	sg := awsec2.NewSecurityGroup(scope, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String(description),
		AllowAllOutbound: jsii.Bool(false),
	})
	for _, c := range clients {
		allowClient(sg, c, port, "client security group")
	}
	return sg
}

// allowClient opens port on the store's group to one client group. It goes through the
// Connections API so that a client group without all-outbound also gets the matching egress
// rule, and so that a client in another stack gets the rule placed where no cycle arises.
func allowClient(sg awsec2.SecurityGroup, client awsec2.ISecurityGroup, port int, why string) {
	// From the client's side: when the client lives in another stack, CDK then places both
	// rules in the client's stack, so the database stack never depends on its clients.
	client.Connections().AllowTo(sg, awsec2.Port_Tcp(jsii.Number(float64(port))), jsii.String(fmt.Sprintf("%s to port %d", why, port)))
}

// checkClients reports a nil entry in a list of client security groups.
func checkClients(pkg, prop string, clients []awsec2.ISecurityGroup) error {
	for i, c := range clients {
		if c == nil {
			return fmt.Errorf("%s: %s[%d] is nil; fix: pass the security groups of the services that connect (or none and call AllowFrom later)", pkg, prop, i)
		}
	}
	return nil
}

// clusterProps are the props the database clusters (Aurora, DocumentDB) validate alike.
type clusterProps struct {
	kind                              string // "aurora", "documentdb": names the construct in errors
	storageKey, secretsKey, logsKey   awskms.IKey
	logRetentionDays, backupDays      int
	clients                           []awsec2.ISecurityGroup
	clusterIdentifier, masterUsername string
}

// validate reports the first invalid shared prop, naming it and the fix.
func (c clusterProps) validate() error {
	pkg := "data: " + c.kind
	switch {
	case c.storageKey == nil:
		return fmt.Errorf("%s StorageKey is nil; fix: pass the customer-managed data key (storage is always encrypted)", pkg)
	case c.secretsKey == nil:
		return fmt.Errorf("%s SecretsKey is nil; fix: pass the customer-managed secrets key that encrypts the generated credentials", pkg)
	case c.logsKey == nil:
		return fmt.Errorf("%s LogsKey is nil; fix: pass the logs key (its policy must allow CloudWatch Logs)", pkg)
	case !slices.Contains(logs.RetentionValues, c.logRetentionDays):
		return fmt.Errorf("%s LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", pkg, c.logRetentionDays, logs.RetentionValues)
	case c.backupDays < 7 || c.backupDays > 35:
		return fmt.Errorf("%s BackupRetentionDays %d is out of range; fix: use 7 to 35 (seed 000: 35 in prod)", pkg, c.backupDays)
	}
	if err := checkClients(pkg, "ClientSecurityGroups", c.clients); err != nil {
		return err
	}
	if id := c.clusterIdentifier; id != "" && (!identifierRE.MatchString(id) || strings.Contains(id, "--") || strings.HasSuffix(id, "-")) {
		return fmt.Errorf("%s ClusterIdentifier %q is invalid; fix: start with a letter, use lower-case letters, digits and single hyphens, at most 63 characters, no trailing hyphen", pkg, id)
	}
	if c.masterUsername != "" && !dbNameRE.MatchString(c.masterUsername) {
		return fmt.Errorf("%s MasterUsername %q is invalid; fix: start with a letter, then letters, digits or '_'", pkg, c.masterUsername)
	}
	return nil
}
