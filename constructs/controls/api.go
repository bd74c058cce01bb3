package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func apiControls() []Control { return []Control{apiAccessLogs(), apiAuthorization(), apiDomainTLS()} }

// apiAccessLogs
//
//	Rule Identifier: LS-API-001
//	Description:     API Gateway stages write access logs.
//	Reports on:      AWS::ApiGateway::Stage, AWS::ApiGatewayV2::Stage
//	Scenarios:
//	  SKIP: no stage.
//	  PASS: AccessLogSetting.DestinationArn (REST) / AccessLogSettings.DestinationArn (HTTP) set.
//	  FAIL: absent.
func apiAccessLogs() Control {
	types := []string{restStage, "AWS::ApiGatewayV2::Stage"}
	return Control{
		ID: "LS-API-001", Title: "API Gateway stages write access logs", Severity: Medium,
		Seed: seedLabSecure, Sentence: "Centralized logging for Lambda, EC2 services, and API Gateway access logs.", ResourceTypes: types,
		Remediation: "Set DeployOptions.AccessLogDestination: awsapigateway.NewLogGroupLogDestination(logGroup) with a JSON format carrying no PHI.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if !r.Has("AccessLogSetting", "DestinationArn") && !r.Has("AccessLogSettings", "DestinationArn") {
				return "stage has no access log destination"
			}
			return ""
		}),
	}
}

// methodPath returns the resource path of a REST method, built from the PathPart chain.
func methodPath(c *Context, m *cfn.Resource) string {
	var parts []string
	cur := c.Prop(m, "ResourceId")
	for i := 0; cur != nil && cur.Type == "AWS::ApiGateway::Resource" && i < 20; i++ {
		p, _ := cur.String("PathPart")
		parts = append([]string{p}, parts...)
		cur = c.Prop(cur, "ParentId")
	}
	return "/" + strings.Join(parts, "/")
}

// apiAuthorization
//
//	Rule Identifier: LS-API-002
//	Description:     REST methods require an authorizer (Cognito, JWT / custom or IAM), except
//	                 OPTIONS (CORS pre-flight) and the /health endpoint.
//	Reports on:      AWS::ApiGateway::Method
//	Scenarios:
//	  SKIP: no method, or only OPTIONS and health methods.
//	  PASS: AuthorizationType COGNITO_USER_POOLS, CUSTOM or AWS_IAM.
//	  FAIL: NONE (or absent) on any other method.
func apiAuthorization() Control {
	types := []string{"AWS::ApiGateway::Method"}
	return Control{
		ID: "LS-API-002", Title: "API methods require an authorizer (except health and CORS)", Severity: Medium,
		Seed: seedLabSecure, Sentence: "Backend APIs can use Cognito authorizers for protected endpoints.", ResourceTypes: types,
		Remediation: "Set DefaultMethodOptions Authorizer (Cognito or IAM for lab senders); leave only GET /api/v1/health open.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if m, _ := r.String("HttpMethod"); m == "OPTIONS" {
				return outOfScope
			}
			path := methodPath(c, r)
			if strings.HasSuffix(path, "/health") {
				return outOfScope
			}
			if t, _ := r.String("AuthorizationType"); t == "" || t == "NONE" {
				return fmt.Sprintf("%v %s has no authorization", r.Properties["HttpMethod"], path)
			}
			return ""
		}),
	}
}

// apiDomainTLS
//
//	Rule Identifier: LS-API-003
//	Description:     API Gateway custom domains require TLS 1.2.
//	Reports on:      AWS::ApiGateway::DomainName, AWS::ApiGatewayV2::DomainName
//	Scenarios:
//	  SKIP: no custom domain.
//	  PASS: SecurityPolicy TLS_1_2 (or a SecurityPolicy_TLS13 / TLS12 policy).
//	  FAIL: TLS_1_0 or unset.
func apiDomainTLS() Control {
	types := []string{"AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName"}
	return Control{
		ID: "LS-API-003", Title: "API custom domains require TLS 1.2", Severity: Medium,
		Seed: seedLabSecure, Sentence: "All external access is via HTTPS through API Gateway and the ALB.", ResourceTypes: types,
		Remediation: "Set SecurityPolicy: awsapigateway.SecurityPolicy_TLS_1_2 on the domain.",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			pols := []any{r.Properties["SecurityPolicy"]}
			for _, d := range r.List("DomainNameConfigurations") {
				pols = append(pols, mapGet(d, "SecurityPolicy"))
			}
			for _, p := range pols {
				s, _ := p.(string)
				if s == "" && r.Type == "AWS::ApiGatewayV2::DomainName" && p == nil && len(pols) > 1 {
					continue
				}
				if !strings.Contains(s, "1_2") && !strings.Contains(s, "TLS13") && !strings.Contains(s, "1_3") {
					return fmt.Sprintf("SecurityPolicy %q allows TLS below 1.2", s)
				}
			}
			return ""
		}),
	}
}
