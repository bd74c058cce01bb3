package controls

import "strings"

func auditControls() []Control {
	return []Control{guardDuty(), guardDutyAlerts(), cloudTrail(), guardDutyScope()}
}

// guardDuty
//
//	Rule Identifier: LS-AUD-001
//	Description:     The environment has an enabled GuardDuty detector (S3 protection on).
//	Reports on:      AWS::GuardDuty::Detector (environment scope)
//	Scenarios:
//	  SKIP: never: absence from the environment is a FAIL.
//	  PASS: a detector with Enable true.
//	  FAIL: no detector in any stack of the environment, or Enable false.
func guardDuty() Control {
	types := []string{"AWS::GuardDuty::Detector"}
	return Control{
		ID: "LS-AUD-001", Title: "GuardDuty is enabled", Severity: High, Scope: ScopeEnvironment,
		Seed: seedMenoTime, Sentence: "Purpose: Intelligent threat detection for AWS account", ResourceTypes: types,
		Remediation: "Add constructs/audit's detector to the foundation stack (awsguardduty.NewCfnDetector Enable true).",
		Check: func(c *Context) []Finding {
			ds := c.Resources(types...)
			if len(ds) == 0 {
				return []Finding{c.Missing("no GuardDuty detector in environment %s", c.Env.Name)}
			}
			var out []Finding
			for _, d := range ds {
				if on, _ := d.Bool("Enable"); !on {
					out = append(out, c.Fail(d, "detector is disabled"))
				} else {
					c.Examine(d)
				}
			}
			return out
		},
	}
}

// guardDutyAlerts
//
//	Rule Identifier: LS-AUD-002
//	Description:     GuardDuty findings are published to an SNS topic.
//	Reports on:      AWS::Events::Rule, AWS::SNS::Topic (environment scope)
//	Scenarios:
//	  SKIP: never: absence from the environment is a FAIL.
//	  PASS: an EventBridge rule matching source aws.guardduty targets an SNS topic of the environment.
//	  FAIL: no such rule.
func guardDutyAlerts() Control {
	return Control{
		ID: "LS-AUD-002", Title: "GuardDuty findings reach an SNS topic", Severity: Medium, Scope: ScopeEnvironment,
		Seed: seedMenoTime, Sentence: "Integration: Findings published to SNS topic for Slack notifications",
		ResourceTypes: []string{"AWS::Events::Rule", "AWS::SNS::Topic"},
		Remediation:   "Add an events rule {source: [aws.guardduty]} with an SnsTopic target (constructs/audit).",
		Check: func(c *Context) []Finding {
			for _, r := range c.Resources("AWS::Events::Rule") {
				src, _ := r.Get("EventPattern", "source")
				if !strings.Contains(canon(src), "aws.guardduty") {
					continue
				}
				for _, t := range r.List("Targets") {
					if tt := c.Resolve(r, mapGet(t, "Arn")); tt != nil && tt.Type == "AWS::SNS::Topic" {
						c.Examine(r)
						return nil
					}
				}
				return []Finding{c.Fail(r, "GuardDuty rule has no SNS topic target")}
			}
			return []Finding{c.Missing("no EventBridge rule sends GuardDuty findings to SNS in environment %s", c.Env.Name)}
		},
	}
}

// cloudTrail
//
//	Rule Identifier: LS-AUD-003
//	Description:     A multi-region CloudTrail trail logs, validates log files and encrypts with KMS.
//	Reports on:      AWS::CloudTrail::Trail (environment scope)
//	Scenarios:
//	  SKIP: never: absence from the environment is a FAIL.
//	  PASS: a trail with IsLogging, IsMultiRegionTrail, EnableLogFileValidation true and KMSKeyId
//	        resolving to a rotated key.
//	  FAIL: no trail, or a trail missing any of these.
func cloudTrail() Control {
	types := []string{"AWS::CloudTrail::Trail"}
	return Control{
		ID: "LS-AUD-003", Title: "CloudTrail is multi-region, validated and KMS-encrypted", Severity: High, Scope: ScopeEnvironment,
		Seed: seedLablogs, Sentence: sentKMSRot, ResourceTypes: types,
		Remediation: "Add constructs/audit's trail: awscloudtrail.NewTrail(IsMultiRegionTrail, EnableFileValidation, EncryptionKey).",
		Check: func(c *Context) []Finding {
			ts := c.Resources(types...)
			if len(ts) == 0 {
				return []Finding{c.Missing("no CloudTrail trail in environment %s", c.Env.Name)}
			}
			var out []Finding
			for _, t := range ts {
				var bad []string
				for _, k := range []string{"IsLogging", "IsMultiRegionTrail", "EnableLogFileValidation"} {
					if on, _ := t.Bool(k); !on {
						bad = append(bad, k+" is not true")
					}
				}
				bad = append(bad, keyProblem(c, t, t.Properties["KMSKeyId"], "KMSKeyId"))
				if msg := problems(bad...); msg != "" {
					out = append(out, c.Fail(t, "%s", msg))
				} else {
					c.Examine(t)
				}
			}
			return out
		},
	}
}

// guardDutyScope
//
//	Rule Identifier: LS-AUD-004
//	Description:     GuardDuty covers S3, RDS and ECS: features S3_DATA_EVENTS, RDS_LOGIN_EVENTS and
//	                 RUNTIME_MONITORING with ECS_FARGATE_AGENT_MANAGEMENT enabled.
//	Reports on:      AWS::GuardDuty::Detector (environment scope)
//	Scenarios:
//	  SKIP: never: absence from the environment is a FAIL.
//	  PASS: an enabled detector with the three features ENABLED (S3 may also come from DataSources.S3Logs).
//	  FAIL: no detector, or a feature missing or DISABLED.
func guardDutyScope() Control {
	types := []string{"AWS::GuardDuty::Detector"}
	return Control{
		ID: "LS-AUD-004", Title: "GuardDuty covers S3, RDS and ECS", Severity: Medium, Scope: ScopeEnvironment,
		Seed: seedMenoTime, Sentence: "Scope: All ECS, RDS, and S3 resources", ResourceTypes: types,
		Remediation: "Enable the detector Features S3_DATA_EVENTS, RDS_LOGIN_EVENTS and RUNTIME_MONITORING (ECS_FARGATE_AGENT_MANAGEMENT) (constructs/audit defaults).",
		Check: func(c *Context) []Finding {
			ds := c.Resources(types...)
			if len(ds) == 0 {
				return []Finding{c.Missing("no GuardDuty detector in environment %s", c.Env.Name)}
			}
			var out []Finding
			for _, d := range ds {
				enabled := map[string]bool{}
				for _, f := range d.List("Features") {
					name, _ := mapGet(f, "Name").(string)
					if mapGet(f, "Status") != "ENABLED" {
						continue
					}
					enabled[name] = true
					add, _ := mapGet(f, "AdditionalConfiguration").([]any)
					for _, a := range add {
						if n, _ := mapGet(a, "Name").(string); n != "" && mapGet(a, "Status") == "ENABLED" {
							enabled[n] = true
						}
					}
				}
				if on, _ := d.Bool("DataSources", "S3Logs", "Enable"); on {
					enabled["S3_DATA_EVENTS"] = true
				}
				var missing []string
				for _, f := range []string{"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING", "ECS_FARGATE_AGENT_MANAGEMENT"} {
					if !enabled[f] {
						missing = append(missing, f)
					}
				}
				if len(missing) > 0 {
					out = append(out, c.Fail(d, "GuardDuty features not enabled: %s", strings.Join(missing, ", ")))
				} else {
					c.Examine(d)
				}
			}
			return out
		},
	}
}
