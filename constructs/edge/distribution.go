package edge

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/storage"
)

// Cache lifetimes (seed 003: "Static assets: 1 week", "Default TTL: 24 hours").
const (
	DefaultStaticTTL  = 7 * 24 * time.Hour
	DefaultTTL        = 24 * time.Hour
	MaxAPICacheTTL    = 60 * time.Second
	DefaultAPIPattern = "/api/*"
)

// DefaultStaticPathPatterns are the behaviours cached for DefaultStaticTTL.
var DefaultStaticPathPatterns = []string{"/assets/*", "/static/*"}

// DefaultContentSecurityPolicy is the Content-Security-Policy header sent with every response.
const DefaultContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' https://*.amazoncognito.com; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; upgrade-insecure-requests"

// DistributionProps configures the CloudFront distribution.
type DistributionProps struct {
	// Name prefixes the names of the log delivery resources and policies (unique per account),
	// e.g. "labsecure-prod-portal". Required: 1-40 letters, digits or hyphens.
	Name string
	// DataKey encrypts the static bucket (SSE-KMS). Required. Its key policy must let
	// cloudfront.amazonaws.com decrypt for this account's distributions: the S3 origin adds
	// that statement (limited by aws:SourceArn to the account's distributions) when the key is
	// a key of this app; for an imported key add it yourself.
	DataKey awskms.IKey
	// LogBucket receives the static bucket's server access logs and the distribution's
	// access logs (CloudFront standard logging v2, delivered under "cloudfront/<Name>/").
	// Required: the environment's log bucket (storage.NewLogBucket).
	LogBucket awss3.IBucket
	// WebACLArn is the ARN of a CLOUDFRONT-scope web ACL (NewWebACL with ScopeCloudFront).
	// Required.
	WebACLArn string
	// APIOriginDomain is the DNS name of the ALB (or API) behind "/api/*". CloudFront talks to
	// it over HTTPS only with TLS 1.2, so it must be a name the origin's certificate covers.
	// Default: "" (no API behaviour).
	APIOriginDomain string
	// APIPathPattern is the path pattern routed to the API origin. Default: "/api/*".
	APIPathPattern string
	// APICacheTTL caches API responses (keyed per Authorization header and query string) for
	// up to 60 s (seed 003). Default: 0, caching disabled: seed 000 has dynamic content
	// "bypass the cache entirely", and lab results (PHI) must not sit in shared edge caches.
	APICacheTTL time.Duration
	// StaticPathPatterns are cached for StaticTTL. Default: DefaultStaticPathPatterns.
	StaticPathPatterns []string
	// StaticTTL is the default TTL of static assets (1 day to 1 year). Default: 7 days.
	StaticTTL time.Duration
	// DefaultTTL is the default TTL of everything else from the bucket (index.html, ...)
	// when the origin sends no Cache-Control (up to 7 days). Default: 24 hours.
	DefaultTTL time.Duration
	// ContentSecurityPolicy is the CSP header value. Default: DefaultContentSecurityPolicy.
	ContentSecurityPolicy string
	// CertificateArn is an ACM certificate in us-east-1 covering DomainNames; viewers then
	// need TLS 1.2 (TLSv1.2_2021). Required unless InsecureDefaultCertificate.
	CertificateArn string
	// DomainNames are the alternate domain names. Required with CertificateArn.
	DomainNames []string
	// InsecureDefaultCertificate serves on the *.cloudfront.net name with CloudFront's default
	// certificate instead of CertificateArn. CloudFront then negotiates down to TLSv1 (the
	// minimum protocol version can only be raised with one's own certificate), so use it only
	// for throw-away previews. Default: false.
	InsecureDefaultCertificate bool
	// HostedZoneID is the Route 53 zone that gets A and AAAA alias records for each of
	// DomainNames (no lookups: the zone is referenced by attributes). Default: no records.
	HostedZoneID string
	// HostedZoneName is the zone's name, e.g. "labsecure.example". Required with HostedZoneID.
	HostedZoneName string
	// GeoAllowCountries limits viewers to these ISO 3166-1 alpha-2 countries.
	// Default: no restriction.
	GeoAllowCountries []string
	// Retain keeps the static bucket on stack deletion. Default: false.
	Retain bool
}

var (
	distNameRE    = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)
	domainRE      = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	pathPatternRE = regexp.MustCompile(`^[A-Za-z0-9_\-.*$/~"'@:+&?=]{1,255}$`)
	acmArnRE      = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$`)
	zoneIDRE      = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *DistributionProps) Validate() error {
	if p == nil {
		return fmt.Errorf("edge: distribution props are required; fix: pass &edge.DistributionProps{Name: ..., DataKey: ..., LogBucket: ..., WebACLArn: ...}")
	}
	if !distNameRE.MatchString(p.Name) {
		return fmt.Errorf("edge: Name %q is invalid; fix: use 1-40 letters, digits or hyphens, e.g. \"labsecure-prod-portal\"", p.Name)
	}
	if p.DataKey == nil {
		return fmt.Errorf("edge: DataKey is nil; fix: pass the data key so the static bucket is SSE-KMS encrypted")
	}
	if p.LogBucket == nil {
		return fmt.Errorf("edge: LogBucket is nil; fix: pass the environment's log bucket (storage.NewLogBucket)")
	}
	if p.WebACLArn == "" {
		return fmt.Errorf("edge: WebACLArn is empty; fix: pass the Arn of edge.NewWebACL with Scope CLOUDFRONT")
	}
	if !strings.HasPrefix(p.WebACLArn, "${Token[") && !strings.Contains(p.WebACLArn, ":wafv2:us-east-1:") {
		return fmt.Errorf("edge: WebACLArn %q is not a CLOUDFRONT web ACL; fix: pass a wafv2 web ACL ARN in us-east-1 with global scope", p.WebACLArn)
	}
	if p.APIPathPattern != "" && (!pathPatternRE.MatchString(p.APIPathPattern) || p.APIPathPattern == "*") {
		return fmt.Errorf("edge: APIPathPattern %q is not a CloudFront path pattern; fix: use e.g. \"/api/*\"", p.APIPathPattern)
	}
	if p.APICacheTTL < 0 || p.APICacheTTL > MaxAPICacheTTL || p.APICacheTTL%time.Second != 0 {
		return fmt.Errorf("edge: APICacheTTL %s is invalid; fix: use 0 (caching disabled, the default) up to 60s in whole seconds (seed 003)", p.APICacheTTL)
	}
	for _, pp := range p.StaticPathPatterns {
		if !pathPatternRE.MatchString(pp) || pp == "*" {
			return fmt.Errorf("edge: StaticPathPatterns entry %q is not a CloudFront path pattern; fix: use e.g. \"/assets/*\"", pp)
		}
	}
	if v := p.StaticTTL; v != 0 && (v < 24*time.Hour || v > 365*24*time.Hour) {
		return fmt.Errorf("edge: StaticTTL %s is invalid; fix: use 24h to 8760h (default 168h, one week - seed 003)", v)
	}
	if v := p.DefaultTTL; v < 0 || v > 7*24*time.Hour {
		return fmt.Errorf("edge: DefaultTTL %s is invalid; fix: use up to 168h (default 24h - seed 003)", v)
	}
	if p.CertificateArn != "" {
		m := acmArnRE.FindStringSubmatch(p.CertificateArn)
		if m == nil || m[1] != "us-east-1" {
			return fmt.Errorf("edge: CertificateArn %q is not an ACM certificate in us-east-1; fix: request the certificate in us-east-1 (CloudFront reads certificates only from there)", p.CertificateArn)
		}
		if len(p.DomainNames) == 0 {
			return fmt.Errorf("edge: DomainNames is empty although CertificateArn is set; fix: list the domain names the certificate covers")
		}
		if p.InsecureDefaultCertificate {
			return fmt.Errorf("edge: InsecureDefaultCertificate is set together with CertificateArn; fix: drop InsecureDefaultCertificate")
		}
	} else if len(p.DomainNames) > 0 {
		return fmt.Errorf("edge: DomainNames is set without CertificateArn; fix: pass the us-east-1 ACM certificate covering them")
	} else if !p.InsecureDefaultCertificate {
		return fmt.Errorf("edge: CertificateArn is empty; fix: pass a us-east-1 ACM certificate and DomainNames so viewers need TLS 1.2 (or set InsecureDefaultCertificate for a TLSv1-capable preview)")
	}
	for _, d := range p.DomainNames {
		if !domainRE.MatchString(d) {
			return fmt.Errorf("edge: DomainNames entry %q is not a lower-case DNS name; fix: use e.g. \"portal.example.com\"", d)
		}
	}
	if (p.HostedZoneID == "") != (p.HostedZoneName == "") {
		return fmt.Errorf("edge: HostedZoneID and HostedZoneName must be set together; fix: pass both or neither")
	}
	if p.HostedZoneID != "" {
		if !zoneIDRE.MatchString(p.HostedZoneID) {
			return fmt.Errorf("edge: HostedZoneID %q is not a Route 53 zone ID; fix: use the ID like \"Z0123456789ABCDEFGHIJ\"", p.HostedZoneID)
		}
		if len(p.DomainNames) == 0 {
			return fmt.Errorf("edge: HostedZoneID is set but DomainNames is empty; fix: list the domain names to alias")
		}
		zone := strings.TrimSuffix(p.HostedZoneName, ".")
		for _, d := range p.DomainNames {
			if d != zone && !strings.HasSuffix(d, "."+zone) {
				return fmt.Errorf("edge: DomainNames entry %q is not inside HostedZoneName %q; fix: use names of that zone or a different zone", d, p.HostedZoneName)
			}
		}
	}
	for _, c := range p.GeoAllowCountries {
		if !countryRE.MatchString(c) {
			return fmt.Errorf("edge: GeoAllowCountries entry %q is not an ISO 3166-1 alpha-2 code; fix: use two upper-case letters, e.g. \"US\"", c)
		}
	}
	return nil
}

// Distribution is the CloudFront distribution and what it serves.
type Distribution struct {
	Distribution awscloudfront.Distribution
	// StaticBucket holds the portal's static assets; only the distribution can read it.
	StaticBucket          awss3.Bucket
	StaticCachePolicy     awscloudfront.CachePolicy
	DefaultCachePolicy    awscloudfront.CachePolicy
	ResponseHeadersPolicy awscloudfront.ResponseHeadersPolicy
}

// NewDistribution creates a private, KMS-encrypted static bucket (storage.NewBucket) and a
// distribution over it with origin access control; an optional /api/* behaviour to an HTTPS
// (TLS 1.2) origin; viewer HTTPS (redirect for the site, HTTPS only for the API); HTTP/2 and
// HTTP/3; gzip and Brotli compression; cache policies (static one week, default 24 h, API not
// cached unless APICacheTTL); security response headers (HSTS two years with preload,
// nosniff, frame DENY, strict referrer, XSS protection, CSP); the web ACL; access logs to the
// log bucket (standard logging v2); the certificate with TLSv1.2_2021 and the domain names;
// optionally Route 53 alias records and a geo allow list. The stack must be deployed to us-east-1.
func NewDistribution(scope constructs.Construct, id string, props *DistributionProps) (*Distribution, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	if region := awscdk.Stack_Of(scope).Region(); *awscdk.Token_IsUnresolved(region) || *region != "us-east-1" {
		return nil, fmt.Errorf("edge: NewDistribution needs a stack in us-east-1, the stack's region is %q; fix: create the edge stack with env region us-east-1 (CloudFront's access-log delivery source, certificate and web ACL live there)", regionString(region))
	}
	staticTTL, defaultTTL := props.StaticTTL, props.DefaultTTL
	if staticTTL == 0 {
		staticTTL = DefaultStaticTTL
	}
	if defaultTTL == 0 {
		defaultTTL = DefaultTTL
	}
	staticPatterns := props.StaticPathPatterns
	if len(staticPatterns) == 0 {
		staticPatterns = DefaultStaticPathPatterns
	}
	apiPattern := props.APIPathPattern
	if apiPattern == "" {
		apiPattern = DefaultAPIPattern
	}
	csp := props.ContentSecurityPolicy
	if csp == "" {
		csp = DefaultContentSecurityPolicy
	}
	stack := awscdk.Stack_Of(scope)
	self := constructs.NewConstruct(scope, jsii.String(id))

	bucket, err := storage.NewBucket(self, "StaticBucket", &storage.BucketProps{
		Key: props.DataKey, AccessLogs: props.LogBucket, AccessLogsPrefix: "s3/" + props.Name + "-static/", Retain: props.Retain,
	})
	if err != nil {
		return nil, fmt.Errorf("edge: static bucket: %w", err)
	}
	out := &Distribution{StaticBucket: bucket}

	out.StaticCachePolicy = awscloudfront.NewCachePolicy(self, jsii.String("StaticCachePolicy"), &awscloudfront.CachePolicyProps{
		Comment:                    jsii.String("labsecure static assets: one week"),
		MinTtl:                     awscdk.Duration_Seconds(jsii.Number(0)),
		DefaultTtl:                 seconds(staticTTL),
		MaxTtl:                     awscdk.Duration_Days(jsii.Number(365)),
		EnableAcceptEncodingGzip:   jsii.Bool(true),
		EnableAcceptEncodingBrotli: jsii.Bool(true),
		CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
		HeaderBehavior:             awscloudfront.CacheHeaderBehavior_None(),
		QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_None(),
	})
	out.DefaultCachePolicy = awscloudfront.NewCachePolicy(self, jsii.String("DefaultCachePolicy"), &awscloudfront.CachePolicyProps{
		Comment:                    jsii.String("labsecure site: 24 hours unless the origin says otherwise"),
		MinTtl:                     awscdk.Duration_Seconds(jsii.Number(0)),
		DefaultTtl:                 seconds(defaultTTL),
		MaxTtl:                     awscdk.Duration_Days(jsii.Number(7)),
		EnableAcceptEncodingGzip:   jsii.Bool(true),
		EnableAcceptEncodingBrotli: jsii.Bool(true),
		CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
		HeaderBehavior:             awscloudfront.CacheHeaderBehavior_None(),
		QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_None(),
	})
	out.ResponseHeadersPolicy = awscloudfront.NewResponseHeadersPolicy(self, jsii.String("SecurityHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("labsecure security headers"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Seconds(jsii.Number(63072000)),
				IncludeSubdomains:   jsii.Bool(true), Preload: jsii.Bool(true), Override: jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions:       &awscloudfront.ResponseHeadersFrameOptions{FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true)},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, Override: jsii.Bool(true),
			},
			XssProtection:         &awscloudfront.ResponseHeadersXSSProtection{Protection: jsii.Bool(true), ModeBlock: jsii.Bool(true), Override: jsii.Bool(true)},
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{ContentSecurityPolicy: jsii.String(csp), Override: jsii.Bool(true)},
		},
		RemoveHeaders: jsii.Strings("Server", "X-Powered-By"),
	})

	s3Origin := awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, &awscloudfrontorigins.S3BucketOriginWithOACProps{
		OriginAccessLevels: &[]awscloudfront.AccessLevel{awscloudfront.AccessLevel_READ},
	})
	staticBehavior := func(policy awscloudfront.ICachePolicy) *awscloudfront.BehaviorOptions {
		return &awscloudfront.BehaviorOptions{
			Origin:                s3Origin,
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_GET_HEAD_OPTIONS(),
			CachedMethods:         awscloudfront.CachedMethods_CACHE_GET_HEAD_OPTIONS(),
			CachePolicy:           policy,
			Compress:              jsii.Bool(true),
			ResponseHeadersPolicy: out.ResponseHeadersPolicy,
		}
	}
	additional := map[string]*awscloudfront.BehaviorOptions{}
	for _, p := range staticPatterns {
		additional[p] = staticBehavior(out.StaticCachePolicy)
	}
	if props.APIOriginDomain != "" {
		apiPolicy := awscloudfront.CachePolicy_CACHING_DISABLED()
		if props.APICacheTTL > 0 {
			apiPolicy = awscloudfront.NewCachePolicy(self, jsii.String("APICachePolicy"), &awscloudfront.CachePolicyProps{
				Comment:                    jsii.String("labsecure API: short cache keyed per caller"),
				MinTtl:                     awscdk.Duration_Seconds(jsii.Number(0)),
				DefaultTtl:                 seconds(props.APICacheTTL),
				MaxTtl:                     seconds(props.APICacheTTL),
				EnableAcceptEncodingGzip:   jsii.Bool(true),
				EnableAcceptEncodingBrotli: jsii.Bool(true),
				CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
				HeaderBehavior:             awscloudfront.CacheHeaderBehavior_AllowList(jsii.String("Authorization")),
				QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_All(),
			})
		}
		additional[apiPattern] = &awscloudfront.BehaviorOptions{
			Origin: awscloudfrontorigins.NewHttpOrigin(jsii.String(props.APIOriginDomain), &awscloudfrontorigins.HttpOriginProps{
				ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
				OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
				HttpsPort:          jsii.Number(443),
			}),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_ALL(),
			CachePolicy:           apiPolicy,
			OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			Compress:              jsii.Bool(true),
			ResponseHeadersPolicy: out.ResponseHeadersPolicy,
		}
	}

	dp := &awscloudfront.DistributionProps{
		Comment:             jsii.String("labsecure " + props.Name),
		DefaultBehavior:     staticBehavior(out.DefaultCachePolicy),
		AdditionalBehaviors: &additional,
		DefaultRootObject:   jsii.String("index.html"),
		HttpVersion:         awscloudfront.HttpVersion_HTTP2_AND_3,
		EnableIpv6:          jsii.Bool(true),
		PriceClass:          awscloudfront.PriceClass_PRICE_CLASS_100,
		WebAclId:            jsii.String(props.WebACLArn),
		EnableLogging:       jsii.Bool(false), // standard logging v2 below; legacy logging needs ACLs on the log bucket
	}
	if props.CertificateArn != "" {
		dp.Certificate = awscertificatemanager.Certificate_FromCertificateArn(self, jsii.String("Certificate"), jsii.String(props.CertificateArn))
		dp.DomainNames = jsii.Strings(props.DomainNames...)
		dp.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
		dp.SslSupportMethod = awscloudfront.SSLMethod_SNI
	}
	if len(props.GeoAllowCountries) > 0 {
		dp.GeoRestriction = awscloudfront.GeoRestriction_Allowlist(*jsii.Strings(props.GeoAllowCountries...)...)
	}
	dist := awscloudfront.NewDistribution(self, jsii.String("Resource"), dp)
	out.Distribution = dist

	// Standard logging v2: CloudWatch Logs vended delivery of the access logs to the log bucket
	// (an SSE-S3 bucket with ACLs disabled, which legacy CloudFront logging cannot write to).
	prefix := "cloudfront/" + props.Name
	source := awslogs.NewCfnDeliverySource(self, jsii.String("LogSource"), &awslogs.CfnDeliverySourceProps{
		Name:        jsii.String(props.Name + "-cf-access"),
		LogType:     jsii.String("ACCESS_LOGS"),
		ResourceArn: dist.DistributionArn(),
	})
	destination := awslogs.NewCfnDeliveryDestination(self, jsii.String("LogDestination"), &awslogs.CfnDeliveryDestinationProps{
		Name:                   jsii.String(props.Name + "-cf-access-s3"),
		DestinationResourceArn: jsii.String(*props.LogBucket.BucketArn() + "/" + prefix),
		OutputFormat:           jsii.String("json"),
	})
	delivery := awslogs.NewCfnDelivery(self, jsii.String("LogDelivery"), &awslogs.CfnDeliveryProps{
		DeliverySourceName:     source.Name(),
		DeliveryDestinationArn: destination.AttrArn(),
	})
	delivery.Node().AddDependency(source)
	props.LogBucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowLogDelivery" + strings.ReplaceAll(props.Name, "-", "")),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("delivery.logs.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  jsii.Strings(*props.LogBucket.BucketArn() + "/" + prefix + "/*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": *stack.Account(), "s3:x-amz-acl": "bucket-owner-full-control"},
			"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:%s:logs:us-east-1:%s:delivery-source:*", *stack.Partition(), *stack.Account())},
		},
	}))

	if props.HostedZoneID != "" {
		zone := awsroute53.HostedZone_FromHostedZoneAttributes(self, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(props.HostedZoneID), ZoneName: jsii.String(strings.TrimSuffix(props.HostedZoneName, ".")),
		})
		target := awsroute53.RecordTarget_FromAlias(awsroute53targets.NewCloudFrontTarget(dist))
		for i, d := range props.DomainNames {
			awsroute53.NewARecord(self, jsii.String(fmt.Sprintf("AliasA%d", i)), &awsroute53.ARecordProps{Zone: zone, RecordName: jsii.String(d + "."), Target: target})
			awsroute53.NewAaaaRecord(self, jsii.String(fmt.Sprintf("AliasAAAA%d", i)), &awsroute53.AaaaRecordProps{Zone: zone, RecordName: jsii.String(d + "."), Target: target})
		}
	}
	return out, nil
}

func seconds(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}
