// Package controls is the labsecure security control catalog: every testable security
// statement of the five seed documents (../shared/seeds) as a Control with an ID, a severity,
// the seed file and the verbatim sentence it comes from, the CloudFormation resource types it
// reads, a remediation and a pure Go check over synthesized templates (constructs/cfn, no
// jsii). The same catalog runs inside `cdk synth` (package cdkgate), in Terratest suites
// (test/controls) and in the reviewer report (infra/controlreport).
//
// # Evaluation
//
// Evaluate groups the stacks of a cloud assembly by environment and runs every control once
// per stack (ScopeStack) or once per environment (ScopeEnvironment, for account-wide
// services such as GuardDuty and CloudTrail). A result is:
//
//   - PASS: the control examined at least one resource and found nothing wrong.
//   - FAIL: at least one finding is not covered by a valid acknowledgement.
//   - ACKNOWLEDGED: every finding is covered by a valid, unexpired acknowledgement.
//   - SKIP: nothing in scope (for example no bucket in the stack); the reason says why.
//   - NOT_APPLICABLE: the stack's metadata declared the control not applicable, with a reason.
//
// # Template metadata (written by infra/stacks)
//
// Each stack declares its environment and thresholds in the template-level Metadata section,
// under the key "Labsecure" (cdk: stack.AddMetadata("Labsecure", map[string]any{...})):
//
//	"Metadata": {
//	  "Labsecure": {
//	    "Environment": "prod",          // groups stacks; dev | staging | prod | ...
//	    "Part": "database",             // informational: foundation | database | application | ...
//	    "BackupRetentionDays": 35,      // LS-BAK-001 minimum; default 35 (seed 000)
//	    "AppLogRetentionDays": 14,      // LS-LOG-003 ECS application logs; default 14 (seed 000)
//	    "LogRetentionDays": 60,         // LS-LOG-004 Lambda logs; default AppLogRetentionDays
//	                                    //   when that key is present, else 60 (seed 004)
//	    "AuditLogRetentionDays": 365,   // recorded, not checked yet
//	    "NoncurrentVersionDays": 180,   // LS-S3-006 minimum, never below 180 (seed 000)
//	    "MultiAz": true,                // LS-NET-005, LS-ECS-003 (and LS-RDS-007) apply; default false
//	    "MultiAZDatabase": true,        // LS-RDS-007 applies; default false
//	    "DbReaders": 2,                 // Aurora readers LS-RDS-007 wants; default 2 in "prod"
//	                                    //   ("multiple reader replicas", seed 000), else 1
//	    "DeletionProtection": true,     // LS-BAK-003 applies; default false
//	    "NotApplicable": {              // control ID -> reason; shown in every report
//	      "LS-CF-001": "no CloudFront in this environment: the portal is served by the ALB"
//	    }
//	  }
//	}
//
// Unknown keys, wrong types, unknown control IDs and empty reasons are errors: a typo must
// not silently switch a control off. Stacks without the key are grouped in the environment
// "unspecified" with the defaults above.
//
// # Acknowledgements
//
// A finding (or a cdk-nag error annotation) may be acknowledged with an Acknowledgement that
// names the control or cdk-nag rule, the environment ("*" for all), a construct-path glob
// ("*" within one path segment, "**" across segments), a reason, an owner and an expiry date
// at most one year ahead. An expired acknowledgement no longer covers anything: the finding
// fails again and the report says that the acknowledgement expired. The register lives in
// infra/acks.
package controls
