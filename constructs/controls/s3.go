package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

var bucketTypes = []string{"AWS::S3::Bucket"}

func s3Controls() []Control {
	return []Control{s3PublicAccess(), s3Encryption(), s3TLSOnly(), s3TLSVersion(), s3Versioning(),
		s3NoncurrentRetention(), s3AccessLogs(), s3Replication(), s3LogLifecycle(), s3CORS()}
}

// isLogDestination reports whether bucket b receives logs: S3 server access logs, load
// balancer access logs, CloudFront logs (legacy or v2 delivery), VPC flow logs or WAF logs.
// Log buckets do not log to themselves (LS-S3-007) and follow the log lifecycle (LS-S3-009).
func isLogDestination(c *Context, b *cfn.Resource) bool {
	if needsSSES3(c, b) {
		return true
	}
	for _, d := range c.Env.OfType("AWS::Logs::DeliveryDestination") {
		if v, ok := d.Get("DestinationResourceArn"); ok && c.Env.Refers(d, v, b) {
			return true
		}
	}
	for _, fl := range c.Env.OfType("AWS::EC2::FlowLog") {
		if v, ok := fl.Get("LogDestination"); ok && c.Env.Refers(fl, v, b) {
			return true
		}
	}
	for _, w := range c.Env.OfType("AWS::WAFv2::LoggingConfiguration") {
		if v, ok := w.Get("LogDestinationConfigs"); ok && c.Env.Refers(w, v, b) {
			return true
		}
	}
	return false
}

// needsSSES3 reports whether bucket b receives S3 server access logs, load balancer access
// logs or legacy CloudFront logs: those deliveries only write to SSE-S3 buckets.
func needsSSES3(c *Context, b *cfn.Resource) bool {
	for _, o := range c.Env.OfType("AWS::S3::Bucket") {
		if v, ok := o.Get("LoggingConfiguration", "DestinationBucketName"); ok && o != b && c.Resolve(o, v) == b {
			return true
		}
	}
	for _, lb := range c.Env.OfType("AWS::ElasticLoadBalancingV2::LoadBalancer") {
		for _, a := range lb.List("LoadBalancerAttributes") {
			m, _ := a.(map[string]any)
			if m["Key"] == "access_logs.s3.bucket" && c.Resolve(lb, m["Value"]) == b {
				return true
			}
		}
	}
	for _, d := range c.Env.OfType("AWS::CloudFront::Distribution") {
		if v, ok := d.Get("DistributionConfig", "Logging", "Bucket"); ok && c.Env.Refers(d, v, b) {
			return true
		}
	}
	return false
}

// s3PublicAccess
//
//	Rule Identifier: LS-S3-001
//	Description:     Every bucket blocks public access with all four settings.
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets are true.
//	  FAIL: PublicAccessBlockConfiguration is missing or one setting is not true.
func s3PublicAccess() Control {
	return Control{
		ID: "LS-S3-001", Title: "S3 buckets block all public access", Severity: Critical,
		Seed: seedLablogs, Sentence: "Public access to these buckets is strictly disabled, with access controlled through our API layer using pre-signed URLs.",
		ResourceTypes: bucketTypes,
		Remediation:   "Set BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL() (constructs/storage does this).",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			var off []string
			for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
				if on, _ := r.Bool("PublicAccessBlockConfiguration", k); !on {
					off = append(off, k)
				}
			}
			if len(off) > 0 {
				return "public access block is incomplete: " + strings.Join(off, ", ") + " not true"
			}
			return ""
		}),
	}
}

// s3Encryption
//
//	Rule Identifier: LS-S3-002
//	Description:     Buckets encrypt with SSE-KMS under a customer-managed key with rotation;
//	                 buckets receiving S3 server access / ALB / legacy CloudFront logs use
//	                 SSE-S3, the only encryption those deliveries support; other log buckets
//	                 (flow logs, CloudFront v2, WAF) may use either.
//	Reports on:      AWS::S3::Bucket, AWS::KMS::Key
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: aws:kms with KMSMasterKeyID resolving to a rotated AWS::KMS::Key; or a log bucket with AES256.
//	  FAIL (log bucket): SSE-KMS on a bucket that receives S3 server access or ALB access logs.
//	  FAIL: no default encryption, SSE-S3 on a data bucket, an AWS-managed or unverifiable key.
func s3Encryption() Control {
	return Control{
		ID: "LS-S3-002", Title: "S3 buckets encrypt with a rotated customer-managed KMS key", Severity: High,
		Seed: seedLablogs, Sentence: sentAtRest, ResourceTypes: bucketTypes,
		Remediation: "Set Encryption: awss3.BucketEncryption_KMS and EncryptionKey: a key from constructs/keys; log buckets use BucketEncryption_S3_MANAGED.",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			rules := r.List("BucketEncryption", "ServerSideEncryptionConfiguration")
			if len(rules) == 0 {
				return "no default encryption (BucketEncryption) configured"
			}
			algo, _ := cfn.Lookup(rules[0], "ServerSideEncryptionByDefault", "SSEAlgorithm")
			key, _ := cfn.Lookup(rules[0], "ServerSideEncryptionByDefault", "KMSMasterKeyID")
			if needsSSES3(c, r) {
				if algo == "AES256" {
					return ""
				}
				return fmt.Sprintf("bucket receives S3 / load balancer / CloudFront access logs but uses %v: those deliveries need SSE-S3 (AES256)", algo)
			}
			if algo == "AES256" && isLogDestination(c, r) {
				return "" // vended log deliveries (CloudFront v2, flow logs, WAF) accept SSE-S3 or SSE-KMS
			}
			if algo != "aws:kms" && algo != "aws:kms:dsse" {
				return fmt.Sprintf("encryption is %v, not SSE-KMS with a customer-managed key", algo)
			}
			return keyProblem(c, r, key, "KMSMasterKeyID")
		}),
	}
}

// s3TLSOnly
//
//	Rule Identifier: LS-S3-003
//	Description:     The bucket policy denies every request made without TLS.
//	Reports on:      AWS::S3::Bucket, AWS::S3::BucketPolicy
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: a bucket policy on the bucket denies principal * when aws:SecureTransport is false.
//	  FAIL: no bucket policy, or none with that deny statement.
func s3TLSOnly() Control {
	return Control{
		ID: "LS-S3-003", Title: "S3 buckets deny requests without TLS", Severity: High,
		Seed: seedLablogs, Sentence: sentTLS, ResourceTypes: []string{"AWS::S3::Bucket", "AWS::S3::BucketPolicy"},
		Remediation: "Set EnforceSSL: jsii.Bool(true) on the bucket.",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			for _, doc := range policiesFor(c, r, "AWS::S3::BucketPolicy", "Bucket", "PolicyDocument") {
				if deniesInsecureTransport(doc) {
					return ""
				}
			}
			return "no bucket policy denies requests where aws:SecureTransport is false"
		}),
	}
}

// s3TLSVersion
//
//	Rule Identifier: LS-S3-004
//	Description:     The bucket policy denies TLS versions below 1.2.
//	Reports on:      AWS::S3::Bucket, AWS::S3::BucketPolicy
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: a Deny statement with Condition NumericLessThan s3:TlsVersion 1.2 (or higher).
//	  FAIL: no such statement.
func s3TLSVersion() Control {
	return Control{
		ID: "LS-S3-004", Title: "S3 buckets deny TLS versions below 1.2", Severity: Medium,
		Seed: seedLablogs, Sentence: sentTLS, ResourceTypes: []string{"AWS::S3::Bucket", "AWS::S3::BucketPolicy"},
		Remediation: "Set EnforceSSL: jsii.Bool(true) and MinimumTLSVersion: jsii.Number(1.2) on the bucket.",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			for _, doc := range policiesFor(c, r, "AWS::S3::BucketPolicy", "Bucket", "PolicyDocument") {
				for _, s := range statements(doc) {
					if s["Effect"] != "Deny" {
						continue
					}
					v, ok := cfn.Lookup(s, "Condition", "NumericLessThan", "s3:TlsVersion")
					if !ok {
						continue
					}
					if f, ok := v.(float64); ok && f >= 1.2 {
						return ""
					}
					if sv, ok := v.(string); ok && (sv == "1.2" || sv == "1.3") {
						return ""
					}
				}
			}
			return "no bucket policy denies s3:TlsVersion below 1.2"
		}),
	}
}

// s3Versioning
//
//	Rule Identifier: LS-S3-005
//	Description:     Versioning is enabled on every bucket.
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: VersioningConfiguration.Status is Enabled.
//	  FAIL: versioning absent or Suspended.
func s3Versioning() Control {
	return Control{
		ID: "LS-S3-005", Title: "S3 buckets are versioned", Severity: High,
		Seed: seedLablogs, Sentence: sentVersion, ResourceTypes: bucketTypes,
		Remediation: "Set Versioned: jsii.Bool(true) on the bucket.",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			if s, _ := r.String("VersioningConfiguration", "Status"); s != "Enabled" {
				return "versioning is not enabled"
			}
			return ""
		}),
	}
}

// MinNoncurrentDays is the seed's "at least six months" for noncurrent object versions.
const MinNoncurrentDays = 180

// s3NoncurrentRetention
//
//	Rule Identifier: LS-S3-006
//	Description:     Noncurrent versions (revisions and deletes) are kept at least 180 days
//	                 (or the environment's NoncurrentVersionDays when larger).
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket in the stack.
//	  PASS: every enabled lifecycle rule expiring noncurrent versions waits >= 180 days (or none expires them).
//	  FAIL: an enabled rule expires noncurrent versions earlier.
func s3NoncurrentRetention() Control {
	return Control{
		ID: "LS-S3-006", Title: "S3 noncurrent versions are kept at least six months", Severity: High,
		Seed: seedLablogs, Sentence: sentVersion, ResourceTypes: bucketTypes,
		Remediation: "Set NoncurrentVersionExpiration to at least awscdk.Duration_Days(180) in the lifecycle rules.",
		Check: perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for i, rule := range r.List("LifecycleConfiguration", "Rules") {
				if st, _ := cfn.Lookup(rule, "Status"); st == "Disabled" {
					continue
				}
				for _, p := range [][]string{{"NoncurrentVersionExpiration", "NoncurrentDays"}, {"NoncurrentVersionExpirationInDays"}} {
					if v, ok := cfn.Lookup(rule, p...); ok {
						if n, ok := cfn.AsInt(v); ok && n < c.Settings.NoncurrentVersionDays {
							bad = append(bad, fmt.Sprintf("rule %d expires noncurrent versions after %d days", i, n))
						}
					}
				}
			}
			if len(bad) > 0 {
				return strings.Join(bad, "; ") + fmt.Sprintf(" (minimum %d)", c.Settings.NoncurrentVersionDays)
			}
			return ""
		}),
	}
}

// s3AccessLogs
//
//	Rule Identifier: LS-S3-007
//	Description:     Every bucket writes server access logs to a log bucket.
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket in the stack, or only log-destination buckets (they do not log to themselves).
//	  PASS: LoggingConfiguration.DestinationBucketName is set.
//	  FAIL: no LoggingConfiguration.
func s3AccessLogs() Control {
	return Control{
		ID: "LS-S3-007", Title: "S3 buckets have server access logging", Severity: Medium,
		Seed:          seedContember,
		Sentence:      "S3 Bucket Access Logs: For all our AWS S3 buckets, access logs are enabled to track requests for access or changes to stored data.",
		ResourceTypes: bucketTypes,
		Remediation:   "Set ServerAccessLogsBucket to the environment's log bucket (constructs/storage does this).",
		Check: func(c *Context) []Finding {
			if len(c.Resources(bucketTypes...)) > 0 {
				c.Skip("only log-destination buckets in this stack (they do not log to themselves)")
			}
			return perResource(bucketTypes, s3AccessLogJudge)(c)
		},
	}
}

func s3AccessLogJudge(c *Context, r *cfn.Resource) string {
	if isLogDestination(c, r) {
		return outOfScope
	}
	if !r.Has("LoggingConfiguration", "DestinationBucketName") {
		return "server access logging is off (no LoggingConfiguration.DestinationBucketName)"
	}
	return ""
}

// CriticalTag marks buckets that must replicate to another region (LS-S3-008).
const CriticalTag = "Critical"

// s3Replication
//
//	Rule Identifier: LS-S3-008
//	Description:     Buckets tagged Critical=true replicate to another region.
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket tagged Critical=true.
//	  PASS: ReplicationConfiguration with at least one enabled rule.
//	  FAIL: a critical bucket without an enabled replication rule.
func s3Replication() Control {
	return Control{
		ID: "LS-S3-008", Title: "Critical buckets replicate across regions", Severity: Medium,
		Seed: seedLablogs, Sentence: "Cross-region replication is configured for critical buckets, ensuring data availability even in the event of a regional failure.",
		ResourceTypes: bucketTypes,
		Remediation:   "Tag the bucket Critical=true only if it is critical, and configure ReplicationConfiguration to a bucket in the DR region (constructs/storage replication option).",
		Check: func(c *Context) []Finding {
			c.Skip("no bucket tagged " + CriticalTag + "=true in this stack")
			return perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
				if r.Tags()[CriticalTag] != "true" {
					return outOfScope
				}
				for _, rule := range r.List("ReplicationConfiguration", "Rules") {
					if st, _ := cfn.Lookup(rule, "Status"); st == "Enabled" {
						return ""
					}
				}
				return "bucket is tagged Critical=true but has no enabled cross-region replication rule"
			})(c)
		},
	}
}

// s3LogLifecycle
//
//	Rule Identifier: LS-S3-009
//	Description:     Log buckets move objects to Glacier within 90 days and delete them after 2 years.
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no log-destination bucket in the stack.
//	  PASS: an enabled rule transitions to GLACIER / DEEP_ARCHIVE / GLACIER_IR at <= 90 days and expires at 730 days (or 731).
//	  FAIL: no such transition, or no expiry, or expiry other than about 2 years.
func s3LogLifecycle() Control {
	return Control{
		ID: "LS-S3-009", Title: "Log buckets archive after 90 days and expire after 2 years", Severity: Low,
		Seed: seedMenoTime, Sentence: "Move to Glacier after 90 days", ResourceTypes: bucketTypes,
		Remediation: "Add a lifecycle rule: Transitions GLACIER after Duration_Days(90), Expiration Duration_Days(730).",
		Check: func(c *Context) []Finding {
			c.Skip("no log-destination bucket in this stack")
			return perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
				if !isLogDestination(c, r) {
					return outOfScope
				}
				glacier, expire := false, false
				for _, rule := range r.List("LifecycleConfiguration", "Rules") {
					if st, _ := cfn.Lookup(rule, "Status"); st != "Enabled" {
						continue
					}
					tr, _ := cfn.Lookup(rule, "Transitions")
					if l, ok := tr.([]any); ok {
						for _, t := range l {
							sc, _ := cfn.Lookup(t, "StorageClass")
							d, _ := cfn.Lookup(t, "TransitionInDays")
							n, ok := cfn.AsInt(d)
							if ok && n <= 90 && (sc == "GLACIER" || sc == "DEEP_ARCHIVE" || sc == "GLACIER_IR") {
								glacier = true
							}
						}
					}
					if d, ok := cfn.Lookup(rule, "ExpirationInDays"); ok {
						if n, ok := cfn.AsInt(d); ok && n >= 730 && n <= 731 {
							expire = true
						}
					}
				}
				return problems(
					map[bool]string{false: "no enabled rule moves logs to Glacier within 90 days"}[glacier],
					map[bool]string{false: "no enabled rule deletes logs after 2 years (730 days)"}[expire])
			})(c)
		},
	}
}

// s3CORS
//
//	Rule Identifier: LS-S3-010
//	Description:     CORS rules name the application's origins, never "*".
//	Reports on:      AWS::S3::Bucket
//	Scenarios:
//	  SKIP: no bucket with CORS rules in the stack.
//	  PASS: every CorsRule lists explicit AllowedOrigins (https://...).
//	  FAIL: an AllowedOrigins entry "*" or an http:// origin.
func s3CORS() Control {
	return Control{
		ID: "LS-S3-010", Title: "S3 CORS allows only the application's origins", Severity: Medium,
		Seed: seedMenoTime, Sentence: "CORS: Configured for menotime.ai", ResourceTypes: bucketTypes,
		Remediation: "List the portal origins in Cors AllowedOrigins (https://portal.<domain>), never \"*\".",
		Check: func(c *Context) []Finding {
			c.Skip("no bucket with CORS rules in this stack")
			return perResource(bucketTypes, func(c *Context, r *cfn.Resource) string {
				rules := r.List("CorsConfiguration", "CorsRules")
				if len(rules) == 0 {
					return outOfScope
				}
				var bad []string
				for i, rule := range rules {
					for _, o := range strs(mapGet(rule, "AllowedOrigins")) {
						if o == "*" || strings.HasPrefix(o, "http://") {
							bad = append(bad, fmt.Sprintf("rule %d allows origin %q", i, o))
						}
					}
				}
				return strings.Join(bad, "; ")
			})(c)
		},
	}
}
