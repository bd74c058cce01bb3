// Package edge creates what faces the internet first: a WAF web ACL (seed 003: core rule set,
// SQL injection, known bad inputs, IP reputation, a rate limit of 2000 requests per 5 minutes
// per IP, optional geo blocking, logging), the helper that attaches it to an ALB or an API
// Gateway stage, and a CloudFront distribution over a private S3 bucket (origin access
// control) with an /api/* behaviour to the ALB (seeds 000 and 003).
package edge

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/logs"
)

// Web ACL scopes.
const (
	ScopeRegional   = "REGIONAL"
	ScopeCloudFront = "CLOUDFRONT"
)

// Rate limit defaults (seed 003: "Rate-Based Rule (e.g., 2000 requests/5 min per IP)").
const (
	DefaultRateLimit       = 2000
	DefaultRateLimitWindow = 5 * time.Minute
)

// ManagedRuleGroups are the AWS managed rule groups every web ACL evaluates, in priority order
// after the optional geo block, the IP reputation list first and the rate limit right after it.
var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
}

// WebACLProps configures a web ACL.
type WebACLProps struct {
	// Name is the web ACL name and the prefix of its metric names and log group
	// ("aws-waf-logs-<Name>"). Required: 1-100 letters, digits, '-' or '_'.
	Name string
	// Scope is ScopeRegional (ALB, API Gateway) or ScopeCloudFront. Default: ScopeRegional.
	// A CLOUDFRONT web ACL must be created in a stack deployed to us-east-1.
	Scope string
	// RateLimit is how many requests one IP may send per RateLimitWindow before it is
	// blocked (10 to 2,000,000,000). Default: 2000.
	RateLimit int
	// RateLimitWindow is the rate evaluation window: 1, 2, 5 or 10 minutes. Default: 5 minutes.
	RateLimitWindow time.Duration
	// BlockedCountries are ISO 3166-1 alpha-2 country codes to block. Default: none.
	BlockedCountries []string
	// CountOnlyCommonRules lists rules of AWSManagedRulesCommonRuleSet that only count instead
	// of blocking, e.g. "SizeRestrictions_BODY" in front of an API whose payloads exceed the
	// rule's 8 KB (the lab ingest endpoint accepts 1 MB). Default: none (every rule blocks).
	CountOnlyCommonRules []string
	// LogKey encrypts the WAF log group. Required (a key whose policy admits CloudWatch Logs).
	LogKey awskms.IKey
	// LogRetentionDays is the WAF log retention (a CloudWatch Logs value). Required.
	LogRetentionDays int
	// Retain keeps the log group on stack deletion. Default: false.
	Retain bool
}

var (
	wafNameRE     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)
	countryRE     = regexp.MustCompile(`^[A-Z]{2}$`)
	commonRuleRE  = regexp.MustCompile(`^[A-Za-z0-9_]{1,128}$`)
	windowSeconds = []int{60, 120, 300, 600}
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *WebACLProps) Validate() error {
	if p == nil {
		return fmt.Errorf("edge: props are required; fix: pass &edge.WebACLProps{Name: ..., LogKey: ..., LogRetentionDays: ...}")
	}
	if !wafNameRE.MatchString(p.Name) {
		return fmt.Errorf("edge: Name %q is not a valid web ACL name; fix: use 1-100 letters, digits, '-' or '_'", p.Name)
	}
	if p.Scope != "" && p.Scope != ScopeRegional && p.Scope != ScopeCloudFront {
		return fmt.Errorf("edge: Scope %q is unknown; fix: use %q (ALB, API Gateway; default) or %q", p.Scope, ScopeRegional, ScopeCloudFront)
	}
	if p.RateLimit != 0 && (p.RateLimit < 10 || p.RateLimit > 2_000_000_000) {
		return fmt.Errorf("edge: RateLimit %d is outside what WAF accepts; fix: use 10 to 2000000000 (default %d per 5 minutes, seed 003)", p.RateLimit, DefaultRateLimit)
	}
	if w := p.RateLimitWindow; w != 0 && (w%time.Second != 0 || !slices.Contains(windowSeconds, int(w.Seconds()))) {
		return fmt.Errorf("edge: RateLimitWindow %s is not a WAF evaluation window; fix: use 1m, 2m, 5m (default) or 10m", w)
	}
	for _, c := range p.BlockedCountries {
		if !countryRE.MatchString(c) {
			return fmt.Errorf("edge: BlockedCountries entry %q is not an ISO 3166-1 alpha-2 code; fix: use two upper-case letters, e.g. \"KP\"", c)
		}
	}
	for _, r := range p.CountOnlyCommonRules {
		if !commonRuleRE.MatchString(r) {
			return fmt.Errorf("edge: CountOnlyCommonRules entry %q is not a rule name; fix: use a rule name of AWSManagedRulesCommonRuleSet such as \"SizeRestrictions_BODY\"", r)
		}
	}
	if p.LogKey == nil {
		return fmt.Errorf("edge: LogKey is nil; fix: pass the logs key so WAF logs are encrypted")
	}
	if !slices.Contains(logs.RetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("edge: LogRetentionDays %d is not accepted by CloudWatch Logs; fix: use one of %v", p.LogRetentionDays, logs.RetentionValues)
	}
	return nil
}

// WebACL is the web ACL and its log group.
type WebACL struct {
	ACL awswafv2.CfnWebACL
	// Arn is the web ACL ARN: DistributionProps.WebACLArn (CLOUDFRONT) or Associate (REGIONAL).
	Arn *string
	// Scope is ScopeRegional or ScopeCloudFront.
	Scope    string
	LogGroup awslogs.LogGroup
}

// NewWebACL creates the web ACL (default action allow; rules: optional geo block, IP
// reputation, per-IP rate limit, core rule set, known bad inputs, SQL injection; CloudWatch
// metrics and sampled requests on every rule) and logs every request to an encrypted log group
// named "aws-waf-logs-<Name>", with the authorization and cookie headers and the query string
// redacted (they may carry tokens or identifiers).
func NewWebACL(scope constructs.Construct, id string, props *WebACLProps) (*WebACL, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	aclScope := props.Scope
	if aclScope == "" {
		aclScope = ScopeRegional
	}
	if aclScope == ScopeCloudFront {
		region := awscdk.Stack_Of(scope).Region()
		if *awscdk.Token_IsUnresolved(region) || *region != "us-east-1" {
			return nil, fmt.Errorf("edge: Scope CLOUDFRONT needs a stack in us-east-1, the stack's region is %q; fix: create the web ACL in a stack with env region us-east-1 (CloudFront reads web ACLs only from there)", regionString(region))
		}
	}
	limit := props.RateLimit
	if limit == 0 {
		limit = DefaultRateLimit
	}
	window := props.RateLimitWindow
	if window == 0 {
		window = DefaultRateLimitWindow
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	logGroupName := "aws-waf-logs-" + props.Name
	logGroup, err := logs.New(self, "Logs", &logs.Props{
		Name: logGroupName, Key: props.LogKey, RetentionDays: props.LogRetentionDays, Retain: props.Retain,
	})
	if err != nil {
		return nil, fmt.Errorf("edge: web ACL log group: %w", err)
	}

	var rules []any
	add := func(name string, stmt *awswafv2.CfnWebACL_StatementProperty, action *awswafv2.CfnWebACL_RuleActionProperty, managed bool) {
		r := &awswafv2.CfnWebACL_RuleProperty{
			Name:             jsii.String(name),
			Priority:         jsii.Number(float64(len(rules))),
			Statement:        stmt,
			VisibilityConfig: visibility(props.Name + "-" + name),
		}
		if managed {
			r.OverrideAction = &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}}
		} else {
			r.Action = action
		}
		rules = append(rules, r)
	}
	block := &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{}}
	if len(props.BlockedCountries) > 0 {
		add("GeoBlock", &awswafv2.CfnWebACL_StatementProperty{
			GeoMatchStatement: &awswafv2.CfnWebACL_GeoMatchStatementProperty{CountryCodes: jsii.Strings(props.BlockedCountries...)},
		}, block, false)
	}
	add(ManagedRuleGroups[0], managedGroup(ManagedRuleGroups[0], nil), nil, true)
	add("RateLimitPerIP", &awswafv2.CfnWebACL_StatementProperty{
		RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
			Limit:               jsii.Number(float64(limit)),
			AggregateKeyType:    jsii.String("IP"),
			EvaluationWindowSec: jsii.Number(window.Seconds()),
		},
	}, block, false)
	add(ManagedRuleGroups[1], managedGroup(ManagedRuleGroups[1], props.CountOnlyCommonRules), nil, true)
	add(ManagedRuleGroups[2], managedGroup(ManagedRuleGroups[2], nil), nil, true)
	add(ManagedRuleGroups[3], managedGroup(ManagedRuleGroups[3], nil), nil, true)

	acl := awswafv2.NewCfnWebACL(self, jsii.String("Resource"), &awswafv2.CfnWebACLProps{
		Name:             jsii.String(props.Name),
		Scope:            jsii.String(aclScope),
		Description:      jsii.String("labsecure web ACL " + props.Name),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility(props.Name),
		Rules:            &rules,
	})

	// WAF wants the log group ARN without the ":*" suffix CloudFormation's Arn attribute has.
	stack := awscdk.Stack_Of(scope)
	destination := stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("logs"),
		Resource:     jsii.String("log-group"),
		ResourceName: logGroup.LogGroupName(),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	lc := awswafv2.NewCfnLoggingConfiguration(self, jsii.String("Logging"), &awswafv2.CfnLoggingConfigurationProps{
		ResourceArn:           acl.AttrArn(),
		LogDestinationConfigs: &[]any{destination},
		RedactedFields: &[]any{
			// SingleHeader is an untyped JSON property: the typed struct would render as
			// {"name": ...}, which CloudFormation rejects; spell the key as the schema does.
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{SingleHeader: map[string]any{"Name": "authorization"}},
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{SingleHeader: map[string]any{"Name": "cookie"}},
			&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{QueryString: map[string]any{}},
		},
	})
	lc.Node().AddDependency(logGroup)
	return &WebACL{ACL: acl, Arn: acl.AttrArn(), Scope: aclScope, LogGroup: logGroup}, nil
}

func regionString(r *string) string {
	if r == nil || *awscdk.Token_IsUnresolved(r) {
		return "unresolved (environment-agnostic stack)"
	}
	return *r
}

func visibility(metric string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
	return &awswafv2.CfnWebACL_VisibilityConfigProperty{
		CloudWatchMetricsEnabled: jsii.Bool(true),
		SampledRequestsEnabled:   jsii.Bool(true),
		MetricName:               jsii.String(strings.ReplaceAll(metric, "_", "-")),
	}
}

func managedGroup(name string, countOnly []string) *awswafv2.CfnWebACL_StatementProperty {
	g := &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{
		VendorName: jsii.String("AWS"),
		Name:       jsii.String(name),
	}
	if len(countOnly) > 0 {
		var overrides []any
		for _, r := range countOnly {
			overrides = append(overrides, &awswafv2.CfnWebACL_RuleActionOverrideProperty{
				Name:        jsii.String(r),
				ActionToUse: &awswafv2.CfnWebACL_RuleActionProperty{Count: &awswafv2.CfnWebACL_CountActionProperty{}},
			})
		}
		g.RuleActionOverrides = &overrides
	}
	return &awswafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: g}
}

// Associate attaches a REGIONAL web ACL to a regional resource: an Application Load Balancer
// (its ARN) or an API Gateway REST API stage
// ("arn:aws:apigateway:<region>::/restapis/<api id>/stages/<stage>"). CloudFront
// distributions take the ACL through DistributionProps.WebACLArn instead.
func Associate(scope constructs.Construct, id string, acl *WebACL, resourceArn *string) (awswafv2.CfnWebACLAssociation, error) {
	if acl == nil {
		return nil, fmt.Errorf("edge: Associate: acl is nil; fix: pass the *edge.WebACL from NewWebACL")
	}
	if acl.Scope != ScopeRegional {
		return nil, fmt.Errorf("edge: Associate: acl has Scope %s; fix: associate a REGIONAL web ACL (CLOUDFRONT ACLs go to DistributionProps.WebACLArn)", acl.Scope)
	}
	if resourceArn == nil || *resourceArn == "" {
		return nil, fmt.Errorf("edge: Associate: resourceArn is empty; fix: pass the ALB ARN or the API Gateway stage ARN")
	}
	if !*awscdk.Token_IsUnresolved(resourceArn) && !strings.Contains(*resourceArn, ":elasticloadbalancing:") && !strings.Contains(*resourceArn, ":apigateway:") &&
		!strings.Contains(*resourceArn, ":appsync:") && !strings.Contains(*resourceArn, ":cognito-idp:") {
		return nil, fmt.Errorf("edge: Associate: resourceArn %q is not a resource a regional web ACL protects; fix: pass an ALB, API Gateway stage, AppSync or Cognito user pool ARN", *resourceArn)
	}
	return awswafv2.NewCfnWebACLAssociation(scope, jsii.String(id), &awswafv2.CfnWebACLAssociationProps{
		WebAclArn:   acl.Arn,
		ResourceArn: resourceArn,
	}), nil
}
