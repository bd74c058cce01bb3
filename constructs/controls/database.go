package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// Database resource types.
const (
	rdsCluster    = "AWS::RDS::DBCluster"
	rdsInstance   = "AWS::RDS::DBInstance"
	docCluster    = "AWS::DocDB::DBCluster"
	docInstance   = "AWS::DocDB::DBInstance"
	cacheGroup    = "AWS::ElastiCache::ReplicationGroup"
	cacheCluster  = "AWS::ElastiCache::CacheCluster"
	dynamoTable   = "AWS::DynamoDB::Table"
	secretType    = "AWS::SecretsManager::Secret"
	rotationType  = "AWS::SecretsManager::RotationSchedule"
	attachmentTyp = "AWS::SecretsManager::SecretTargetAttachment"
)

var dataStoreTypes = []string{rdsCluster, rdsInstance, docCluster, cacheGroup, cacheCluster}

func databaseControls() []Control {
	return []Control{rdsEncryption(), dbIsolated(), rdsNotPublic(), dbIngressFromSGs(), dbNoEgress(),
		rdsIAMAuth(), rdsMultiAZ(), rdsTLSParameter(), docdbEncryption(), docdbNodes(), docdbTLS(),
		cacheTransit(), cacheAtRest(), cacheFailover(), dynamoEncryption()}
}

// clusterMember reports whether an RDS instance belongs to an Aurora cluster (it then
// inherits encryption, backups, IAM auth and subnets from the cluster).
func clusterMember(r *cfn.Resource) bool {
	return r.Type == rdsInstance && r.Has("DBClusterIdentifier")
}

// dataSubnetGroup returns the subnet list of the data store's subnet group.
func dataSubnets(c *Context, r *cfn.Resource) ([]any, *cfn.Resource, string) {
	prop := "DBSubnetGroupName"
	if r.Type == cacheGroup || r.Type == cacheCluster {
		prop = "CacheSubnetGroupName"
	}
	v, ok := r.Get(prop)
	if !ok {
		return nil, nil, prop + " is not set: the store lands in the default VPC"
	}
	g := c.Resolve(r, v)
	if g == nil {
		return nil, nil, fmt.Sprintf("%s %s does not resolve to a subnet group of this environment", prop, canon(v))
	}
	return g.List("SubnetIds"), g, ""
}

func dataSecurityGroups(c *Context, r *cfn.Resource) []*cfn.Resource {
	for _, p := range []string{"VpcSecurityGroupIds", "VPCSecurityGroups", "SecurityGroupIds"} {
		if r.Has(p) {
			return securityGroupsOf(c, r, p)
		}
	}
	return nil
}

// rdsEncryption
//
//	Rule Identifier: LS-RDS-001
//	Description:     RDS / Aurora storage is encrypted with a rotated customer-managed key.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance (not in a cluster), AWS::KMS::Key
//	Scenarios:
//	  SKIP: no RDS cluster or standalone instance in the stack.
//	  PASS: StorageEncrypted true and KmsKeyId resolves to a rotated AWS::KMS::Key.
//	  FAIL: storage unencrypted, default aws/rds key, or key without rotation.
func rdsEncryption() Control {
	types := []string{rdsCluster, rdsInstance}
	return Control{
		ID: "LS-RDS-001", Title: "RDS / Aurora storage encrypts with a rotated customer-managed key", Severity: Critical,
		Seed:          seedLablogs,
		Sentence:      "All database instances have encryption at rest enabled using AWS KMS (Key Management Service), providing enterprise-grade security for sensitive data.",
		ResourceTypes: types,
		Remediation:   "Set StorageEncryptionKey: a key from constructs/keys on the cluster (constructs/data does this).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			if on, _ := r.Bool("StorageEncrypted"); !on {
				return "storage is not encrypted (StorageEncrypted is not true)"
			}
			return keyProblem(c, r, r.Properties["KmsKeyId"], "KmsKeyId")
		}),
	}
}

// dbIsolated
//
//	Rule Identifier: LS-RDS-002
//	Description:     Databases and caches live in isolated subnets: no route to an internet or NAT gateway.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance, AWS::DocDB::DBCluster, AWS::ElastiCache::*,
//	                 subnet groups, AWS::EC2::Subnet, AWS::EC2::SubnetRouteTableAssociation, AWS::EC2::Route
//	Scenarios:
//	  SKIP: no data store in the stack.
//	  PASS: every subnet of the store's subnet group resolves (across stacks) and has no default route.
//	  FAIL: no subnet group, a subnet with a default route (IGW or NAT), or a subnet defined outside the app.
func dbIsolated() Control {
	return Control{
		ID: "LS-RDS-002", Title: "Data stores sit in isolated subnets", Severity: Critical,
		Seed: seedLablogs, Sentence: sentDBNet, ResourceTypes: dataStoreTypes,
		Remediation: "Place the store with VpcSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}.",
		Check: perResource(dataStoreTypes, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			subnets, _, msg := dataSubnets(c, r)
			if msg != "" {
				return msg
			}
			if len(subnets) == 0 {
				return "subnet group lists no subnets"
			}
			var bad []string
			for _, s := range subnets {
				tier, sn := subnetTier(c, r, s)
				switch tier {
				case tierIsolated:
				case tierUnknown:
					bad = append(bad, fmt.Sprintf("subnet %s is not defined in this environment (isolation cannot be verified)", canon(s)))
				default:
					bad = append(bad, fmt.Sprintf("subnet %s is %s (has a default route)", sn.Path(), tier))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// rdsNotPublic
//
//	Rule Identifier: LS-RDS-003
//	Description:     No database instance is publicly accessible.
//	Reports on:      AWS::RDS::DBInstance
//	Scenarios:
//	  SKIP: no RDS instance in the stack.
//	  PASS: PubliclyAccessible is false or absent (subnet group in a non-default VPC).
//	  FAIL: PubliclyAccessible is true.
func rdsNotPublic() Control {
	types := []string{rdsInstance}
	return Control{
		ID: "LS-RDS-003", Title: "Database instances are not publicly accessible", Severity: Critical,
		Seed: seedLablogs, Sentence: sentDBNet, ResourceTypes: types,
		Remediation: "Set PubliclyAccessible: jsii.Bool(false) on every instance.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("PubliclyAccessible"); on {
				return "PubliclyAccessible is true"
			}
			return ""
		}),
	}
}

// dbIngressFromSGs
//
//	Rule Identifier: LS-RDS-004
//	Description:     Data-store security groups admit traffic only from other security groups.
//	Reports on:      data stores, AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupIngress
//	Scenarios:
//	  SKIP: no data store in the stack.
//	  PASS: the store has security groups and every ingress rule names SourceSecurityGroupId.
//	  FAIL: no security group, or a rule with CidrIp / CidrIpv6 / SourcePrefixListId.
func dbIngressFromSGs() Control {
	return Control{
		ID: "LS-RDS-004", Title: "Data-store ingress only from named security groups", Severity: High,
		Seed: seedMenoTime, Sentence: "Inbound: PostgreSQL (5432) from ECS security group only", ResourceTypes: dataStoreTypes,
		Remediation: "Allow only cluster.Connections().AllowDefaultPortFrom(appSecurityGroup); never from a CIDR.",
		Check: perResource(dataStoreTypes, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			sgs := dataSecurityGroups(c, r)
			if len(sgs) == 0 {
				return "no security group of this environment is attached (the VPC default group would apply)"
			}
			var bad []string
			for _, sg := range sgs {
				for _, rule := range ingressRules(c, sg) {
					if cidr := ruleCIDR(rule.rule); cidr != "" || !hasKey(rule.rule, "SourceSecurityGroupId") {
						bad = append(bad, fmt.Sprintf("%s admits %q", rule.holder.Path(), cidr))
					}
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// dbNoEgress
//
//	Rule Identifier: LS-RDS-005
//	Description:     Data-store security groups deny outbound traffic.
//	Reports on:      data stores, AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupEgress
//	Scenarios:
//	  SKIP: no data store in the stack.
//	  PASS: every group has explicit egress rules and none to 0.0.0.0/0 or ::/0.
//	  FAIL: no SecurityGroupEgress (CloudFormation then allows all) or an egress to anywhere.
func dbNoEgress() Control {
	return Control{
		ID: "LS-RDS-005", Title: "Data-store security groups deny outbound traffic", Severity: Medium,
		Seed: seedMenoTime, Sentence: "Outbound: Denied", ResourceTypes: dataStoreTypes,
		Remediation: "Create the database security group with AllowAllOutbound: jsii.Bool(false).",
		Check: perResource(dataStoreTypes, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			var bad []string
			for _, sg := range dataSecurityGroups(c, r) {
				rules := egressRules(c, sg)
				if len(rules) == 0 {
					bad = append(bad, sg.Path()+" has no egress rules, so CloudFormation allows all outbound traffic")
				}
				for _, rule := range rules {
					if cidr := ruleCIDR(rule.rule); cidr == "0.0.0.0/0" || cidr == "::/0" {
						bad = append(bad, fmt.Sprintf("%s allows outbound traffic to %s", rule.holder.Path(), cidr))
					}
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// rdsIAMAuth
//
//	Rule Identifier: LS-RDS-006
//	Description:     IAM database authentication is enabled.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance (not in a cluster)
//	Scenarios:
//	  SKIP: no RDS cluster or standalone instance.
//	  PASS: EnableIAMDatabaseAuthentication is true.
//	  FAIL: absent or false.
func rdsIAMAuth() Control {
	types := []string{rdsCluster, rdsInstance}
	return Control{
		ID: "LS-RDS-006", Title: "IAM database authentication is enabled", Severity: High,
		Seed: seedMenoTime, Sentence: "IAM Database Authentication: Enabled", ResourceTypes: types,
		Remediation: "Set IamAuthentication: jsii.Bool(true) on the cluster.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			if on, _ := r.Bool("EnableIAMDatabaseAuthentication"); !on {
				return "IAM database authentication is off"
			}
			return ""
		}),
	}
}

// rdsMultiAZ
//
//	Rule Identifier: LS-RDS-007
//	Description:     Where the environment promises multi-AZ (MultiAz), an Aurora cluster has one
//	                 writer and at least DbReaders readers; a standalone instance is MultiAZ.
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBInstance
//	Scenarios:
//	  SKIP: MultiAz and MultiAZDatabase are false for the stack, or no cluster / standalone instance.
//	  PASS: instances referencing the cluster >= 1 + DbReaders; standalone MultiAZ true.
//	  FAIL: fewer instances, or a standalone single-AZ instance.
func rdsMultiAZ() Control {
	types := []string{rdsCluster, rdsInstance}
	return Control{
		ID: "LS-RDS-007", Title: "Production databases have multi-AZ readers", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "The production database cluster consists of one writer instance and multiple reader replicas distributed across different availability zones.",
		ResourceTypes: types,
		Remediation:   "Give the cluster Readers (awsrds.ClusterInstance_Provisioned) up to the environment's DbReaders.",
		Check: func(c *Context) []Finding {
			if !c.Settings.MultiAz && !c.Settings.MultiAZDatabase {
				c.Skip("the environment does not promise multi-AZ databases (Labsecure.MultiAz and MultiAZDatabase are false)")
				return nil
			}
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				if clusterMember(r) {
					return outOfScope
				}
				if r.Type == rdsInstance {
					if on, _ := r.Bool("MultiAZ"); !on {
						return "standalone instance is single-AZ (MultiAZ is not true)"
					}
					return ""
				}
				n := len(c.Env.Referrers(r, rdsInstance))
				if n < 1+c.Settings.DbReaders {
					return fmt.Sprintf("cluster has %d instance(s), want 1 writer + %d readers", n, c.Settings.DbReaders)
				}
				return ""
			})(c)
		},
	}
}

// rdsTLSParameter
//
//	Rule Identifier: LS-RDS-008
//	Description:     The cluster parameter group forces TLS (rds.force_ssl=1 for PostgreSQL,
//	                 require_secure_transport=ON for MySQL).
//	Reports on:      AWS::RDS::DBCluster, AWS::RDS::DBClusterParameterGroup, AWS::RDS::DBInstance, AWS::RDS::DBParameterGroup
//	Scenarios:
//	  SKIP: no RDS cluster or standalone instance.
//	  PASS: a custom parameter group sets the engine's TLS parameter.
//	  FAIL: default parameter group, or the parameter missing / off.
func rdsTLSParameter() Control {
	types := []string{rdsCluster, rdsInstance}
	return Control{
		ID: "LS-RDS-008", Title: "Database parameter groups enforce TLS", Severity: High,
		Seed: seedMenoTime, Sentence: "Parameter Group: Custom with HIPAA-recommended settings", ResourceTypes: types,
		Remediation: "Give the cluster a ParameterGroup with rds.force_ssl=1 (PostgreSQL) or require_secure_transport=ON (MySQL).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if clusterMember(r) {
				return outOfScope
			}
			prop := "DBClusterParameterGroupName"
			if r.Type == rdsInstance {
				prop = "DBParameterGroupName"
			}
			v, ok := r.Get(prop)
			if !ok {
				return "uses the default parameter group, which does not force TLS"
			}
			pg := c.Resolve(r, v)
			if pg == nil {
				return fmt.Sprintf("%s %s is not defined in this environment", prop, canon(v))
			}
			engine, _ := r.String("Engine")
			params := pg.Map("Parameters")
			if strings.Contains(engine, "postgres") {
				if fmt.Sprint(params["rds.force_ssl"]) != "1" {
					return "PostgreSQL parameter group does not set rds.force_ssl=1"
				}
				return ""
			}
			if !strings.EqualFold(fmt.Sprint(params["require_secure_transport"]), "ON") && fmt.Sprint(params["require_secure_transport"]) != "1" {
				return "MySQL parameter group does not set require_secure_transport=ON"
			}
			return ""
		}),
	}
}

// docdbEncryption
//
//	Rule Identifier: LS-DOC-001
//	Description:     DocumentDB storage is encrypted with a rotated customer-managed key.
//	Reports on:      AWS::DocDB::DBCluster, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no DocumentDB cluster.
//	  PASS: StorageEncrypted true and KmsKeyId resolves to a rotated key.
//	  FAIL: otherwise.
func docdbEncryption() Control {
	types := []string{docCluster}
	return Control{
		ID: "LS-DOC-001", Title: "DocumentDB encrypts with a rotated customer-managed key", Severity: High,
		Seed: seedLablogs, Sentence: sentDocDB, ResourceTypes: types,
		Remediation: "Set StorageEncrypted and KmsKey on the DocumentDB cluster.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("StorageEncrypted"); !on {
				return "storage is not encrypted"
			}
			return keyProblem(c, r, r.Properties["KmsKeyId"], "KmsKeyId")
		}),
	}
}

// docdbNodes
//
//	Rule Identifier: LS-DOC-002
//	Description:     A DocumentDB cluster runs three instances.
//	Reports on:      AWS::DocDB::DBCluster, AWS::DocDB::DBInstance
//	Scenarios:
//	  SKIP: no DocumentDB cluster.
//	  PASS: at least 3 DocDB instances reference the cluster.
//	  FAIL: fewer.
func docdbNodes() Control {
	return Control{
		ID: "LS-DOC-002", Title: "DocumentDB clusters run three nodes", Severity: High,
		Seed: seedLablogs, Sentence: sentDocDB, ResourceTypes: []string{docCluster, docInstance},
		Remediation: "Set Instances: jsii.Number(3) on the DocumentDB cluster.",
		Check: perResource([]string{docCluster}, func(c *Context, r *cfn.Resource) string {
			if n := len(c.Env.Referrers(r, docInstance)); n < 3 {
				return fmt.Sprintf("cluster has %d instance(s), want 3", n)
			}
			return ""
		}),
	}
}

// docdbTLS
//
//	Rule Identifier: LS-DOC-003
//	Description:     The DocumentDB cluster parameter group keeps TLS on.
//	Reports on:      AWS::DocDB::DBCluster, AWS::DocDB::DBClusterParameterGroup
//	Scenarios:
//	  SKIP: no DocumentDB cluster.
//	  PASS: an explicit parameter group with tls enabled (or tls1.2+ / tls1.3+).
//	  FAIL: no explicit group (not verifiable), or tls disabled.
func docdbTLS() Control {
	return Control{
		ID: "LS-DOC-003", Title: "DocumentDB enforces TLS", Severity: High,
		Seed: seedLablogs, Sentence: sentDocDB, ResourceTypes: []string{docCluster, "AWS::DocDB::DBClusterParameterGroup"},
		Remediation: "Give the cluster a ClusterParameterGroup with Parameters {\"tls\": \"enabled\"}.",
		Check: perResource([]string{docCluster}, func(c *Context, r *cfn.Resource) string {
			pg := c.Prop(r, "DBClusterParameterGroupName")
			if pg == nil {
				return "no explicit cluster parameter group: TLS cannot be verified"
			}
			switch fmt.Sprint(pg.Map("Parameters")["tls"]) {
			case "enabled", "tls1.2+", "tls1.3+", "fips-140-3":
				return ""
			}
			return "cluster parameter group does not set tls=enabled"
		}),
	}
}

// cacheTransit
//
//	Rule Identifier: LS-EC-001
//	Description:     ElastiCache encrypts data in transit.
//	Reports on:      AWS::ElastiCache::ReplicationGroup, AWS::ElastiCache::CacheCluster
//	Scenarios:
//	  SKIP: no ElastiCache resource.
//	  PASS: TransitEncryptionEnabled true on a replication group.
//	  FAIL: absent / false, or a standalone CacheCluster (no TLS option for memcached).
func cacheTransit() Control {
	types := []string{cacheGroup, cacheCluster}
	return Control{
		ID: "LS-EC-001", Title: "ElastiCache encrypts data in transit", Severity: High,
		Seed: seedLablogs, Sentence: "All data in transit is encrypted using TLS.", ResourceTypes: types,
		Remediation: "Use a CfnReplicationGroup with TransitEncryptionEnabled: jsii.Bool(true).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("TransitEncryptionEnabled"); !on {
				return "transit encryption is off"
			}
			return ""
		}),
	}
}

// cacheAtRest
//
//	Rule Identifier: LS-EC-002
//	Description:     ElastiCache encrypts at rest with a rotated customer-managed key.
//	Reports on:      AWS::ElastiCache::ReplicationGroup, AWS::ElastiCache::CacheCluster, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no ElastiCache resource.
//	  PASS: AtRestEncryptionEnabled and KmsKeyId resolving to a rotated key.
//	  FAIL: otherwise (a CacheCluster cannot encrypt at rest).
func cacheAtRest() Control {
	types := []string{cacheGroup, cacheCluster}
	return Control{
		ID: "LS-EC-002", Title: "ElastiCache encrypts at rest with a rotated customer-managed key", Severity: High,
		Seed: seedLablogs, Sentence: sentAtRest, ResourceTypes: types,
		Remediation: "Set AtRestEncryptionEnabled: jsii.Bool(true) and KmsKeyId on the replication group.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("AtRestEncryptionEnabled"); !on {
				return "at-rest encryption is off"
			}
			return keyProblem(c, r, r.Properties["KmsKeyId"], "KmsKeyId")
		}),
	}
}

// cacheFailover
//
//	Rule Identifier: LS-EC-003
//	Description:     Redis runs multi-AZ with automatic failover.
//	Reports on:      AWS::ElastiCache::ReplicationGroup, AWS::ElastiCache::CacheCluster
//	Scenarios:
//	  SKIP: no ElastiCache resource.
//	  PASS: MultiAZEnabled and AutomaticFailoverEnabled true.
//	  FAIL: either off, or a standalone CacheCluster.
func cacheFailover() Control {
	types := []string{cacheGroup, cacheCluster}
	return Control{
		ID: "LS-EC-003", Title: "Redis is multi-AZ with automatic failover", Severity: High,
		Seed:          seedLablogs,
		Sentence:      "The Redis cluster is configured with Multi-AZ support and automatic failover, ensuring cache availability even during zone failures.",
		ResourceTypes: types,
		Remediation:   "Set MultiAzEnabled and AutomaticFailoverEnabled to true with at least one replica.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			m, _ := r.Bool("MultiAZEnabled")
			f, _ := r.Bool("AutomaticFailoverEnabled")
			return problems(map[bool]string{false: "Multi-AZ is off"}[m], map[bool]string{false: "automatic failover is off"}[f])
		}),
	}
}

// dynamoEncryption
//
//	Rule Identifier: LS-DDB-001
//	Description:     DynamoDB tables encrypt with a rotated customer-managed key.
//	Reports on:      AWS::DynamoDB::Table, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no table.
//	  PASS: SSESpecification SSEEnabled, SSEType KMS and KMSMasterKeyId resolving to a rotated key.
//	  FAIL: AWS-owned encryption (default), AWS-managed key, or unrotated key.
func dynamoEncryption() Control {
	types := []string{dynamoTable}
	return Control{
		ID: "LS-DDB-001", Title: "DynamoDB tables encrypt with a rotated customer-managed key", Severity: High,
		Seed: seedLabSecure, Sentence: "DynamoDB tables are encrypted with KMS.", ResourceTypes: types,
		Remediation: "Set Encryption: awsdynamodb.TableEncryption_CUSTOMER_MANAGED and EncryptionKey.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("SSESpecification", "SSEEnabled"); !on {
				return "table uses the AWS-owned key (SSESpecification.SSEEnabled is not true)"
			}
			return keyProblem(c, r, r.Map("SSESpecification")["KMSMasterKeyId"], "SSESpecification.KMSMasterKeyId")
		}),
	}
}
