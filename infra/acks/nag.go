package acks

import (
	"time"

	"github.com/labsecure/labsecure/constructs/controls"
)

// platformTeam owns the acknowledgements of design decisions of the platform itself.
const platformTeam = "platform@labsecure.example"

// portObfuscation is why databases keep their standard ports.
const portObfuscation = "Only the named application security groups may reach the port (no CIDR ingress, isolated subnets); a non-default port adds no protection against a client that is already admitted and complicates every driver configuration."

// redisAuthRotation is why the Redis AUTH token is not rotated automatically yet.
const redisAuthRotation = "ElastiCache AUTH token rotation needs a custom rotation function (modify-replication-group with ROTATE); not built yet. The token is random, KMS-encrypted and readable only by the admitted clients. Open work, short expiry."

// patientKeyRotation is why the patient-key HMAC secret is not rotated automatically.
const patientKeyRotation = "The secret is the HMAC key that derives opaque patient partition keys; rotating it without re-keying every stored result would orphan patients' records. Rotation needs a re-keying job (versioned keys), not built yet; the key is random, KMS-encrypted and readable only by the worker role."

// openHealth is why the health route has no authorizer.
const openHealth = "GET /api/v1/health returns only {\"status\":\"ok\"} and no data, so load balancers and lab systems can probe it without a token; it stays behind the WAF and throttling. Every other route needs a Cognito token with a scope."

// adminHost is why the SSM admin instance has no detailed monitoring or termination protection.
const adminHost = "The admin host is a stateless t4g.nano reached only through Session Manager (seed 002's controlled admin access, no SSH): it is replaced rather than repaired, holds no data, and basic monitoring covers its health; termination protection would only get in the way of replacing it."

// devTeardown is why dev runs without deletion protection.
const devTeardown = "dev is disposable and holds no patient data: config turns deletion protection off there (DeletionProtection: false) so the environment can be torn down; staging and prod keep it on."

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic("acks: bad date " + s) // literal dates in this file; covered by the register test
	}
	return t
}

// Nag holds the acknowledged cdk-nag findings (AwsSolutions and HIPAA Security packs). Each is
// a deliberate design decision or an AWS limitation; each is reviewed like code and expires.
var Nag = []controls.Acknowledgement{
	{
		ControlID: "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", Environment: "*",
		Resource: "*/Network/Vpc/public*/**",
		Reason:   "The public tier exists to hold the internet-facing ALB and the NAT gateways (seed 000: public, private and isolated tiers); only its route tables reach the internet gateway, private and isolated tiers do not.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-S3DefaultEncryptionKMS", Environment: "*",
		Resource: "*/LogBucket/**",
		Reason:   "S3 server access log and ALB access log delivery support only SSE-S3 (AES-256) on the target bucket; the log bucket is encrypted with SSE-S3, every data bucket with the customer-managed key.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-S3BucketLoggingEnabled", Environment: "*",
		Resource: "*/LogBucket/**",
		Reason:   "The log bucket is the destination of every bucket's server access logs; logging it into itself would log forever. Its reads are covered by CloudTrail data events.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-S1", Environment: "*",
		Resource: "*/LogBucket/**",
		Reason:   "The log bucket is the destination of every bucket's server access logs; logging it into itself would log forever. Its reads are covered by CloudTrail data events.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-S3BucketReplicationEnabled", Environment: "*",
		Resource: "**",
		Reason:   "Only the critical buckets (raw lab results, reports: tagged Critical=true) replicate, and only where the environment has a replica region (prod; control LS-S3-008 checks it). Log, static-site, trail and replica buckets are versioned but not replicated: they hold no patient data of their own or are the replicas themselves.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-IAMNoInlinePolicy", Environment: "*",
		Resource: "**/DefaultPolicy/Resource",
		Reason:   "CDK grants write one inline policy per role with exactly the actions and resources granted (seed 001 8.3: a dedicated role per component); managed policies would be shared and broader.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM4", Environment: "*",
		Resource: "*/Portal/**/MonitoringRole/Resource",
		Reason:   "Enhanced Monitoring requires the AWS-managed AmazonRDSEnhancedMonitoringRole policy (seed 003 lists this role); it only lets RDS publish OS metrics to CloudWatch.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-RDSInstanceDeletionProtectionEnabled", Environment: "dev",
		Resource: "labsecure-dev-database/**",
		Reason:   devTeardown,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-RDS10", Environment: "dev",
		Resource: "labsecure-dev-database/**",
		Reason:   devTeardown,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-RDSInBackupPlan", Environment: "*",
		Resource: "*/Portal/Resource/*/Resource",
		Reason:   "AWS Backup protects Aurora at the cluster level: the plan selects the cluster ARN (every instance's storage is the cluster volume); cdk-nag looks for instance ARNs, which AWS Backup does not accept for Aurora.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM4", Environment: "*",
		Resource: "*/Backup/Plan/Selection/Role/Resource",
		Reason:   "AWS Backup's selection role needs the AWS-managed AWSBackupServiceRolePolicyForBackup, which AWS maintains as new resource types become backable; the role is assumable only by backup.amazonaws.com.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-DOC5", Environment: "*",
		Resource: "*/Documents/Resource/Resource",
		Reason:   "DocumentDB exports the audit and profiler log types; authenticate, createIndex and dropCollection events are audit events (audit_logs parameter enabled), which cdk-nag expects as separate export names that DocumentDB does not have.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-DOC2", Environment: "*",
		Resource: "*/Documents/Resource/Resource",
		Reason:   portObfuscation,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-AEC5", Environment: "*",
		Resource: "*/Cache/Resource",
		Reason:   portObfuscation,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-SecretsManagerRotationEnabled", Environment: "*",
		Resource: "*/Cache/AuthToken/Resource",
		Reason:   redisAuthRotation,
		Owner:    platformTeam, Expires: day("2027-02-28"),
	},
	{
		ControlID: "AwsSolutions-SMG4", Environment: "*",
		Resource: "*/Cache/AuthToken/Resource",
		Reason:   redisAuthRotation,
		Owner:    platformTeam, Expires: day("2027-02-28"),
	},
	{
		ControlID: "AwsSolutions-IAM5", Environment: "*",
		Resource: "*/*/ExecutionRole/DefaultPolicy/Resource",
		Reason:   "The only wildcard is ecr:GetAuthorizationToken, which does not support resource-level permissions; image pulls themselves are scoped to the environment's repository.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-ECS2", Environment: "*",
		Resource: "*/*/TaskDefinition/Resource",
		Reason:   "Environment variables carry only non-secret configuration (environment name, user pool id, database host names); credentials are injected from Secrets Manager (seed 003).",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-ELBv2ACMCertificateRequired", Environment: "*",
		Resource: "*/Portal/LoadBalancer/HttpRedirect/Resource",
		Reason:   "Port 80 only answers with a 301 redirect to HTTPS (seed 003: 'Port 80: Redirect to HTTPS (301)'); it forwards nothing, so it has no certificate. The 443 listener uses the ACM certificate.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-EC23", Environment: "*",
		Resource: "*/Portal/LoadBalancerSecurityGroup/Resource",
		Reason:   "The internet-facing ALB admits 80 and 443 from anywhere (seed 003: 'Inbound: HTTP (80) and HTTPS (443) from 0.0.0.0/0'); 80 only redirects, WAF filters 443, and the tasks admit only the ALB's group.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-SQS3", Environment: "*",
		Resource: "*/Schedules/DeliveryDeadLetterQueue/Resource",
		Reason:   "This queue is the dead-letter target of the EventBridge rules (failed deliveries), configured on the rule targets rather than as an SQS redrive policy, which cdk-nag does not see.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-ELBDeletionProtectionEnabled", Environment: "dev",
		Resource: "labsecure-dev-application/**",
		Reason:   devTeardown,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-CFR3", Environment: "*",
		Resource: "*-edge/Portal/Resource/Resource",
		Reason:   "Access logging is on through CloudFront standard logging v2 (AWS::Logs::DeliverySource/Destination/Delivery to the log bucket), which cdk-nag does not recognise; it only looks for the legacy Logging property.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-CFR1", Environment: "*",
		Resource: "*-edge/Portal/Resource/Resource",
		Reason:   "Patients use the portal wherever they are; a country allow-list would lock them out. Abuse is handled by the WAF (IP reputation, rate limit 2000 per 5 min per IP); edge.DistributionProps.GeoAllowCountries exists for platforms that need it.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM5", Environment: "*",
		Resource: "*-pipeline/*/Role/DefaultPolicy/Resource",
		Reason:   "Each handler role's wildcards are (a) the VPC network-interface and X-Ray actions, which support no resource-level scoping, and (b) object and index ARNs under exactly its own prefix (raw/*, reports/*, <results table>/index/*); every other statement names one resource (seed 001 8.3).",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-LambdaDLQ", Environment: "*",
		Resource: "*-pipeline/*/Resource/Resource",
		Reason:   "No handler is invoked asynchronously: API Gateway calls ingest, status and report synchronously and the worker and notify consume SQS queues whose redrive policies send poison messages to dead-letter queues (alarmed); a function-level DLQ would never receive anything.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-LambdaConcurrency", Environment: "*",
		Resource: "*-pipeline/*/Resource/Resource",
		Reason:   "Reserved concurrency would fail deployment in accounts below the default concurrency quota and caps ingest during a lab's batch upload; API Gateway throttling (50 rps, burst 100) and SQS batching bound the load instead. compute.GoFunctionProps.ReservedConcurrency sets it where wanted.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-SecretsManagerRotationEnabled", Environment: "*",
		Resource: "*-pipeline/PatientKeySecret/Resource",
		Reason:   patientKeyRotation,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-SMG4", Environment: "*",
		Resource: "*-pipeline/PatientKeySecret/Resource",
		Reason:   patientKeyRotation,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-COG4", Environment: "*",
		Resource: "*-pipeline/LabApi/Resource/Default/api/v1/health/GET/Resource",
		Reason:   openHealth,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-APIG4", Environment: "*",
		Resource: "*-pipeline/LabApi/Resource/Default/api/v1/health/GET/Resource",
		Reason:   openHealth,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-APIG2", Environment: "*",
		Resource: "*-pipeline/LabApi/Resource/Resource",
		Reason:   "Parameters and headers are validated by API Gateway; bodies are HL7 v2, FHIR R4 or native JSON, which no API Gateway model can express, so the ingest handler validates them and answers 400 naming the field and the fix.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-APIGWSSLEnabled", Environment: "*",
		Resource: "*-pipeline/LabApi/Resource/DeploymentStage.*/Resource",
		Reason:   "The stage integrates only Lambda functions (AWS_PROXY, signed AWS API calls), no HTTP backend that could verify an API Gateway client certificate.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-APIGWCacheEnabledAndEncrypted", Environment: "*",
		Resource: "*-pipeline/LabApi/Resource/DeploymentStage.*/Resource",
		Reason:   "Caching is off on purpose: responses carry result status and report links (PHI-adjacent) that must never be served from a shared cache; an encrypted cache would still serve one caller's answer to another.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-EC2InstancesInVPC", Environment: "*",
		Resource: "*-application/AdminAccess/Instance/Resource",
		Reason:   "The admin instance is in a private subnet of the VPC, set on its network interface (NetworkInterfaces[0].SubnetId, no public IP); cdk-nag only reads the instance-level SubnetId.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-EC2IMDSv2Enabled", Environment: "*",
		Resource: "*-application/AdminAccess/Instance/Resource",
		Reason:   "IMDSv2 is required on the instance itself (MetadataOptions.HttpTokens: required, hop limit 1); cdk-nag only recognises it through a launch template.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "HIPAA.Security-EC2InstanceDetailedMonitoringEnabled", Environment: "*",
		Resource: "*-application/AdminAccess/Instance/Resource",
		Reason:   adminHost,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-EC28", Environment: "*",
		Resource: "*-application/AdminAccess/Instance/Resource",
		Reason:   adminHost,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-EC29", Environment: "*",
		Resource: "*-application/AdminAccess/Instance/Resource",
		Reason:   adminHost,
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM4", Environment: "*",
		Resource: "*-application/AdminAccess/Role/Resource",
		Reason:   "Session Manager needs the AWS-managed AmazonSSMManagedInstanceCore policy on the instance role; AWS maintains it with the SSM agent. The role has no other managed policy.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM5", Environment: "*",
		Resource: "*-application/AdminAccess/Role/DefaultPolicy/Resource",
		Reason:   "The only wildcard is logs:DescribeLogGroups, which the SSM agent calls to stream session logs and which supports no resource-level permission; writes are scoped to the session log group.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM5", Environment: "*",
		Resource: "*-application/AdminAccess/AdminSessionPolicy/Resource",
		Reason:   "The wildcard is session/${aws:userid}-*: each administrator may resume or terminate only the Session Manager sessions they started themselves; session ids are generated by SSM.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM4", Environment: "*",
		Resource: "*-foundation/ApiGatewayAccount/Role/Resource",
		Reason:   "API Gateway's account-level logging role uses the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy, as AWS documents; only apigateway.amazonaws.com can assume it and it only writes logs.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
	{
		ControlID: "AwsSolutions-IAM5", Environment: "*",
		Resource: "*-pipeline/*/ReplicationRole/DefaultPolicy/Resource",
		Reason:   "S3 replication acts on every object version of exactly one source bucket and one destination bucket (<bucket>/*); the destination key is matched as key/* in the replica region but only where kms:ResourceAliases is the replica key's alias and only through S3 there, because the replica stack's key id is not known in this region.",
		Owner:    platformTeam, Expires: day("2027-05-31"),
	},
}
