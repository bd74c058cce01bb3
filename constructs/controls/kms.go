package controls

import "github.com/labsecure/labsecure/constructs/cfn"

func kmsControls() []Control { return []Control{kmsRotation()} }

// kmsRotation
//
//	Rule Identifier: LS-KMS-001
//	Description:     Symmetric customer-managed KMS keys rotate automatically.
//	Reports on:      AWS::KMS::Key
//	Scenarios:
//	  SKIP: no KMS key in the stack, or only asymmetric / HMAC keys (they cannot rotate).
//	  PASS: EnableKeyRotation is true.
//	  FAIL: EnableKeyRotation is absent or false.
func kmsRotation() Control {
	types := []string{"AWS::KMS::Key"}
	return Control{
		ID: "LS-KMS-001", Title: "Customer-managed KMS keys rotate automatically", Severity: High,
		Seed: seedLablogs, Sentence: sentKMSRot, ResourceTypes: types,
		Remediation: "Create keys with awskms.NewKey(..., &KeyProps{EnableKeyRotation: jsii.Bool(true)}) (constructs/keys does this).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if spec, ok := r.String("KeySpec"); ok && spec != "SYMMETRIC_DEFAULT" {
				return outOfScope
			}
			if on, _ := r.Bool("EnableKeyRotation"); !on {
				return "key rotation is off (EnableKeyRotation is not true)"
			}
			return ""
		}),
	}
}
