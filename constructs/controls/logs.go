package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

var logGroupTypes = []string{"AWS::Logs::LogGroup"}

func logControls() []Control {
	return []Control{logRetention(), logEncryption(), logECSRetention(), logLambdaRetention()}
}

// logRetention
//
//	Rule Identifier: LS-LOG-001
//	Description:     Every log group has an explicit retention (logs are deleted automatically).
//	Reports on:      AWS::Logs::LogGroup
//	Scenarios:
//	  SKIP: no log group in the stack.
//	  PASS: RetentionInDays is set.
//	  FAIL: RetentionInDays absent (logs never expire).
func logRetention() Control {
	return Control{
		ID: "LS-LOG-001", Title: "Log groups have an explicit retention", Severity: Medium,
		Seed: seedInsider, Sentence: sentLogs60, ResourceTypes: logGroupTypes,
		Remediation: "Set Retention on the log group (constructs/logs takes the environment's retention).",
		Check: perResource(logGroupTypes, func(c *Context, r *cfn.Resource) string {
			if _, ok := r.Int("RetentionInDays"); !ok {
				return "log group never expires (no RetentionInDays)"
			}
			return ""
		}),
	}
}

// logEncryption
//
//	Rule Identifier: LS-LOG-002
//	Description:     Log groups encrypt with a rotated customer-managed KMS key.
//	Reports on:      AWS::Logs::LogGroup, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no log group in the stack.
//	  PASS: KmsKeyId resolves to an AWS::KMS::Key with rotation.
//	  FAIL: no KmsKeyId, or an unverifiable / unrotated key.
func logEncryption() Control {
	return Control{
		ID: "LS-LOG-002", Title: "Log groups encrypt with a rotated customer-managed KMS key", Severity: High,
		Seed: seedMenoTime, Sentence: "CloudWatch Logs (log encryption)", ResourceTypes: logGroupTypes,
		Remediation: "Set EncryptionKey on the log group; the key policy must allow logs.<region>.amazonaws.com.",
		Check: perResource(logGroupTypes, func(c *Context, r *cfn.Resource) string {
			return keyProblem(c, r, r.Properties["KmsKeyId"], "KmsKeyId")
		}),
	}
}

// ecsLogGroups returns the log groups that ECS container definitions write to.
func ecsLogGroups(c *Context) map[*cfn.Resource]bool {
	out := map[*cfn.Resource]bool{}
	for _, td := range c.Env.OfType("AWS::ECS::TaskDefinition") {
		for _, cd := range td.List("ContainerDefinitions") {
			v, ok := cfn.Lookup(cd, "LogConfiguration", "Options", "awslogs-group")
			if !ok {
				continue
			}
			if lg := c.Resolve(td, v); lg != nil && lg.Type == "AWS::Logs::LogGroup" {
				out[lg] = true
			}
		}
	}
	return out
}

// lambdaLogGroups returns the log groups Lambda functions write to (LoggingConfig.LogGroup
// or a /aws/lambda/ name).
func lambdaLogGroups(c *Context) map[*cfn.Resource]bool {
	out := map[*cfn.Resource]bool{}
	for _, f := range c.Env.OfType("AWS::Lambda::Function") {
		if isCDKFramework(f) {
			continue
		}
		if v, ok := f.Get("LoggingConfig", "LogGroup"); ok {
			if lg := c.Resolve(f, v); lg != nil && lg.Type == "AWS::Logs::LogGroup" {
				out[lg] = true
			}
		}
	}
	for _, lg := range c.Env.OfType("AWS::Logs::LogGroup") {
		if n, ok := lg.String("LogGroupName"); ok && strings.HasPrefix(n, "/aws/lambda/") {
			out[lg] = true
		}
		for _, f := range c.Env.OfType("AWS::Lambda::Function") {
			if v, ok := lg.Get("LogGroupName"); ok && !isCDKFramework(f) && c.Env.Refers(lg, v, f) {
				out[lg] = true
			}
		}
	}
	return out
}

// logECSRetention
//
//	Rule Identifier: LS-LOG-003
//	Description:     ECS application log groups keep logs AppLogRetentionDays (default 14).
//	Reports on:      AWS::Logs::LogGroup, AWS::ECS::TaskDefinition
//	Scenarios:
//	  SKIP: no log group used by an ECS container (awslogs-group) in the stack.
//	  PASS: RetentionInDays equals the environment's AppLogRetentionDays.
//	  FAIL: any other retention or none.
func logECSRetention() Control {
	return Control{
		ID: "LS-LOG-003", Title: "ECS application logs are kept for the configured 14 days", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "All application logs from ECS tasks are centralized in AWS CloudWatch with a 14-day retention period.",
		ResourceTypes: []string{"AWS::Logs::LogGroup", "AWS::ECS::TaskDefinition"},
		Remediation:   "Set the ECS container log group retention to the environment's AppLogRetentionDays (awslogs.RetentionDays_TWO_WEEKS).",
		Check: func(c *Context) []Finding {
			c.Skip("no log group used by an ECS container in this stack")
			used := ecsLogGroups(c)
			return perResource(logGroupTypes, func(c *Context, r *cfn.Resource) string {
				if !used[r] {
					return outOfScope
				}
				if n, ok := r.Int("RetentionInDays"); !ok || n != c.Settings.AppLogRetentionDays {
					return fmt.Sprintf("ECS application log retention is %s, want %d days", daysText(r), c.Settings.AppLogRetentionDays)
				}
				return ""
			})(c)
		},
	}
}

// logLambdaRetention
//
//	Rule Identifier: LS-LOG-004
//	Description:     Lambda function log groups keep logs LogRetentionDays (default 60).
//	Reports on:      AWS::Logs::LogGroup, AWS::Lambda::Function
//	Scenarios:
//	  SKIP: no log group used by an application Lambda function in the stack.
//	  PASS: RetentionInDays equals the environment's LogRetentionDays.
//	  FAIL: any other retention or none.
func logLambdaRetention() Control {
	return Control{
		ID: "LS-LOG-004", Title: "Lambda logs are kept for the configured retention (default 60 days)", Severity: Medium,
		Seed: seedInsider, Sentence: sentLogs60, ResourceTypes: []string{"AWS::Logs::LogGroup", "AWS::Lambda::Function"},
		Remediation: "Give each function an explicit log group (LogGroup prop) with the environment's LogRetentionDays.",
		Check: func(c *Context) []Finding {
			c.Skip("no log group used by an application Lambda function in this stack")
			used := lambdaLogGroups(c)
			out := perResource(logGroupTypes, func(c *Context, r *cfn.Resource) string {
				if !used[r] {
					return outOfScope
				}
				if n, ok := r.Int("RetentionInDays"); !ok || n != c.Settings.LogRetentionDays {
					return fmt.Sprintf("Lambda log retention is %s, want %d days", daysText(r), c.Settings.LogRetentionDays)
				}
				return ""
			})(c)
			// A function without an explicit log group logs to an implicit one that never expires.
			for _, f := range c.Resources("AWS::Lambda::Function") {
				if isCDKFramework(f) || f.Has("LoggingConfig", "LogGroup") {
					continue
				}
				named := false
				for lg := range used {
					if v, ok := lg.Get("LogGroupName"); ok && c.Env.Refers(lg, v, f) {
						named = true
					}
				}
				if !named {
					out = append(out, c.Fail(f, "function has no explicit log group: Lambda creates /aws/lambda/<name> without retention or KMS"))
				}
			}
			return out
		},
	}
}

func daysText(r *cfn.Resource) string {
	if n, ok := r.Int("RetentionInDays"); ok {
		return fmt.Sprintf("%d days", n)
	}
	return "unlimited"
}
