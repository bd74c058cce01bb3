package controls

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

var iamPolicyTypes = []string{"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role"}

// UnscopedActions are IAM actions that do not support resource-level permissions, so
// Resource "*" is the only possible value for them (service authorization reference,
// "Resource types" column empty). A trailing "*" covers a family of actions. Extend it only
// with actions documented as not supporting resource-level scoping.
var UnscopedActions = []string{
	"ec2:Describe*",
	"ec2:CreateNetworkInterface",
	"ec2:DeleteNetworkInterface",
	"ec2:AssignPrivateIpAddresses",
	"ec2:UnassignPrivateIpAddresses",
	"xray:PutTraceSegments",
	"xray:PutTelemetryRecords",
	"xray:GetSamplingRules",
	"xray:GetSamplingTargets",
	"xray:GetSamplingStatisticSummaries",
	"cloudwatch:PutMetricData",
	"cloudwatch:GetMetricData",
	"cloudwatch:ListMetrics",
	"ecr:GetAuthorizationToken",
	"logs:DescribeLogGroups",
	"logs:CreateLogDelivery",
	"logs:GetLogDelivery",
	"logs:UpdateLogDelivery",
	"logs:DeleteLogDelivery",
	"logs:ListLogDeliveries",
	"logs:PutResourcePolicy",
	"logs:DescribeResourcePolicies",
	"secretsmanager:GetRandomPassword",
	"sts:GetCallerIdentity",
	"sqs:ListQueues",
	"sns:ListTopics",
	"s3:ListAllMyBuckets",
	"kms:ListAliases",
	"kms:ListKeys",
	"ssm:DescribeParameters",
	"ecs:DescribeTaskDefinition",
	"ecs:RegisterTaskDefinition",
	"ecs:DeregisterTaskDefinition",
	"ecs:ListClusters",
	"autoscaling:Describe*",
	"elasticloadbalancing:Describe*",
	"application-autoscaling:Describe*",
	"guardduty:ListDetectors",
	"iam:ListRoles",
	"tag:GetResources",
	"cognito-idp:ListUserPools",
}

func iamControls() []Control {
	return []Control{iamNoWildcardActions(), iamNoWildcardResources(), iamRolePerComponent(), iamNoUsers()}
}

// policyDocs returns every identity-policy document of an IAM resource with a label.
func policyDocs(r *cfn.Resource) map[string]any {
	out := map[string]any{}
	switch r.Type {
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
		out["PolicyDocument"] = r.Properties["PolicyDocument"]
	case "AWS::IAM::Role":
		for i, p := range r.List("Policies") {
			doc, _ := cfn.Lookup(p, "PolicyDocument")
			out[fmt.Sprintf("Policies[%d]", i)] = doc
		}
	}
	return out
}

func sortedDocKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// broadManagedPolicies returns the AWS managed policies attached to a role (or user/group)
// that grant "*" or "service:*": AdministratorAccess, PowerUserAccess and every *FullAccess.
func broadManagedPolicies(r *cfn.Resource) []string {
	var out []string
	for _, v := range r.List("ManagedPolicyArns") {
		var text strings.Builder
		cfn.Walk(v, func(x any) {
			if s, ok := x.(string); ok {
				text.WriteString(s)
			}
		})
		arn := text.String()
		i := strings.Index(arn, ":iam::aws:policy/")
		if i < 0 {
			continue
		}
		name := arn[i+len(":iam::aws:policy/"):]
		base := name[strings.LastIndex(name, "/")+1:]
		if base == "AdministratorAccess" || base == "PowerUserAccess" || strings.HasSuffix(base, "FullAccess") {
			out = append(out, name)
		}
	}
	return out
}

// wildcardAction reports whether an action grants a whole service or everything.
func wildcardAction(a string) bool {
	if a == "*" {
		return true
	}
	_, op, ok := strings.Cut(a, ":")
	return ok && op == "*"
}

// unscoped reports whether the action (possibly itself a pattern) only supports Resource "*".
func unscoped(action string) bool {
	for _, u := range UnscopedActions {
		if strings.EqualFold(u, action) {
			return true
		}
		if p, ok := strings.CutSuffix(u, "*"); ok && strings.HasPrefix(strings.ToLower(action), strings.ToLower(p)) {
			return true
		}
	}
	return false
}

// iamNoWildcardActions
//
//	Rule Identifier: LS-IAM-001
//	Description:     No Allow statement of an identity policy grants "*" or "service:*", and no
//	                 role attaches AdministratorAccess, PowerUserAccess or an AWS *FullAccess
//	                 managed policy. KMS key policies and resource policies are out of scope.
//	Reports on:      AWS::IAM::Policy, AWS::IAM::ManagedPolicy, AWS::IAM::Role (inline Policies)
//	Scenarios:
//	  SKIP: no identity policy in the stack.
//	  PASS: every Allow action names an operation (prefix patterns such as s3:GetObject* are allowed).
//	  FAIL: an Allow statement with Action "*" or "<service>:*", or with NotAction; a broad AWS managed policy.
func iamNoWildcardActions() Control {
	return Control{
		ID: "LS-IAM-001", Title: "IAM policies grant no wildcard actions", Severity: Critical,
		Seed: seedLabSecure, Sentence: sentLeast, ResourceTypes: iamPolicyTypes,
		Remediation: "Grant the specific actions (use the construct Grant* methods); never \"*\" or \"service:*\".",
		Check: perResource(iamPolicyTypes, func(c *Context, r *cfn.Resource) string {
			docs := policyDocs(r)
			managed := broadManagedPolicies(r)
			if len(docs) == 0 && len(managed) == 0 {
				return outOfScope
			}
			var bad []string
			for _, m := range managed {
				bad = append(bad, fmt.Sprintf("attaches the AWS managed policy %s, which grants whole services", m))
			}
			for _, k := range sortedDocKeys(docs) {
				for i, s := range statements(docs[k]) {
					if s["Effect"] != "Allow" {
						continue
					}
					if _, ok := s["NotAction"]; ok {
						bad = append(bad, fmt.Sprintf("%s statement %d uses NotAction", k, i))
					}
					for _, a := range strs(s["Action"]) {
						if wildcardAction(a) {
							bad = append(bad, fmt.Sprintf("%s statement %d allows %q", k, i, a))
						}
					}
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// iamNoWildcardResources
//
//	Rule Identifier: LS-IAM-002
//	Description:     Resource "*" appears only with actions that cannot be scoped (UnscopedActions).
//	Reports on:      AWS::IAM::Policy, AWS::IAM::ManagedPolicy, AWS::IAM::Role (inline Policies)
//	Scenarios:
//	  SKIP: no identity policy in the stack.
//	  PASS: every Allow statement with Resource "*" lists only unscoped actions.
//	  FAIL: Resource "*" (or NotResource) with an action that supports resource-level permissions.
func iamNoWildcardResources() Control {
	return Control{
		ID: "LS-IAM-002", Title: "IAM policies scope resources wherever the action allows", Severity: High,
		Seed: seedLabSecure, Sentence: sentLeast, ResourceTypes: iamPolicyTypes,
		Remediation: "Name the resource ARNs (bucket.ArnForObjects, queue.QueueArn, ...); \"*\" only for actions listed in controls.UnscopedActions.",
		Check: perResource(iamPolicyTypes, func(c *Context, r *cfn.Resource) string {
			docs := policyDocs(r)
			if len(docs) == 0 {
				return outOfScope
			}
			var bad []string
			for _, k := range sortedDocKeys(docs) {
				for i, s := range statements(docs[k]) {
					if s["Effect"] != "Allow" {
						continue
					}
					star := s["NotResource"] != nil
					for _, res := range strs(s["Resource"]) {
						if res == "*" {
							star = true
						}
					}
					if !star {
						continue
					}
					var scoped []string
					for _, a := range strs(s["Action"]) {
						if !unscoped(a) {
							scoped = append(scoped, a)
						}
					}
					if len(scoped) > 0 {
						bad = append(bad, fmt.Sprintf("%s statement %d allows %s on Resource \"*\"", k, i, strings.Join(scoped, ", ")))
					}
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}

// iamRolePerComponent
//
//	Rule Identifier: LS-IAM-003
//	Description:     Every Lambda function and ECS task definition has its own role: no role is
//	                 shared by two components.
//	Reports on:      AWS::Lambda::Function (Role), AWS::ECS::TaskDefinition (TaskRoleArn)
//	Scenarios:
//	  SKIP: no function or task role in the stack.
//	  PASS: every role value is used by one component only.
//	  FAIL: two components reference the same role.
func iamRolePerComponent() Control {
	types := []string{"AWS::Lambda::Function", "AWS::ECS::TaskDefinition"}
	return Control{
		ID: "LS-IAM-003", Title: "Each component has its own IAM role", Severity: High,
		Seed: seedLabSecure, Sentence: sentLeast, ResourceTypes: types,
		Remediation: "Let each function / task definition create its own role; do not pass one role to several.",
		Check: func(c *Context) []Finding {
			users := map[string][]*cfn.Resource{}
			var order []string
			for _, r := range c.Env.OfType(types...) {
				if isCDKFramework(r) {
					continue
				}
				prop := "Role"
				if r.Type == "AWS::ECS::TaskDefinition" {
					prop = "TaskRoleArn"
				}
				v, ok := r.Get(prop)
				if !ok {
					continue
				}
				k := roleKey(c, r, v)
				if _, seen := users[k]; !seen {
					order = append(order, k)
				}
				users[k] = append(users[k], r)
			}
			inStack := func(r *cfn.Resource) bool { return c.Unit == nil || c.Env.Owner(r) == c.Unit }
			var out []Finding
			for _, k := range order {
				rs := users[k]
				for _, r := range rs {
					if !inStack(r) {
						continue
					}
					if len(rs) == 1 {
						c.Examine(r)
						continue
					}
					var others []string
					for _, o := range rs {
						if o != r {
							others = append(others, o.Path())
						}
					}
					out = append(out, c.Fail(r, "role %s is shared with %s", k, strings.Join(others, ", ")))
				}
			}
			return out
		},
	}
}

// iamNoUsers
//
//	Rule Identifier: LS-IAM-004
//	Description:     No IAM users or long-lived access keys: all access is through roles.
//	Reports on:      AWS::IAM::User, AWS::IAM::AccessKey
//	Scenarios:
//	  SKIP: no IAM user or access key in the stack (the compliant case).
//	  FAIL: any IAM user or access key.
func iamNoUsers() Control {
	types := []string{"AWS::IAM::User", "AWS::IAM::AccessKey"}
	return Control{
		ID: "LS-IAM-004", Title: "No IAM users or access keys", Severity: High,
		Seed:          seedLabSecure,
		Sentence:      "Identity Pools (direct AWS access per user) are not necessary; all backend access is via Lambda/EC2 with IAM roles.",
		ResourceTypes: types,
		Remediation:   "Remove the user / access key; give the workload a role.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			return r.Type + " grants long-lived credentials"
		}),
	}
}
