package controls

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// MandatoryTags are the tag keys every taggable resource carries (seed 003).
var MandatoryTags = []string{"Environment", "Application", "Component", "CostCenter", "Owner", "Compliance", "Backup", "Encryption"}

// TaggableTypes are resource types whose aws-cdk-lib L1 accepts tags (Tags.of applies to
// them). A resource of another type is judged only when it carries a tag property.
var TaggableTypes = []string{
	"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::DynamoDB::Table",
	"AWS::Logs::LogGroup", "AWS::Lambda::Function", "AWS::IAM::Role", "AWS::EC2::VPC", "AWS::EC2::Subnet",
	"AWS::EC2::SecurityGroup", "AWS::EC2::RouteTable", "AWS::EC2::InternetGateway", "AWS::EC2::NatGateway",
	"AWS::EC2::EIP", "AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance",
	"AWS::RDS::DBSubnetGroup", "AWS::RDS::DBClusterParameterGroup", "AWS::ECS::Cluster", "AWS::ECS::Service",
	"AWS::ECS::TaskDefinition", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
	"AWS::ECR::Repository", "AWS::SecretsManager::Secret", "AWS::CloudFront::Distribution", "AWS::WAFv2::WebACL",
	"AWS::CloudTrail::Trail", "AWS::GuardDuty::Detector", "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage",
	"AWS::Cognito::UserPool", "AWS::DocDB::DBCluster", "AWS::DocDB::DBInstance", "AWS::ElastiCache::ReplicationGroup",
	"AWS::ElastiCache::SubnetGroup", "AWS::StepFunctions::StateMachine", "AWS::Backup::BackupVault",
}

// taggable reports whether r should carry the mandatory tags.
func taggable(r *cfn.Resource) bool {
	if hasTagProp(r) {
		return true
	}
	for _, t := range TaggableTypes {
		if r.Type == t {
			return true
		}
	}
	return false
}

// allowedTagValues are the vocabularies of seed 003 (Compliance is a comma-separated list).
var allowedTagValues = map[string][]string{
	"Environment": {"dev", "staging", "prod"},
	"Backup":      {"daily", "weekly", "none"},
	"Encryption":  {"kms", "aws-managed", "none"},
	"Compliance":  {"hipaa", "pii-storage", "audit-required", "soc2", "gdpr"},
}

// tagsOf returns the literal tags of r in any of the CloudFormation tag shapes, including
// map-form properties such as BackupVaultTags and BackupPlanTags.
func tagsOf(r *cfn.Resource) map[string]string {
	out := r.Tags()
	for k, v := range r.Properties {
		if k == "Tags" || !strings.HasSuffix(k, "Tags") {
			continue
		}
		if m, ok := v.(map[string]any); ok {
			for tk, tv := range m {
				if s, ok := tv.(string); ok {
					out[tk] = s
				}
			}
		}
	}
	return out
}

// hasTagProp reports whether r carries any tag property.
func hasTagProp(r *cfn.Resource) bool {
	for k := range r.Properties {
		if strings.HasSuffix(k, "Tags") || k == "TagSpecifications" {
			return true
		}
	}
	return false
}

func tagControls() []Control { return []Control{tagsPresent(), tagValues()} }

func taggedResources(c *Context) []*cfn.Resource {
	var out []*cfn.Resource
	src := c.Unit.Stack.Template.Sorted()
	for _, r := range src {
		if !isCDKFramework(r) && taggable(r) {
			out = append(out, r)
		}
	}
	return out
}

// tagsPresent
//
//	Rule Identifier: LS-TAG-001
//	Description:     Every taggable resource carries the eight mandatory tags.
//	Reports on:      every taggable type (TaggableTypes, or any resource with a tag property)
//	Scenarios:
//	  SKIP: no taggable resource in the stack.
//	  PASS: Environment, Application, Component, CostCenter, Owner, Compliance, Backup, Encryption present and non-empty.
//	  FAIL: any of them missing.
func tagsPresent() Control {
	return Control{
		ID: "LS-TAG-001", Title: "Taggable resources carry the eight mandatory tags", Severity: Medium,
		Seed: seedMenoTime, Sentence: "All AWS resources are tagged for cost allocation, environment identification, and compliance tracking.",
		ResourceTypes: []string{"(all taggable types)"},
		Remediation:   "Apply constructs/tags to the app (awscdk.Tags_Of(app).Add for every mandatory key) and set Component per stack.",
		Check: func(c *Context) []Finding {
			c.Skip("no taggable resource in this stack")
			var out []Finding
			for _, r := range taggedResources(c) {
				tags := tagsOf(r)
				var missing []string
				for _, k := range MandatoryTags {
					if strings.TrimSpace(tags[k]) == "" {
						missing = append(missing, k)
					}
				}
				if len(missing) > 0 {
					out = append(out, c.Fail(r, "missing mandatory tags: %s", strings.Join(missing, ", ")))
				} else {
					c.Examine(r)
				}
			}
			return out
		},
	}
}

// tagValues
//
//	Rule Identifier: LS-TAG-002
//	Description:     Tag values use the seed vocabularies, and Environment equals the stack's environment.
//	Reports on:      every taggable type
//	Scenarios:
//	  SKIP: no taggable resource carrying the vocabulary tags.
//	  PASS: Environment in dev/staging/prod and equal to Labsecure.Environment; Backup daily/weekly/none;
//	        Encryption kms/aws-managed/none; Compliance a list (comma, space, +, : or / separated)
//	        of hipaa, pii-storage, audit-required, soc2, gdpr.
//	  FAIL: any other value.
func tagValues() Control {
	return Control{
		ID: "LS-TAG-002", Title: "Tag values follow the tagging vocabulary", Severity: Low,
		Seed: seedMenoTime, Sentence: "Environment dev, staging, prod Environment identification",
		ResourceTypes: []string{"(all taggable types)"},
		Remediation:   "Use the values of constructs/tags; the Environment tag must equal the stack's environment.",
		Check: func(c *Context) []Finding {
			c.Skip("no taggable resource with vocabulary tags in this stack")
			var out []Finding
			for _, r := range taggedResources(c) {
				tags := tagsOf(r)
				var bad []string
				seen := false
				keys := make([]string, 0, len(allowedTagValues))
				for k := range allowedTagValues {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					v, ok := tags[k]
					if !ok {
						continue
					}
					seen = true
					for _, part := range strings.FieldsFunc(v, tagValueSeparator) {
						if !contains(allowedTagValues[k], part) {
							bad = append(bad, fmt.Sprintf("%s=%q is not one of %s", k, v, strings.Join(allowedTagValues[k], ", ")))
							break
						}
					}
				}
				if env, ok := tags["Environment"]; ok && c.Settings.Environment != UnspecifiedEnvironment && env != c.Settings.Environment {
					bad = append(bad, fmt.Sprintf("Environment tag %q differs from the stack's environment %q", env, c.Settings.Environment))
				}
				if !seen {
					continue
				}
				if len(bad) > 0 {
					out = append(out, c.Fail(r, "%s", strings.Join(bad, "; ")))
				} else {
					c.Examine(r)
				}
			}
			return out
		},
	}
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// tagValueSeparator splits list-valued tags: AWS tag values cannot hold commas, so lists are
// also written with spaces, "+", ":" or "/".
func tagValueSeparator(r rune) bool {
	return r == ',' || r == ' ' || r == '+' || r == ':' || r == '/'
}
