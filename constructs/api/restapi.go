// Package api creates the public REST API of the lab pipeline (seed 001): a regional API
// Gateway REST API whose methods lab systems call with Cognito client-credentials access
// tokens carrying an OAuth scope, with access logs in JSON to an encrypted log group,
// execution logs at INFO without data trace (data trace would log request and response bodies,
// that is PHI), X-Ray tracing, throttling, request validation, a REGIONAL WAF web ACL and a
// 5XX alarm.
//
// Payload size: API Gateway accepts request bodies up to 10 MB; the ingest handler enforces
// its own 1 MB limit (and the core rule set of the web ACL blocks bodies over 8 KB unless
// edge.WebACLProps.CountOnlyCommonRules lists "SizeRestrictions_BODY").
//
// CloudWatch role: execution logging needs the account-level API Gateway setting
// "CloudWatch log role ARN" (one per account and region, shared by every API); without it
// the stage fails to deploy. The construct does not set it by default
// (RestAPIProps.ManageAccountCloudWatchRole false): several stacks owning the same account
// setting overwrite each other, and deleting one would leave the others' stages without logs.
// Set it once per account and region with NewAccountCloudWatchRole (e.g. in the foundation
// stack), or let exactly one API set it with ManageAccountCloudWatchRole. Both keep the
// setting on stack deletion (RETAIN).
//
// Execution logs: API Gateway writes them to "API-Gateway-Execution-Logs_<api id>/<stage>",
// a group it would create unencrypted with no expiry. The construct creates that group
// itself, KMS-encrypted with the configured retention, before the stage.
package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/edge"
	"github.com/labsecure/labsecure/constructs/logs"
)

// Limits and defaults.
const (
	// MaxPayloadBytes is API Gateway's request body limit (10 MB); IngestPayloadBytes is what
	// the ingest handler accepts.
	MaxPayloadBytes    = 10 * 1024 * 1024
	IngestPayloadBytes = 1024 * 1024

	DefaultThrottleRate      = 50
	DefaultThrottleBurst     = 100
	DefaultStageName         = "live"
	Default5XXAlarmThreshold = 5
)

// AccessLogFields are the fields of every access log record: request metadata only. No
// request or response bodies, no headers, no query strings, no path parameter values (the
// resource path template is logged, not the path), nothing a patient could be identified by.
var AccessLogFields = map[string]string{
	"requestId":          "$context.requestId",
	"extendedRequestId":  "$context.extendedRequestId",
	"requestTime":        "$context.requestTime",
	"sourceIp":           "$context.identity.sourceIp",
	"userAgent":          "$context.identity.userAgent",
	"httpMethod":         "$context.httpMethod",
	"resourcePath":       "$context.resourcePath",
	"protocol":           "$context.protocol",
	"status":             "$context.status",
	"responseLength":     "$context.responseLength",
	"responseLatency":    "$context.responseLatency",
	"integrationStatus":  "$context.integration.status",
	"integrationLatency": "$context.integration.latency",
	"clientId":           "$context.authorizer.claims.client_id",
	"errorType":          "$context.error.responseType",
	"wafStatus":          "$context.waf.status",
	"xrayTraceId":        "$context.xrayTraceId",
}

// RestAPIProps configures the REST API.
type RestAPIProps struct {
	// Name is the API name, e.g. "labsecure-prod-lab-api". Required: 1-128 letters, digits,
	// '-' or '_'.
	Name string
	// UserPool issues the access tokens the authorizer accepts. Required.
	UserPool awscognito.IUserPool
	// WebACL is a REGIONAL web ACL (edge.NewWebACL) associated with the stage. Required.
	WebACL *edge.WebACL
	// LogKey encrypts the access and execution log groups. Required (the logs key).
	LogKey awskms.IKey
	// LogRetentionDays is the retention of both log groups (a CloudWatch Logs value).
	// Required.
	LogRetentionDays int
	// AlarmTopic receives the 5XX alarm. Required.
	AlarmTopic awssns.ITopic
	// StageName is the deployment stage. Default: "live".
	StageName string
	// ThrottleRate is the steady-state request rate per second of every method (1-10000).
	// Default: 50.
	ThrottleRate int
	// ThrottleBurst is the burst capacity of every method (1-5000). Default: 100.
	ThrottleBurst int
	// Alarm5XXThreshold raises the alarm when more 5XX responses occur in 5 minutes.
	// Default: 5.
	Alarm5XXThreshold int
	// DomainName is a custom domain (regional endpoint, TLS 1.2 minimum). Default: none.
	// With it, the default execute-api endpoint is disabled so the domain is the only way in.
	DomainName string
	// CertificateArn is an ACM certificate in the stack's region covering DomainName.
	// Required with DomainName.
	CertificateArn string
	// ManageAccountCloudWatchRole makes this API set the account-level CloudWatch role that
	// execution logging needs (package doc). Default: false.
	ManageAccountCloudWatchRole bool
	// Retain keeps the log groups on stack deletion. Default: false.
	Retain bool
}

var (
	apiNameRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	stageNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,128}$`)
	apiDomainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	acmArnRE    = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *RestAPIProps) Validate() error {
	if p == nil {
		return fmt.Errorf("api: props are required; fix: pass &api.RestAPIProps{Name: ..., UserPool: ..., WebACL: ...}")
	}
	if !apiNameRE.MatchString(p.Name) {
		return fmt.Errorf("api: Name %q is invalid; fix: use 1-128 letters, digits, '-' or '_'", p.Name)
	}
	if p.UserPool == nil {
		return fmt.Errorf("api: UserPool is nil; fix: pass the user pool whose machine client issues the lab systems' tokens (identity.NewUserPool)")
	}
	if p.WebACL == nil {
		return fmt.Errorf("api: WebACL is nil; fix: pass a REGIONAL edge.NewWebACL")
	}
	if p.WebACL.Scope != edge.ScopeRegional {
		return fmt.Errorf("api: WebACL has Scope %s; fix: pass a REGIONAL web ACL (API Gateway stages take only those)", p.WebACL.Scope)
	}
	if p.LogKey == nil {
		return fmt.Errorf("api: LogKey is nil; fix: pass the logs key so access and execution logs are encrypted")
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("api: LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", p.LogRetentionDays, logs.RetentionValues)
	}
	if p.AlarmTopic == nil {
		return fmt.Errorf("api: AlarmTopic is nil; fix: pass the environment's alarm topic (audit.NewAlarmTopic)")
	}
	if p.StageName != "" && !stageNameRE.MatchString(p.StageName) {
		return fmt.Errorf("api: StageName %q is invalid; fix: use letters, digits or '_'", p.StageName)
	}
	if p.ThrottleRate < 0 || p.ThrottleRate > 10000 {
		return fmt.Errorf("api: ThrottleRate %d is invalid; fix: use 1 to 10000 requests per second (default %d)", p.ThrottleRate, DefaultThrottleRate)
	}
	if p.ThrottleBurst < 0 || p.ThrottleBurst > 5000 {
		return fmt.Errorf("api: ThrottleBurst %d is invalid; fix: use 1 to 5000 (default %d)", p.ThrottleBurst, DefaultThrottleBurst)
	}
	if p.Alarm5XXThreshold < 0 {
		return fmt.Errorf("api: Alarm5XXThreshold %d is negative; fix: use 0 or more (default %d)", p.Alarm5XXThreshold, Default5XXAlarmThreshold)
	}
	if p.DomainName != "" && !apiDomainRE.MatchString(p.DomainName) {
		return fmt.Errorf("api: DomainName %q is not a lower-case DNS name; fix: use e.g. \"api.example.com\"", p.DomainName)
	}
	if (p.DomainName == "") != (p.CertificateArn == "") {
		return fmt.Errorf("api: DomainName and CertificateArn must be set together; fix: pass both (a regional ACM certificate covering the domain) or neither")
	}
	if p.CertificateArn != "" && !acmArnRE.MatchString(p.CertificateArn) {
		return fmt.Errorf("api: CertificateArn %q is not an ACM certificate ARN; fix: pass arn:aws:acm:<region>:<account>:certificate/<id>", p.CertificateArn)
	}
	return nil
}

// RestAPI is the API and what hangs off it.
type RestAPI struct {
	API        awsapigateway.RestApi
	Stage      awsapigateway.Stage
	Authorizer awsapigateway.CognitoUserPoolsAuthorizer
	Validator  awsapigateway.RequestValidator
	AccessLogs awslogs.LogGroup
	// ExecutionLogs is the pre-created "API-Gateway-Execution-Logs_<id>/<stage>" group.
	ExecutionLogs    awslogs.LogGroup
	ServerErrorAlarm awscloudwatch.Alarm
}

// NewRestAPI creates the REST API with its stage, authorizer, validator, WAF association,
// log groups and 5XX alarm. Add routes with AddLambdaRoute or AddPipelineRoutes.
func NewRestAPI(scope constructs.Construct, id string, props *RestAPIProps) (*RestAPI, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	stageName := props.StageName
	if stageName == "" {
		stageName = DefaultStageName
	}
	rate, burst := props.ThrottleRate, props.ThrottleBurst
	if rate == 0 {
		rate = DefaultThrottleRate
	}
	if burst == 0 {
		burst = DefaultThrottleBurst
	}
	threshold := props.Alarm5XXThreshold
	if threshold == 0 {
		threshold = Default5XXAlarmThreshold
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	accessLogs, err := logs.New(self, "AccessLogs", &logs.Props{Key: props.LogKey, RetentionDays: props.LogRetentionDays, Retain: props.Retain})
	if err != nil {
		return nil, fmt.Errorf("api: access log group: %w", err)
	}
	format, err := json.Marshal(AccessLogFields)
	if err != nil {
		return nil, fmt.Errorf("api: access log format: %w", err)
	}
	rp := &awsapigateway.RestApiProps{
		RestApiName:    jsii.String(props.Name),
		Description:    jsii.String("labsecure lab results API " + props.Name),
		EndpointTypes:  &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		CloudWatchRole: jsii.Bool(props.ManageAccountCloudWatchRole),
		FailOnWarnings: jsii.Bool(true),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(stageName),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(accessLogs),
			AccessLogFormat:      awsapigateway.AccessLogFormat_Custom(jsii.String(string(format))),
			LoggingLevel:         awsapigateway.MethodLoggingLevel_INFO,
			DataTraceEnabled:     jsii.Bool(false),
			MetricsEnabled:       jsii.Bool(true),
			TracingEnabled:       jsii.Bool(true),
			ThrottlingRateLimit:  jsii.Number(float64(rate)),
			ThrottlingBurstLimit: jsii.Number(float64(burst)),
			CachingEnabled:       jsii.Bool(false),
		},
	}
	if props.DomainName != "" {
		rp.DomainName = &awsapigateway.DomainNameOptions{
			DomainName:     jsii.String(props.DomainName),
			Certificate:    awscertificatemanager.Certificate_FromCertificateArn(self, jsii.String("Certificate"), jsii.String(props.CertificateArn)),
			EndpointType:   awsapigateway.EndpointType_REGIONAL,
			SecurityPolicy: awsapigateway.SecurityPolicy_TLS_1_2,
		}
		rp.DisableExecuteApiEndpoint = jsii.Bool(true)
	}
	restAPI := awsapigateway.NewRestApi(self, jsii.String("Resource"), rp)
	out := &RestAPI{API: restAPI, Stage: restAPI.DeploymentStage(), AccessLogs: accessLogs}

	// Execution logs: own the group API Gateway would otherwise create unencrypted.
	exec, err := logs.New(self, "ExecutionLogs", &logs.Props{
		Name:          "API-Gateway-Execution-Logs_" + *restAPI.RestApiId() + "/" + stageName,
		Key:           props.LogKey,
		RetentionDays: props.LogRetentionDays,
		Retain:        props.Retain,
	})
	if err != nil {
		return nil, fmt.Errorf("api: execution log group: %w", err)
	}
	out.Stage.Node().AddDependency(exec)
	out.ExecutionLogs = exec

	out.Authorizer = awsapigateway.NewCognitoUserPoolsAuthorizer(self, jsii.String("Authorizer"), &awsapigateway.CognitoUserPoolsAuthorizerProps{
		CognitoUserPools: &[]awscognito.IUserPool{props.UserPool},
		AuthorizerName:   jsii.String(props.Name + "-cognito"),
		IdentitySource:   jsii.String("method.request.header.Authorization"),
		ResultsCacheTtl:  awscdk.Duration_Minutes(jsii.Number(5)),
	})
	out.Validator = restAPI.AddRequestValidator(jsii.String("Validator"), &awsapigateway.RequestValidatorOptions{
		RequestValidatorName:      jsii.String(props.Name + "-params"),
		ValidateRequestParameters: jsii.Bool(true),
		// Bodies are JSON, FHIR JSON or HL7 v2 text: the ingest handler validates them, a
		// JSON-schema model here would reject HL7.
		ValidateRequestBody: jsii.Bool(false),
	})

	if _, err := edge.Associate(self, "WebACL", props.WebACL, out.Stage.StageArn()); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}

	out.ServerErrorAlarm = awscloudwatch.NewAlarm(self, jsii.String("ServerErrorAlarm"), &awscloudwatch.AlarmProps{
		Metric: out.Stage.MetricServerError(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum"),
		}),
		Threshold:          jsii.Number(float64(threshold)),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("%s: more than %d 5XX responses in 5 minutes", props.Name, threshold)),
	})
	action := awscloudwatchactions.NewSnsAction(props.AlarmTopic)
	out.ServerErrorAlarm.AddAlarmAction(action)
	out.ServerErrorAlarm.AddOkAction(action)
	return out, nil
}

// RouteProps configures one route.
type RouteProps struct {
	// Scopes are the OAuth scopes a token needs (any one of them), e.g.
	// "labsecure/results.write" (identity.UserPool.MachineScopes). Required unless
	// DisableAuthorization.
	Scopes []string
	// RequiredHeaders must be present on the request (validated by API Gateway), e.g.
	// "Content-Type". Default: none. Path parameters ({result_id}) are always required.
	RequiredHeaders []string
	// DisableAuthorization leaves the route open to anyone (still behind WAF and
	// throttling). Use only for routes that return no data, like a health check.
	// Default: false (Cognito token with a scope required).
	DisableAuthorization bool
}

var (
	routePathRE = regexp.MustCompile(`^(/([A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\}))+$`)
	pathParamRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	headerRE    = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	methods     = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
)

// AddLambdaRoute adds method on path (e.g. "POST", "/api/v1/ingest") with a Lambda proxy
// integration, requiring a Cognito token with one of the scopes unless DisableAuthorization.
func (a *RestAPI) AddLambdaRoute(method, path string, fn awslambda.IFunction, props *RouteProps) (awsapigateway.Method, error) {
	if props == nil {
		props = &RouteProps{}
	}
	if !slices.Contains(methods, method) {
		return nil, fmt.Errorf("api: route method %q is not supported; fix: use one of %v", method, methods)
	}
	if !routePathRE.MatchString(path) {
		return nil, fmt.Errorf("api: route path %q is invalid; fix: use an absolute path like /api/v1/status/{result_id}", path)
	}
	if fn == nil {
		return nil, fmt.Errorf("api: route %s %s: fn is nil; fix: pass the handler function", method, path)
	}
	if !props.DisableAuthorization && len(props.Scopes) == 0 {
		return nil, fmt.Errorf("api: route %s %s: Scopes is empty; fix: name the OAuth scope(s) a token needs, e.g. \"labsecure/results.write\" (or set DisableAuthorization for a data-free route)", method, path)
	}
	for _, s := range props.Scopes {
		if !strings.Contains(s, "/") {
			return nil, fmt.Errorf("api: route %s %s: Scopes entry %q is not a resource server scope; fix: use \"<resource server>/<scope>\", e.g. \"labsecure/results.write\"", method, path, s)
		}
	}
	params := map[string]*bool{}
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		params["method.request.path."+m[1]] = jsii.Bool(true)
	}
	for _, h := range props.RequiredHeaders {
		if !headerRE.MatchString(h) {
			return nil, fmt.Errorf("api: route %s %s: RequiredHeaders entry %q is not a header name; fix: use e.g. \"Content-Type\"", method, path, h)
		}
		params["method.request.header."+h] = jsii.Bool(true)
	}
	opts := &awsapigateway.MethodOptions{
		RequestValidator:  a.Validator,
		RequestParameters: &params,
	}
	if props.DisableAuthorization {
		opts.AuthorizationType = awsapigateway.AuthorizationType_NONE
	} else {
		opts.AuthorizationType = awsapigateway.AuthorizationType_COGNITO
		opts.Authorizer = a.Authorizer
		opts.AuthorizationScopes = jsii.Strings(props.Scopes...)
	}
	resource := a.API.Root().ResourceForPath(jsii.String(path))
	return resource.AddMethod(jsii.String(method), awsapigateway.NewLambdaIntegration(fn, &awsapigateway.LambdaIntegrationOptions{
		Proxy:           jsii.Bool(true),
		AllowTestInvoke: jsii.Bool(false), // no console test-invoke permission on production functions
		Timeout:         awscdk.Duration_Seconds(jsii.Number((29 * time.Second).Seconds())),
	}), opts), nil
}

// PipelineRoutes are the handlers and scopes of the lab pipeline's routes (seed 001).
type PipelineRoutes struct {
	// Ingest handles POST /api/v1/ingest. Required.
	Ingest awslambda.IFunction
	// Status handles GET /api/v1/status/{result_id}. Required.
	Status awslambda.IFunction
	// Health handles GET /api/v1/health, open without a token (it returns no data).
	// Required.
	Health awslambda.IFunction
	// Report handles GET /api/v1/results/{result_id}/report. Required.
	Report awslambda.IFunction
	// WriteScope is required for ingest, e.g. "labsecure/results.write". Required.
	WriteScope string
	// ReadScope is required for status and report, e.g. "labsecure/results.read". Required.
	ReadScope string
}

// AddPipelineRoutes adds the four routes of the lab pipeline.
func (a *RestAPI) AddPipelineRoutes(r *PipelineRoutes) error {
	if r == nil {
		return fmt.Errorf("api: pipeline routes are required; fix: pass &api.PipelineRoutes{Ingest: ..., ...}")
	}
	routes := []struct {
		method, path string
		fn           awslambda.IFunction
		field        string
		props        *RouteProps
	}{
		{"POST", "/api/v1/ingest", r.Ingest, "Ingest", &RouteProps{Scopes: []string{r.WriteScope}, RequiredHeaders: []string{"Content-Type"}}},
		{"GET", "/api/v1/status/{result_id}", r.Status, "Status", &RouteProps{Scopes: []string{r.ReadScope}}},
		{"GET", "/api/v1/health", r.Health, "Health", &RouteProps{DisableAuthorization: true}},
		{"GET", "/api/v1/results/{result_id}/report", r.Report, "Report", &RouteProps{Scopes: []string{r.ReadScope}}},
	}
	for _, rt := range routes {
		if rt.fn == nil {
			return fmt.Errorf("api: PipelineRoutes.%s is nil; fix: pass the handler of %s %s", rt.field, rt.method, rt.path)
		}
	}
	if r.WriteScope == "" || r.ReadScope == "" {
		return fmt.Errorf("api: PipelineRoutes.WriteScope or ReadScope is empty; fix: pass identity.UserPool.Scope(\"results.write\") and Scope(\"results.read\")")
	}
	for _, rt := range routes {
		if _, err := a.AddLambdaRoute(rt.method, rt.path, rt.fn, rt.props); err != nil {
			return err
		}
	}
	return nil
}
