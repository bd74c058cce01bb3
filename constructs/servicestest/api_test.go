package servicestest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/api"
	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/edge"
)

func importFn(f *fixture, name string) awslambda.IFunction {
	return awslambda.Function_FromFunctionAttributes(f.defaults, jsii.String("Fn"+name), &awslambda.FunctionAttributes{
		FunctionArn:     jsii.String("arn:aws:lambda:us-east-1:111111111111:function:labsecure-test-" + name),
		SameEnvironment: jsii.Bool(true),
	})
}

func buildAPI(f *fixture) []badCase {
	good := func() *api.RestAPIProps {
		return &api.RestAPIProps{Name: "labsecure-test-lab-api", UserPool: userPool.Pool, WebACL: regionalACL,
			LogKey: f.logsKey, LogRetentionDays: 90, AlarmTopic: f.alarmTopic}
	}
	api.NewAccountCloudWatchRole(f.defaults, "ApiGatewayAccount")
	restAPI := must(api.NewRestAPI(f.defaults, "LabAPI", good()))
	write, _ := userPool.Scope("results.write")
	read, _ := userPool.Scope("results.read")
	fns := &api.PipelineRoutes{Ingest: importFn(f, "ingest"), Status: importFn(f, "status"), Health: importFn(f, "health"),
		Report: importFn(f, "report"), WriteScope: write, ReadScope: read}
	if err := restAPI.AddPipelineRoutes(fns); err != nil {
		panic(err)
	}

	pool := awscognito.UserPool_FromUserPoolId(f.variations, jsii.String("ImportedPool"), jsii.String("us-east-1_AbCdEf123"))
	v := must(api.NewRestAPI(f.variations, "CustomAPI", &api.RestAPIProps{
		Name: "labsecure-test-custom", UserPool: pool, WebACL: regionalACL, LogKey: f.logsKey, LogRetentionDays: 365,
		AlarmTopic: f.alarmTopic, StageName: "v2", ThrottleRate: 10, ThrottleBurst: 20, Alarm5XXThreshold: 1,
		DomainName: "api.labsecure.example", CertificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/abcd",
		ManageAccountCloudWatchRole: true, Retain: true,
	}))
	must(v.AddLambdaRoute("PUT", "/orders/{order_id}", importFn(f, "orders"), &api.RouteProps{Scopes: []string{"lab-api/orders.write", "lab-api/admin"}}))

	with := func(mod func(p *api.RestAPIProps)) func() error {
		return func() error { p := good(); mod(p); _, err := api.NewRestAPI(f.bad, "A", p); return err }
	}
	route := func(method, path string, fn awslambda.IFunction, p *api.RouteProps) func() error {
		return func() error { _, err := restAPI.AddLambdaRoute(method, path, fn, p); return err }
	}
	ing := fns.Ingest
	cf := &edge.WebACL{Scope: edge.ScopeCloudFront}
	return []badCase{
		{"api nil", "props are required", func() error { _, err := api.NewRestAPI(f.bad, "A", nil); return err }},
		{"api name", "Name", with(func(p *api.RestAPIProps) { p.Name = "lab api" })},
		{"api pool", "UserPool", with(func(p *api.RestAPIProps) { p.UserPool = nil })},
		{"api waf", "WebACL", with(func(p *api.RestAPIProps) { p.WebACL = nil })},
		{"api waf scope", "WebACL", with(func(p *api.RestAPIProps) { p.WebACL = cf })},
		{"api log key", "LogKey", with(func(p *api.RestAPIProps) { p.LogKey = nil })},
		{"api retention", "LogRetentionDays", with(func(p *api.RestAPIProps) { p.LogRetentionDays = 10 })},
		{"api topic", "AlarmTopic", with(func(p *api.RestAPIProps) { p.AlarmTopic = nil })},
		{"api stage", "StageName", with(func(p *api.RestAPIProps) { p.StageName = "v-1" })},
		{"api rate", "ThrottleRate", with(func(p *api.RestAPIProps) { p.ThrottleRate = 20000 })},
		{"api burst", "ThrottleBurst", with(func(p *api.RestAPIProps) { p.ThrottleBurst = -1 })},
		{"api alarm", "Alarm5XXThreshold", with(func(p *api.RestAPIProps) { p.Alarm5XXThreshold = -1 })},
		{"api domain no cert", "CertificateArn", with(func(p *api.RestAPIProps) { p.DomainName = "api.example.com" })},
		{"api domain", "DomainName", with(func(p *api.RestAPIProps) {
			p.DomainName, p.CertificateArn = "API.example.com", "arn:aws:acm:us-east-1:111111111111:certificate/x"
		})},
		{"api cert", "CertificateArn", with(func(p *api.RestAPIProps) { p.DomainName, p.CertificateArn = "api.example.com", "arn:aws:iam::1:x" })},
		{"route method", "method", route("HEAD", "/x", ing, &api.RouteProps{Scopes: []string{"a/b"}})},
		{"route path", "path", route("GET", "x/y", ing, &api.RouteProps{Scopes: []string{"a/b"}})},
		{"route fn", "fn is nil", route("GET", "/x", nil, &api.RouteProps{Scopes: []string{"a/b"}})},
		{"route no scope", "Scopes", route("GET", "/x", ing, nil)},
		{"route scope form", "Scopes", route("GET", "/x", ing, &api.RouteProps{Scopes: []string{"results.read"}})},
		{"route header", "RequiredHeaders", route("GET", "/x", ing, &api.RouteProps{Scopes: []string{"a/b"}, RequiredHeaders: []string{"bad header"}})},
		{"pipeline nil", "pipeline routes are required", func() error { return restAPI.AddPipelineRoutes(nil) }},
		{"pipeline fn", "PipelineRoutes.Report", func() error { c := *fns; c.Report = nil; return restAPI.AddPipelineRoutes(&c) }},
		{"pipeline scope", "PipelineRoutes.WriteScope", func() error { c := *fns; c.WriteScope = ""; return restAPI.AddPipelineRoutes(&c) }},
	}
}

// methodAt returns the AWS::ApiGateway::Method for httpMethod on the resource whose path
// (from the construct path) ends in pathSuffix.
func methodAt(t *testing.T, s *cfn.Stack, frag, httpMethod string) *cfn.Resource {
	t.Helper()
	var found []*cfn.Resource
	for _, m := range allByPath(s, "AWS::ApiGateway::Method", frag+"/"+httpMethod+"/") {
		if v, _ := m.String("HttpMethod"); v == httpMethod {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s method under %s, got %d", httpMethod, frag, len(found))
	}
	return found[0]
}

func TestRestAPIStage(t *testing.T) {
	for _, c := range []struct {
		stack          *cfn.Stack
		frag, stage    string
		rate, burst    int
		retention      int
		cwRole, domain bool
	}{
		{defaults, "LabAPI/", "live", 50, 100, 90, false, false},
		{variations, "CustomAPI/", "v2", 10, 20, 365, true, true},
	} {
		restAPI := byPath(t, c.stack, "AWS::ApiGateway::RestApi", c.frag)
		eq(t, restAPI, []any{"REGIONAL"}, "EndpointConfiguration", "Types")
		if c.domain {
			eq(t, restAPI, true, "DisableExecuteApiEndpoint")
			dn := byPath(t, c.stack, "AWS::ApiGateway::DomainName", c.frag)
			eq(t, dn, "TLS_1_2", "SecurityPolicy")
			eq(t, dn, []any{"REGIONAL"}, "EndpointConfiguration", "Types")
			byPath(t, c.stack, "AWS::ApiGateway::BasePathMapping", c.frag)
		}
		stage := byPath(t, c.stack, "AWS::ApiGateway::Stage", c.frag)
		eq(t, stage, c.stage, "StageName")
		eq(t, stage, true, "TracingEnabled")
		settings := stage.List("MethodSettings")
		if len(settings) != 1 {
			t.Fatalf("%s: method settings %s", stage.Path(), js(settings))
		}
		ms := settings[0].(map[string]any)
		want := map[string]any{"DataTraceEnabled": false, "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": true,
			"ResourcePath": "/*", "ThrottlingBurstLimit": c.burst, "ThrottlingRateLimit": c.rate, "CachingEnabled": false}
		if js(ms) != js(want) {
			t.Errorf("%s: method settings %s, want %s", stage.Path(), js(ms), js(want))
		}
		// Access logs: JSON with request metadata only, to the encrypted group.
		access := byPath(t, c.stack, "AWS::Logs::LogGroup", c.frag+"AccessLogs")
		eq(t, access, c.retention, "RetentionInDays")
		if k, _ := access.Get("KmsKeyId"); !strings.Contains(js(k), "LogsKey") {
			t.Errorf("%s: key %s", access.Path(), js(k))
		}
		if v, _ := stage.Get("AccessLogSetting", "DestinationArn"); !cfn.ReferencesTo(v, access.LogicalID) {
			t.Errorf("%s: access log destination %s", stage.Path(), js(v))
		}
		format, _ := stage.String("AccessLogSetting", "Format")
		var fields map[string]string
		if err := json.Unmarshal([]byte(format), &fields); err != nil {
			t.Fatalf("%s: access log format is not JSON: %v (%s)", stage.Path(), err, format)
		}
		for _, must := range []string{"$context.requestId", "$context.status", "$context.identity.sourceIp", "$context.resourcePath"} {
			if !slices.Contains(slices.Collect(mapValues(fields)), must) {
				t.Errorf("%s: access log lacks %s", stage.Path(), must)
			}
		}
		for k, v := range fields {
			for _, banned := range []string{"body", "$input", "requestOverride", "responseOverride", "$context.path", "querystring", "header"} {
				if strings.Contains(strings.ToLower(v), strings.ToLower(banned)) {
					t.Errorf("%s: access log field %s=%s may carry PHI (%s)", stage.Path(), k, v, banned)
				}
			}
		}
		// Execution logs: pre-created, encrypted, named for the API and stage, before the stage.
		exec := byPath(t, c.stack, "AWS::Logs::LogGroup", c.frag+"ExecutionLogs")
		if n := js(exec.Properties["LogGroupName"]); !strings.Contains(n, "API-Gateway-Execution-Logs_") || !cfn.ReferencesTo(exec.Properties["LogGroupName"], restAPI.LogicalID) || !strings.Contains(n, "/"+c.stage) {
			t.Errorf("%s: execution log group name %s", exec.Path(), n)
		}
		eq(t, exec, c.retention, "RetentionInDays")
		if k, _ := exec.Get("KmsKeyId"); !strings.Contains(js(k), "LogsKey") {
			t.Errorf("%s: key %s", exec.Path(), js(k))
		}
		if !slices.Contains(stage.DependsOn, exec.LogicalID) {
			t.Errorf("%s: stage does not depend on the execution log group (%v)", stage.Path(), stage.DependsOn)
		}
		// Account CloudWatch role only where asked.
		if got := len(allByPath(c.stack, "AWS::ApiGateway::Account", c.frag)); got != map[bool]int{false: 0, true: 1}[c.cwRole] {
			t.Errorf("%s: %d AWS::ApiGateway::Account resources, cloudWatchRole=%v", c.frag, got, c.cwRole)
		}
		// WAF on the stage.
		assoc := byPath(t, c.stack, "AWS::WAFv2::WebACLAssociation", c.frag)
		if v := js(assoc.Properties["ResourceArn"]); !strings.Contains(v, "/restapis/") || !strings.Contains(v, "/stages/") {
			t.Errorf("%s: association target %s is not the stage", assoc.Path(), v)
		}
		// 5XX alarm on the stage.
		alarm := byPath(t, c.stack, "AWS::CloudWatch::Alarm", c.frag+"ServerErrorAlarm")
		eq(t, alarm, "5XXError", "MetricName")
		eq(t, alarm, "AWS/ApiGateway", "Namespace")
		if d := js(alarm.Properties["Dimensions"]); !strings.Contains(d, `"Stage"`) || !strings.Contains(d, `"ApiName"`) {
			t.Errorf("%s: dimensions %s", alarm.Path(), d)
		}
		if a := alarm.List("AlarmActions"); len(a) != 1 {
			t.Errorf("%s: alarm actions %s", alarm.Path(), js(a))
		}
	}
}

func TestAccountCloudWatchRole(t *testing.T) {
	acct := byPath(t, defaults, "AWS::ApiGateway::Account", "ApiGatewayAccount/")
	role := byPath(t, defaults, "AWS::IAM::Role", "ApiGatewayAccount/Role")
	if v, _ := acct.Get("CloudWatchRoleArn"); !cfn.ReferencesTo(v, role.LogicalID) {
		t.Errorf("%s: role %s", acct.Path(), js(v))
	}
	for _, r := range []*cfn.Resource{acct, role} {
		if r.DeletionPolicy != "Retain" {
			t.Errorf("%s: DeletionPolicy %q, want Retain (the account setting outlives the stack)", r.Path(), r.DeletionPolicy)
		}
	}
	if p := js(role.List("ManagedPolicyArns")); !strings.Contains(p, "service-role/AmazonAPIGatewayPushToCloudWatchLogs") || strings.Count(p, "policy/") != 1 {
		t.Errorf("%s: policies %s", role.Path(), p)
	}
	eq(t, role, map[string]any{"Service": "apigateway.amazonaws.com"}, "AssumeRolePolicyDocument", "Statement", "0", "Principal")
	if n := len(defaults.Template.OfType("AWS::ApiGateway::Account")); n != 1 {
		t.Errorf("%d account settings in the defaults stack, want 1", n)
	}
}

func mapValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func TestRestAPIRoutes(t *testing.T) {
	auth := byPath(t, defaults, "AWS::ApiGateway::Authorizer", "LabAPI/")
	eq(t, auth, "COGNITO_USER_POOLS", "Type")
	eq(t, auth, "method.request.header.Authorization", "IdentitySource")
	if v := auth.List("ProviderARNs"); len(v) != 1 || !cfn.ReferencesTo(v, byPath(t, defaults, "AWS::Cognito::UserPool", "UserPool/").LogicalID) {
		t.Errorf("authorizer providers %s", js(v))
	}
	validator := byPath(t, defaults, "AWS::ApiGateway::RequestValidator", "LabAPI/")
	eq(t, validator, true, "ValidateRequestParameters")
	for _, c := range []struct {
		frag, method string
		scopes       []any
		params       map[string]any
		fn           string
	}{
		{"api/v1/ingest", "POST", []any{"labsecure/results.write"}, map[string]any{"method.request.header.Content-Type": true}, "ingest"},
		{"api/v1/status/{result_id}", "GET", []any{"labsecure/results.read"}, map[string]any{"method.request.path.result_id": true}, "status"},
		{"api/v1/results/{result_id}/report", "GET", []any{"labsecure/results.read"}, map[string]any{"method.request.path.result_id": true}, "report"},
		{"api/v1/health", "GET", nil, map[string]any{}, "health"},
	} {
		m := methodAt(t, defaults, "LabAPI/Resource/Default/"+c.frag, c.method)
		if c.scopes != nil {
			eq(t, m, "COGNITO_USER_POOLS", "AuthorizationType")
			eq(t, m, c.scopes, "AuthorizationScopes")
			if v, _ := m.Get("AuthorizerId"); !cfn.ReferencesTo(v, auth.LogicalID) {
				t.Errorf("%s: authorizer %s", m.Path(), js(v))
			}
		} else {
			eq(t, m, "NONE", "AuthorizationType")
		}
		if len(c.params) > 0 {
			eq(t, m, c.params, "RequestParameters")
			if v, _ := m.Get("RequestValidatorId"); !cfn.ReferencesTo(v, validator.LogicalID) {
				t.Errorf("%s: validator %s", m.Path(), js(v))
			}
		}
		eq(t, m, "AWS_PROXY", "Integration", "Type")
		eq(t, m, "POST", "Integration", "IntegrationHttpMethod")
		if uri := js(m.Properties["Integration"].(map[string]any)["Uri"]); !strings.Contains(uri, "function:labsecure-test-"+c.fn) {
			t.Errorf("%s: integration %s", m.Path(), uri)
		}
	}
	// Every method of the API except health requires a Cognito token with a scope.
	open := 0
	for _, m := range allByPath(defaults, "AWS::ApiGateway::Method", "LabAPI/") {
		if at, _ := m.String("AuthorizationType"); at == "NONE" {
			open++
		} else if len(m.List("AuthorizationScopes")) == 0 {
			t.Errorf("%s: authorized without a scope", m.Path())
		}
	}
	if open != 1 {
		t.Errorf("%d methods open without a token, want 1 (health)", open)
	}
	// Lambda permissions scoped to the API.
	// Lambda permissions: one per route, for the deployed stage only (no test-invoke ones).
	perms := allByPath(defaults, "AWS::Lambda::Permission", "LabAPI/")
	if len(perms) != 4 {
		t.Errorf("%d Lambda permissions for the API, want one per route (4)", len(perms))
	}
	stage := byPath(t, defaults, "AWS::ApiGateway::Stage", "LabAPI/")
	for _, p := range perms {
		if src := js(p.Properties["SourceArn"]); !cfn.ReferencesTo(p.Properties["SourceArn"], stage.LogicalID) {
			t.Errorf("%s: source ARN %s is not limited to the stage", p.Path(), src)
		}
	}
	m := methodAt(t, variations, "CustomAPI/Resource/Default/orders/{order_id}", "PUT")
	eq(t, m, []any{"lab-api/orders.write", "lab-api/admin"}, "AuthorizationScopes")
	eq(t, m, map[string]any{"method.request.path.order_id": true}, "RequestParameters")
}
