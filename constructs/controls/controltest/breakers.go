package controltest

// Prohibitions are controls whose compliant state is the absence of a resource: on the
// compliant fixture they report SKIP, never PASS.
var Prohibitions = map[string]bool{"LS-IAM-004": true, "LS-COG-003": true}

// Breaker makes one control fail on the compliant fixture.
type Breaker struct {
	// Name says what is broken.
	Name string
	// Stack and LogicalID name the resource the finding must point at; LogicalID is empty
	// for an environment-level "missing" finding.
	Stack, LogicalID string
	Break            func(f *Fixture)
}

func set(stack, id string, kv ...any) func(f *Fixture) {
	return func(f *Fixture) {
		p := f.Props(stack, id)
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
	}
}

func del(stack, id string, keys ...string) func(f *Fixture) {
	return func(f *Fixture) {
		p := f.Props(stack, id)
		for _, k := range keys {
			delete(p, k)
		}
	}
}

func remove(stack string, ids ...string) func(f *Fixture) {
	return func(f *Fixture) {
		for _, id := range ids {
			f.Remove(stack, id)
		}
	}
}

func all(fns ...func(f *Fixture)) func(f *Fixture) {
	return func(f *Fixture) {
		for _, fn := range fns {
			fn(f)
		}
	}
}

// Breakers maps every control ID of the catalog to at least one way to make it fail.
var Breakers = map[string][]Breaker{
	"LS-KMS-001": {{"key rotation off", Foundation, "Key", set(Foundation, "Key", "EnableKeyRotation", false)}},

	"LS-S3-001": {{"public policy allowed", App, "DataBucket", func(f *Fixture) {
		f.Props(App, "DataBucket")["PublicAccessBlockConfiguration"].(M)["BlockPublicPolicy"] = false
	}}, {"no public access block", Edge, "SiteBucket", del(Edge, "SiteBucket", "PublicAccessBlockConfiguration")}},
	"LS-S3-002": {
		{"SSE-S3 on a data bucket", App, "DataBucket", set(App, "DataBucket", "BucketEncryption", M{"ServerSideEncryptionConfiguration": L{M{"ServerSideEncryptionByDefault": M{"SSEAlgorithm": "AES256"}}}})},
		{"AWS-managed key", App, "DataBucket", set(App, "DataBucket", "BucketEncryption", M{"ServerSideEncryptionConfiguration": L{M{"ServerSideEncryptionByDefault": M{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}}}})},
		{"no encryption", Edge, "SiteBucket", del(Edge, "SiteBucket", "BucketEncryption")},
		{"unrotated key across stacks", App, "DataBucket", set(Foundation, "Key", "EnableKeyRotation", false)},
		{"SSE-KMS on the access-log bucket", Foundation, "LogBucket", set(Foundation, "LogBucket", "BucketEncryption",
			M{"ServerSideEncryptionConfiguration": L{M{"ServerSideEncryptionByDefault": M{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": att("Key", "Arn")}}}})},
	},
	"LS-S3-003": {{"no TLS deny", App, "DataBucket", func(f *Fixture) {
		p := f.Props(App, "DataBucketPolicy")["PolicyDocument"].(M)
		p["Statement"] = p["Statement"].(L)[1:]
	}}},
	"LS-S3-004": {{"no TLS version deny", Edge, "SiteBucket", func(f *Fixture) {
		p := f.Props(Edge, "SiteBucketPolicy")["PolicyDocument"].(M)
		p["Statement"] = p["Statement"].(L)[:1]
	}}},
	"LS-S3-005": {{"versioning suspended", App, "DataBucket", set(App, "DataBucket", "VersioningConfiguration", M{"Status": "Suspended"})}},
	"LS-S3-006": {{"noncurrent versions kept 30 days", App, "DataBucket", set(App, "DataBucket", "LifecycleConfiguration",
		M{"Rules": L{M{"Status": "Enabled", "NoncurrentVersionExpiration": M{"NoncurrentDays": 30}}}})}},
	"LS-S3-007": {{"no access logging", Edge, "SiteBucket", del(Edge, "SiteBucket", "LoggingConfiguration")}},
	"LS-S3-008": {{"critical bucket without replication", App, "DataBucket", del(App, "DataBucket", "ReplicationConfiguration")}},
	"LS-S3-009": {{"log bucket kept forever", Foundation, "LogBucket", func(f *Fixture) {
		f.Props(Foundation, "LogBucket")["LifecycleConfiguration"].(M)["Rules"].(L)[0].(M)["ExpirationInDays"] = 3650
	}}, {"CloudFront v2 log bucket without lifecycle", Edge, "EdgeLogs", del(Edge, "EdgeLogs", "LifecycleConfiguration")}},

	"LS-S3-010": {{"any origin", Edge, "SiteBucket", func(f *Fixture) {
		f.Props(Edge, "SiteBucket")["CorsConfiguration"].(M)["CorsRules"].(L)[0].(M)["AllowedOrigins"] = L{"*"}
	}}},

	"LS-SQS-001": {{"SQS-managed encryption", App, "WorkQueue", all(del(App, "WorkQueue", "KmsMasterKeyId"), set(App, "WorkQueue", "SqsManagedSseEnabled", true))}},
	"LS-SQS-002": {{"no dead-letter queue", App, "WorkQueue", del(App, "WorkQueue", "RedrivePolicy")}},
	"LS-SQS-003": {{"DLQ keeps 4 days", App, "WorkDlq", del(App, "WorkDlq", "MessageRetentionPeriod")}},
	"LS-SQS-004": {{"no TLS queue policy", App, "WorkQueue", remove(App, "WorkQueuePolicy")}},
	"LS-SQS-005": {{"short polling", App, "WorkQueue", set(App, "WorkQueue", "ReceiveMessageWaitTimeSeconds", 0)}},
	"LS-SNS-001": {{"unencrypted topic", Foundation, "AlertTopic", del(Foundation, "AlertTopic", "KmsMasterKeyId")}},
	"LS-SNS-002": {{"no TLS topic policy", Foundation, "AlertTopic", remove(Foundation, "AlertTopicPolicy")}},

	"LS-LOG-001": {{"never expires", Foundation, "FlowLogGroup", del(Foundation, "FlowLogGroup", "RetentionInDays")}},
	"LS-LOG-002": {{"no KMS", App, "ApiAccessLogs", del(App, "ApiAccessLogs", "KmsKeyId")}},
	"LS-LOG-003": {{"ECS logs kept 30 days", App, "WebLogGroup", set(App, "WebLogGroup", "RetentionInDays", 30)}},
	"LS-LOG-004": {
		{"Lambda logs kept 7 days", App, "IngestLogGroup", set(App, "IngestLogGroup", "RetentionInDays", 7)},
		{"implicit Lambda log group", App, "NotifyFunction", del(App, "NotifyFunction", "LoggingConfig")},
	},

	"LS-RDS-001": {{"unencrypted cluster", Data, "Database", set(Data, "Database", "StorageEncrypted", false)},
		{"default RDS key", Data, "Database", del(Data, "Database", "KmsKeyId")}},
	"LS-RDS-002": {{"database in private subnets", Data, "Database", set(Data, "DbSubnetGroup", "SubnetIds",
		L{imp(subnetExport("Private", 1)), imp(subnetExport("Private", 2))})},
		{"cache in public subnet", Data, "Cache", set(Data, "CacheSubnetGroup", "SubnetIds", L{imp(subnetExport("Public", 1)), imp(subnetExport("Isolated", 2))})},
		{"subnet outside the app", Data, "DocCluster", set(Data, "DocSubnetGroup", "SubnetIds", L{"subnet-0123456789abcdef0"})}},
	"LS-RDS-003": {{"public instance", Data, "DatabaseReader2", set(Data, "DatabaseReader2", "PubliclyAccessible", true)}},
	"LS-RDS-004": {{"CIDR ingress on the database group", Data, "Database", set(Data, "DbSecurityGroup", "SecurityGroupIngress",
		L{M{"CidrIp": "10.0.0.0/16", "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}})},
		{"cross-stack CIDR ingress", Data, "Database", set(App, "DbIngressFromApp", "CidrIp", "10.0.0.0/8")}},
	"LS-RDS-005": {{"default egress", Data, "Database", del(Data, "DbSecurityGroup", "SecurityGroupEgress")}},
	"LS-RDS-006": {{"IAM auth off", Data, "Database", del(Data, "Database", "EnableIAMDatabaseAuthentication")}},
	"LS-RDS-007": {{"one reader", Data, "Database", remove(Data, "DatabaseReader2")}},
	"LS-RDS-008": {{"TLS not forced", Data, "Database", set(Data, "DbParams", "Parameters", M{"rds.force_ssl": "0"})},
		{"default parameter group", Data, "Database", del(Data, "Database", "DBClusterParameterGroupName")}},
	"LS-DOC-001": {{"unencrypted DocumentDB", Data, "DocCluster", set(Data, "DocCluster", "StorageEncrypted", false)}},
	"LS-DOC-002": {{"two nodes", Data, "DocCluster", remove(Data, "DocInstance3")}},
	"LS-DOC-003": {{"TLS disabled", Data, "DocCluster", set(Data, "DocParams", "Parameters", M{"tls": "disabled"})}},
	"LS-EC-001":  {{"no transit encryption", Data, "Cache", set(Data, "Cache", "TransitEncryptionEnabled", false)}},
	"LS-EC-002":  {{"no at-rest encryption", Data, "Cache", del(Data, "Cache", "AtRestEncryptionEnabled")}},
	"LS-EC-003":  {{"no failover", Data, "Cache", set(Data, "Cache", "AutomaticFailoverEnabled", false)}},
	"LS-DDB-001": {{"AWS-owned key", Data, "Table", del(Data, "Table", "SSESpecification")}},

	"LS-BAK-001": {{"7-day backups", Data, "Database", set(Data, "Database", "BackupRetentionPeriod", 7)}},
	"LS-BAK-002": {{"no PITR", Data, "Table", del(Data, "Table", "PointInTimeRecoverySpecification")}},
	"LS-BAK-003": {{"deletion protection off", Data, "DocCluster", set(Data, "DocCluster", "DeletionProtection", false)},
		{"table deleted with the stack", Data, "Table", func(f *Fixture) { f.Resource(Data, "Table")["DeletionPolicy"] = "Delete" }}},
	"LS-SEC-001": {{"default secret key", Data, "DbSecret", del(Data, "DbSecret", "KmsKeyId")}},
	"LS-SEC-002": {{"rotation every 90 days", Data, "Database", set(Data, "DbSecretRotation", "RotationRules", M{"ScheduleExpression": "rate(90 days)"})},
		{"no rotation", Data, "DocCluster", remove(Data, "DocSecretRotation")},
		{"literal password", Data, "Database", set(Data, "Database", "MasterUserPassword", "hunter2hunter2")}},

	"LS-ECR-001": {{"no scan on push", App, "Repo", del(App, "Repo", "ImageScanningConfiguration")}},
	"LS-ECR-002": {{"no lifecycle", App, "Repo", del(App, "Repo", "LifecyclePolicy")},
		{"keeps 50 images", App, "Repo", set(App, "Repo", "LifecyclePolicy", M{"LifecyclePolicyText": `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}]}`})}},
	"LS-ECR-003": {{"mutable tags", App, "Repo", set(App, "Repo", "ImageTagMutability", "MUTABLE")}},

	"LS-IAM-001": {{"s3:*", App, "TaskRolePolicy", func(f *Fixture) {
		f.Props(App, "TaskRolePolicy")["PolicyDocument"].(M)["Statement"].(L)[0].(M)["Action"] = "s3:*"
	}}, {"AWS managed full access", App, "TaskRole", set(App, "TaskRole", "ManagedPolicyArns",
		L{join("arn:", ref("AWS::Partition"), ":iam::aws:policy/AmazonS3FullAccess")})}, {"inline *", App, "WorkerRole", set(App, "WorkerRole", "Policies", L{M{"PolicyName": "admin", "PolicyDocument": doc(allow("*", "*"))}})}},
	"LS-IAM-002": {{"sqs:SendMessage on *", App, "IngestRolePolicy", func(f *Fixture) {
		f.Props(App, "IngestRolePolicy")["PolicyDocument"].(M)["Statement"].(L)[2].(M)["Resource"] = "*"
	}}},
	"LS-IAM-003": {{"shared role", App, "NotifyFunction", set(App, "NotifyFunction", "Role", att("IngestRole", "Arn"))}},
	"LS-IAM-004": {{"IAM user", App, "Deployer", func(f *Fixture) { f.Add(App, "Deployer", "AWS::IAM::User", M{}) }}},

	"LS-NET-001": {{"SSH from anywhere", App, "AppSecurityGroup", func(f *Fixture) {
		p := f.Props(App, "AppSecurityGroup")
		p["SecurityGroupIngress"] = append(p["SecurityGroupIngress"].(L), M{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22})
	}}, {"ALB on 8080 from anywhere", App, "AlbOpen", func(f *Fixture) {
		f.Add(App, "AlbOpen", "AWS::EC2::SecurityGroupIngress", M{"GroupId": att("AlbSecurityGroup", "GroupId"), "CidrIpv6": "::/0", "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080})
	}}},
	"LS-NET-002": {{"no flow log", Foundation, "Vpc", remove(Foundation, "FlowLog")}},
	"LS-NET-003": {{"default SG kept", Foundation, "Vpc", remove(Foundation, "VpcRestrictDefaultSecurityGroup")}},
	"LS-NET-004": {{"no isolated tier", Foundation, "Vpc", func(f *Fixture) {
		for _, i := range []string{"1", "2"} {
			f.Add(Foundation, "IsolatedRoute"+i, "AWS::EC2::Route", M{"RouteTableId": ref("IsolatedSubnet" + i + "RouteTable"), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": ref("Nat" + i)})
		}
	}}},
	"LS-NET-005": {{"one NAT for two AZs", Foundation, "Vpc", set(Foundation, "PrivateSubnet2DefaultRoute", "NatGatewayId", ref("Nat1"))}},
	"LS-NET-006": {{"ALB in private subnets", App, "Alb", set(App, "Alb", "Subnets", L{imp(subnetExport("Private", 1)), imp(subnetExport("Private", 2))})}},

	"LS-LAM-001": {{"no VPC", App, "IngestFunction", del(App, "IngestFunction", "VpcConfig")}},
	"LS-EC2-001": {{"public IP in public subnet", App, "Worker", all(del(App, "Worker", "SubnetId"), set(App, "Worker", "NetworkInterfaces",
		L{M{"DeviceIndex": "0", "SubnetId": imp(subnetExport("Public", 1)), "AssociatePublicIpAddress": true}}))}},
	"LS-EBS-001": {{"unencrypted volume", App, "ScratchVolume", set(App, "ScratchVolume", "Encrypted", false)},
		{"unencrypted root volume", App, "Worker", del(App, "Worker", "BlockDeviceMappings")}},
	"LS-ECS-001": {{"public IP", App, "Service", func(f *Fixture) {
		f.Props(App, "Service")["NetworkConfiguration"].(M)["AwsvpcConfiguration"].(M)["AssignPublicIp"] = "ENABLED"
	}}},
	"LS-ECS-002": {{"no memory scaling", App, "Service", remove(App, "MemoryScaling")}},
	"LS-ECS-003": {{"one AZ", App, "Service", func(f *Fixture) {
		f.Props(App, "Service")["NetworkConfiguration"].(M)["AwsvpcConfiguration"].(M)["Subnets"] = L{imp(subnetExport("Private", 1))}
	}}},
	"LS-ECS-004": {{"plain password", App, "TaskDefinition", func(f *Fixture) {
		cd := f.Props(App, "TaskDefinition")["ContainerDefinitions"].(L)[0].(M)
		cd["Environment"] = append(cd["Environment"].(L), M{"Name": "DB_PASSWORD", "Value": "hunter2"})
	}}},
	"LS-ECS-005": {{"no log driver", App, "TaskDefinition", func(f *Fixture) {
		delete(f.Props(App, "TaskDefinition")["ContainerDefinitions"].(L)[0].(M), "LogConfiguration")
	}}},
	"LS-ECS-006": {{"no circuit breaker", App, "Service", del(App, "Service", "DeploymentConfiguration")}},
	"LS-ECS-007": {{"AWS-owned task storage key", App, "Cluster", del(App, "Cluster", "Configuration")}},

	"LS-ALB-001": {{"legacy TLS policy", App, "HttpsListener", set(App, "HttpsListener", "SslPolicy", "ELBSecurityPolicy-2016-08")},
		{"TLS 1.0 in a TLS13 policy", App, "HttpsListener", set(App, "HttpsListener", "SslPolicy", "ELBSecurityPolicy-TLS13-1-0-2021-06")}},
	"LS-ALB-002": {{"302 redirect", App, "HttpListener", set(App, "HttpListener", "DefaultActions",
		L{M{"Type": "redirect", "RedirectConfig": M{"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_302"}}})}},
	"LS-ALB-003": {{"HTTP forward", App, "HttpListener", set(App, "HttpListener", "DefaultActions",
		L{M{"Type": "forward", "TargetGroupArn": ref("TargetGroup")}})}, {"HTTPS on 8443", App, "HttpsListener", set(App, "HttpsListener", "Port", 8443)}},
	"LS-ALB-004": {{"no access logs", App, "Alb", set(App, "Alb", "LoadBalancerAttributes", L{M{"Key": "access_logs.s3.enabled", "Value": "false"}})}},
	"LS-ALB-005": {{"health check on /", App, "TargetGroup", set(App, "TargetGroup", "HealthCheckPath", "/", "HealthCheckIntervalSeconds", 10)}},

	"LS-CF-001": {{"default certificate", Edge, "Distribution", func(f *Fixture) {
		f.Props(Edge, "Distribution")["DistributionConfig"].(M)["ViewerCertificate"] = M{"CloudFrontDefaultCertificate": true}
	}}, {"TLSv1.2_2019", Edge, "Distribution", func(f *Fixture) {
		f.Props(Edge, "Distribution")["DistributionConfig"].(M)["ViewerCertificate"].(M)["MinimumProtocolVersion"] = "TLSv1.2_2019"
	}}},
	"LS-CF-002": {{"allow-all", Edge, "Distribution", func(f *Fixture) {
		f.Props(Edge, "Distribution")["DistributionConfig"].(M)["CacheBehaviors"].(L)[0].(M)["ViewerProtocolPolicy"] = "allow-all"
	}}},
	"LS-CF-003": {{"http to the ALB", Edge, "Distribution", func(f *Fixture) {
		f.Props(Edge, "Distribution")["DistributionConfig"].(M)["Origins"].(L)[1].(M)["CustomOriginConfig"] = M{"OriginProtocolPolicy": "http-only", "OriginSSLProtocols": L{"TLSv1", "TLSv1.2"}}
	}}},
	"LS-CF-004": {{"public S3 origin", Edge, "Distribution", func(f *Fixture) {
		delete(f.Props(Edge, "Distribution")["DistributionConfig"].(M)["Origins"].(L)[0].(M), "OriginAccessControlId")
	}}},
	"LS-CF-005": {{"no compression", Edge, "Distribution", func(f *Fixture) {
		f.Props(Edge, "Distribution")["DistributionConfig"].(M)["DefaultCacheBehavior"].(M)["Compress"] = false
	}}},
	"LS-WAF-001": {{"no SQLi rules", App, "WebAcl", func(f *Fixture) {
		p := f.Props(App, "WebAcl")
		p["Rules"] = append(L{p["Rules"].(L)[0]}, p["Rules"].(L)[2:]...)
	}}},
	"LS-WAF-002": {{"rate limit 10000", Edge, "EdgeWebAcl", func(f *Fixture) {
		f.Props(Edge, "EdgeWebAcl")["Rules"].(L)[3].(M)["Statement"].(M)["RateBasedStatement"].(M)["Limit"] = 10000
	}}},
	"LS-WAF-003": {{"ALB unprotected", App, "Alb", remove(App, "AlbWaf")},
		{"API stage unprotected", App, "ApiStage", remove(App, "ApiWaf")},
		{"distribution unprotected", Edge, "Distribution", func(f *Fixture) {
			delete(f.Props(Edge, "Distribution")["DistributionConfig"].(M), "WebACLId")
		}}},

	"LS-API-001": {{"no access logs", App, "ApiStage", del(App, "ApiStage", "AccessLogSetting")}},
	"LS-API-002": {{"open ingest", App, "ApiIngestPost", set(App, "ApiIngestPost", "AuthorizationType", "NONE")}},
	"LS-API-003": {{"TLS 1.0 domain", App, "ApiDomain", set(App, "ApiDomain", "SecurityPolicy", "TLS_1_0")}},
	"LS-COG-001": {{"MFA optional", App, "UserPool", set(App, "UserPool", "MfaConfiguration", "OPTIONAL")}},
	"LS-COG-002": {{"audit only", App, "UserPool", set(App, "UserPool", "UserPoolAddOns", M{"AdvancedSecurityMode": "AUDIT"})}},
	"LS-COG-003": {{"identity pool", App, "Identities", func(f *Fixture) {
		f.Add(App, "Identities", "AWS::Cognito::IdentityPool", M{"AllowUnauthenticatedIdentities": false})
	}}},

	"LS-AUD-001": {{"no detector", Foundation, "", remove(Foundation, "Detector")},
		{"detector disabled", Foundation, "Detector", set(Foundation, "Detector", "Enable", false)}},
	"LS-AUD-002": {{"findings go nowhere", Foundation, "", remove(Foundation, "GuardDutyFindings")}},
	"LS-AUD-004": {{"no RDS login events", Foundation, "Detector", func(f *Fixture) {
		f.Props(Foundation, "Detector")["Features"].(L)[1].(M)["Status"] = "DISABLED"
	}}, {"no ECS agent", Foundation, "Detector", func(f *Fixture) {
		f.Props(Foundation, "Detector")["Features"].(L)[2].(M)["AdditionalConfiguration"] = L{}
	}}},
	"LS-AUD-003": {{"single-region trail", Foundation, "Trail", set(Foundation, "Trail", "IsMultiRegionTrail", false)},
		{"no trail", Foundation, "", remove(Foundation, "Trail")}},

	"LS-TAG-001": {{"no Owner tag", Data, "Table", func(f *Fixture) {
		p := f.Props(Data, "Table")
		var keep L
		for _, t := range p["Tags"].(L) {
			if t.(M)["Key"] != "Owner" {
				keep = append(keep, t)
			}
		}
		p["Tags"] = keep
	}}, {"untagged queue", App, "WorkDlq", del(App, "WorkDlq", "Tags")}},
	"LS-TAG-002": {{"Backup=hourly", Data, "Table", func(f *Fixture) {
		for _, t := range f.Props(Data, "Table")["Tags"].(L) {
			if t.(M)["Key"] == "Backup" {
				t.(M)["Value"] = "hourly"
			}
		}
	}}, {"Environment tag of another environment", App, "Repo", func(f *Fixture) {
		for _, t := range f.Props(App, "Repo")["Tags"].(L) {
			if t.(M)["Key"] == "Environment" {
				t.(M)["Value"] = "dev"
			}
		}
	}}},
	"LS-MON-001": {{"no DLQ alarm", App, "WorkDlq", remove(App, "WorkDlqDepth")}},
	"LS-MON-002": {{"no errors alarm", App, "NotifyFunction", remove(App, "NotifyFunctionErrors")}},
	"LS-MON-003": {{"silent alarm", App, "WorkQueueDepth", del(App, "WorkQueueDepth", "AlarmActions")},
		{"actions disabled", App, "IngestFunctionErrors", set(App, "IngestFunctionErrors", "ActionsEnabled", false)}},
	"LS-ARC-001": {{"worker in the database stack", Data, "DbWorker", func(f *Fixture) {
		f.tag(Data, "DbWorker", "AWS::Lambda::Function", M{"Runtime": "provided.al2023", "Handler": "bootstrap",
			"Code": M{"S3Bucket": "cdk-assets", "S3Key": "w.zip"}, "Role": att("DbWorkerRole", "Arn")})
	}}},
	"LS-ECS-008": {{"all tasks stopped during deploys", App, "Service", func(f *Fixture) {
		f.Props(App, "Service")["DeploymentConfiguration"].(M)["MinimumHealthyPercent"] = 0
	}}},
	"LS-SES-001": {{"DKIM off", App, "MailIdentity", set(App, "MailIdentity", "DkimAttributes", M{"SigningEnabled": false})}},
}
