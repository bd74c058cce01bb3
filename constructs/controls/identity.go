package controls

import "github.com/labsecure/labsecure/constructs/cfn"

func identityControls() []Control {
	return []Control{cognitoMFA(), cognitoAdvancedSecurity(), cognitoNoIdentityPool()}
}

// cognitoMFA
//
//	Rule Identifier: LS-COG-001
//	Description:     User pools require MFA.
//	Reports on:      AWS::Cognito::UserPool
//	Scenarios:
//	  SKIP: no user pool.
//	  PASS: MfaConfiguration ON.
//	  FAIL: OFF, OPTIONAL or absent.
func cognitoMFA() Control {
	types := []string{"AWS::Cognito::UserPool"}
	return Control{
		ID: "LS-COG-001", Title: "Cognito user pools require MFA", Severity: High,
		Seed: seedLablogs, Sentence: sentCognito, ResourceTypes: types,
		Remediation: "Set Mfa: awscognito.Mfa_REQUIRED with MfaSecondFactor OTP.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if m, _ := r.String("MfaConfiguration"); m != "ON" {
				return "MFA is not required (MfaConfiguration is not ON)"
			}
			return ""
		}),
	}
}

// cognitoAdvancedSecurity
//
//	Rule Identifier: LS-COG-002
//	Description:     User pools enforce advanced security (adaptive authentication).
//	Reports on:      AWS::Cognito::UserPool
//	Scenarios:
//	  SKIP: no user pool.
//	  PASS: UserPoolAddOns.AdvancedSecurityMode ENFORCED.
//	  FAIL: OFF, AUDIT or absent.
func cognitoAdvancedSecurity() Control {
	types := []string{"AWS::Cognito::UserPool"}
	return Control{
		ID: "LS-COG-002", Title: "Cognito advanced security is enforced", Severity: Medium,
		Seed: seedLablogs, Sentence: sentCognito, ResourceTypes: types,
		Remediation: "Set FeaturePlan: awscognito.FeaturePlan_PLUS and AdvancedSecurityMode ENFORCED.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if m, _ := r.String("UserPoolAddOns", "AdvancedSecurityMode"); m != "ENFORCED" {
				return "advanced security is not ENFORCED"
			}
			return ""
		}),
	}
}

// cognitoNoIdentityPool
//
//	Rule Identifier: LS-COG-003
//	Description:     No Cognito identity pool hands AWS credentials to end users.
//	Reports on:      AWS::Cognito::IdentityPool
//	Scenarios:
//	  SKIP: no identity pool (the compliant case).
//	  FAIL: any identity pool.
func cognitoNoIdentityPool() Control {
	types := []string{"AWS::Cognito::IdentityPool"}
	return Control{
		ID: "LS-COG-003", Title: "No Cognito identity pools", Severity: Medium,
		Seed: seedLabSecure, Sentence: "We use Cognito User Pools only to authenticate patients.", ResourceTypes: types,
		Remediation: "Remove the identity pool; patients reach data only through the API.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			return "identity pool gives end users direct AWS credentials"
		}),
	}
}
