package controltest

const (
	certArn     = "arn:aws:acm:us-east-1:111111111111:certificate/0f8b7c1e-1111-2222-3333-444455556666"
	keyArn      = "prod-foundation:KeyArn"
	logBucket   = "prod-foundation:LogBucketName"
	vpcID       = "prod-foundation:VpcId"
	dbSgID      = "prod-data:DbSgId"
	albDNS      = "prod-app:AlbDns"
	alertTopic  = "prod-foundation:AlertTopic"
	lifecycleOK = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}`
)

func subnetExport(tier string, i int) string {
	return "prod-foundation:" + tier + "Subnet" + string(rune('0'+i))
}

func meta(part string) M {
	return M{"Environment": "prod", "Part": part, "BackupRetentionDays": 35, "AppLogRetentionDays": 14,
		"LogRetentionDays": 60, "MultiAz": true, "MultiAZDatabase": true, "DbReaders": 2,
		"DeletionProtection": true, "NoncurrentVersionDays": 180, "NotApplicable": M{}}
}

// tlsPolicy is a bucket / queue / topic policy document denying non-TLS and TLS < 1.2.
func tlsPolicy(resource any, bucket bool) M {
	st := L{M{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": M{"AWS": "*"}, "Action": "*",
		"Resource": resource, "Condition": M{"Bool": M{"aws:SecureTransport": "false"}}}}
	if bucket {
		st = append(st, M{"Sid": "DenyOldTLS", "Effect": "Deny", "Principal": M{"AWS": "*"}, "Action": "s3:*",
			"Resource": resource, "Condition": M{"NumericLessThan": M{"s3:TlsVersion": 1.2}}})
	}
	return M{"Version": "2012-10-17", "Statement": st}
}

// bucket adds a compliant KMS data bucket with its policy.
func (f *Fixture) bucket(stack, id string) {
	f.tag(stack, id, "AWS::S3::Bucket", M{
		"BucketEncryption": M{"ServerSideEncryptionConfiguration": L{M{"ServerSideEncryptionByDefault": M{
			"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": imp(keyArn)}}}},
		"PublicAccessBlockConfiguration": M{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		"VersioningConfiguration":        M{"Status": "Enabled"},
		"LoggingConfiguration":           M{"DestinationBucketName": imp(logBucket), "LogFilePrefix": id + "/"},
		"LifecycleConfiguration":         M{"Rules": L{M{"Id": "noncurrent", "Status": "Enabled", "NoncurrentVersionExpiration": M{"NoncurrentDays": 180}}}},
	})
	f.Add(stack, id+"Policy", "AWS::S3::BucketPolicy", M{"Bucket": ref(id),
		"PolicyDocument": tlsPolicy(L{att(id, "Arn"), join(att(id, "Arn"), "/*")}, true)})
}

func (f *Fixture) logGroup(stack, id string, days int) {
	f.tag(stack, id, "AWS::Logs::LogGroup", M{"RetentionInDays": days, "KmsKeyId": imp(keyArn)})
}

func (f *Fixture) role(stack, id, service string) {
	f.tag(stack, id, "AWS::IAM::Role", M{"AssumeRolePolicyDocument": doc(M{"Effect": "Allow",
		"Principal": M{"Service": service}, "Action": "sts:AssumeRole"})})
}

func (f *Fixture) policy(stack, id, role string, statements ...any) {
	f.Add(stack, id, "AWS::IAM::Policy", M{"PolicyName": id, "Roles": L{ref(role)}, "PolicyDocument": doc(statements...)})
}

func wafRules() L {
	managed := func(name string, prio int) M {
		return M{"Name": name, "Priority": prio, "OverrideAction": M{"None": M{}},
			"Statement":        M{"ManagedRuleGroupStatement": M{"VendorName": "AWS", "Name": name}},
			"VisibilityConfig": M{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": name}}
	}
	return L{managed("AWSManagedRulesCommonRuleSet", 1), managed("AWSManagedRulesSQLiRuleSet", 2),
		managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
		M{"Name": "RateLimit", "Priority": 4, "Action": M{"Block": M{}},
			"Statement":        M{"RateBasedStatement": M{"Limit": 2000, "AggregateKeyType": "IP", "EvaluationWindowSec": 300}},
			"VisibilityConfig": M{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "RateLimit"}}}
}

// Compliant returns a fresh four-stack "prod" environment that passes every control of the
// catalog (LS-IAM-004 and LS-COG-003, prohibitions, report SKIP).
func Compliant() *Fixture {
	f := newFixture()
	f.foundation()
	f.data()
	f.app()
	f.edge()
	return f
}

func (f *Fixture) foundation() {
	s := Foundation
	f.stack(s, meta("foundation"))
	f.tag(s, "Key", "AWS::KMS::Key", M{"EnableKeyRotation": true, "KeyPolicy": doc(M{"Effect": "Allow",
		"Principal": M{"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"})})
	f.export(s, keyArn, att("Key", "Arn"))

	f.tag(s, "Vpc", "AWS::EC2::VPC", M{"CidrBlock": "10.0.0.0/16"})
	f.export(s, vpcID, ref("Vpc"))
	f.tag(s, "Igw", "AWS::EC2::InternetGateway", nil)
	f.Add(s, "IgwAttachment", "AWS::EC2::VPCGatewayAttachment", M{"VpcId": ref("Vpc"), "InternetGatewayId": ref("Igw")})
	for i := 1; i <= 2; i++ {
		for _, tier := range []string{"Public", "Private", "Isolated"} {
			sn := tier + "Subnet" + string(rune('0'+i))
			rt := sn + "RouteTable"
			f.tag(s, sn, "AWS::EC2::Subnet", M{"VpcId": ref("Vpc"), "AvailabilityZone": az(i - 1),
				"CidrBlock": "10.0." + string(rune('0'+i)) + ".0/24"})
			f.tag(s, rt, "AWS::EC2::RouteTable", M{"VpcId": ref("Vpc")})
			f.Add(s, sn+"Association", "AWS::EC2::SubnetRouteTableAssociation", M{"SubnetId": ref(sn), "RouteTableId": ref(rt)})
			f.export(s, subnetExport(tier, i), ref(sn))
		}
		pub := "PublicSubnet" + string(rune('0'+i))
		nat := "Nat" + string(rune('0'+i))
		f.tag(s, nat+"Eip", "AWS::EC2::EIP", M{"Domain": "vpc"})
		f.tag(s, nat, "AWS::EC2::NatGateway", M{"SubnetId": ref(pub), "AllocationId": att(nat+"Eip", "AllocationId")})
		f.Add(s, pub+"DefaultRoute", "AWS::EC2::Route", M{"RouteTableId": ref(pub + "RouteTable"),
			"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": ref("Igw")})
		priv := "PrivateSubnet" + string(rune('0'+i))
		f.Add(s, priv+"DefaultRoute", "AWS::EC2::Route", M{"RouteTableId": ref(priv + "RouteTable"),
			"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": ref(nat)})
	}
	f.logGroup(s, "FlowLogGroup", 365)
	f.role(s, "FlowLogRole", "vpc-flow-logs.amazonaws.com")
	f.policy(s, "FlowLogRolePolicy", "FlowLogRole",
		allow(L{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, att("FlowLogGroup", "Arn")))
	f.Add(s, "FlowLog", "AWS::EC2::FlowLog", M{"ResourceId": ref("Vpc"), "ResourceType": "VPC", "TrafficType": "ALL",
		"LogDestinationType": "cloud-watch-logs", "LogGroupName": ref("FlowLogGroup"), "DeliverLogsPermissionArn": att("FlowLogRole", "Arn")})
	f.Add(s, "VpcRestrictDefaultSecurityGroup", "Custom::VpcRestrictDefaultSG", M{
		"ServiceToken":           att("CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E", "Arn"),
		"DefaultSecurityGroupId": att("Vpc", "DefaultSecurityGroup")})

	// Log bucket: SSE-S3 (log delivery cannot use a customer key), archived and expired.
	f.tag(s, "LogBucket", "AWS::S3::Bucket", M{
		"BucketEncryption":               M{"ServerSideEncryptionConfiguration": L{M{"ServerSideEncryptionByDefault": M{"SSEAlgorithm": "AES256"}}}},
		"PublicAccessBlockConfiguration": M{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		"VersioningConfiguration":        M{"Status": "Enabled"},
		"LifecycleConfiguration": M{"Rules": L{M{"Id": "archive", "Status": "Enabled", "ExpirationInDays": 730,
			"Transitions": L{M{"StorageClass": "GLACIER", "TransitionInDays": 90}}, "NoncurrentVersionExpiration": M{"NoncurrentDays": 365}}}},
	})
	f.Add(s, "LogBucketPolicy", "AWS::S3::BucketPolicy", M{"Bucket": ref("LogBucket"),
		"PolicyDocument": tlsPolicy(L{att("LogBucket", "Arn"), join(att("LogBucket", "Arn"), "/*")}, true)})
	f.export(s, logBucket, ref("LogBucket"))

	f.tag(s, "Detector", "AWS::GuardDuty::Detector", M{"Enable": true, "Features": L{
		M{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}, M{"Name": "RDS_LOGIN_EVENTS", "Status": "ENABLED"},
		M{"Name": "RUNTIME_MONITORING", "Status": "ENABLED", "AdditionalConfiguration": L{
			M{"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"}}}}})
	f.tag(s, "AlertTopic", "AWS::SNS::Topic", M{"KmsMasterKeyId": ref("Key")})
	f.export(s, alertTopic, ref("AlertTopic"))
	f.Add(s, "AlertTopicPolicy", "AWS::SNS::TopicPolicy", M{"Topics": L{ref("AlertTopic")}, "PolicyDocument": tlsPolicy(ref("AlertTopic"), false)})
	f.Add(s, "GuardDutyFindings", "AWS::Events::Rule", M{"EventPattern": M{"source": L{"aws.guardduty"}},
		"Targets": L{M{"Id": "Target0", "Arn": ref("AlertTopic")}}})
	f.tag(s, "Trail", "AWS::CloudTrail::Trail", M{"IsLogging": true, "IsMultiRegionTrail": true,
		"EnableLogFileValidation": true, "KMSKeyId": att("Key", "Arn"), "S3BucketName": ref("LogBucket")})
}

func (f *Fixture) data() {
	s := Data
	f.stack(s, meta("database"))
	isolated := L{imp(subnetExport("Isolated", 1)), imp(subnetExport("Isolated", 2))}
	f.tag(s, "DbSubnetGroup", "AWS::RDS::DBSubnetGroup", M{"DBSubnetGroupDescription": "isolated", "SubnetIds": isolated})
	f.tag(s, "DbSecurityGroup", "AWS::EC2::SecurityGroup", M{"GroupDescription": "database", "VpcId": imp(vpcID),
		"SecurityGroupEgress": L{M{"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "Description": "Disallow all traffic"}}})
	f.export(s, dbSgID, att("DbSecurityGroup", "GroupId"))
	f.tag(s, "DbParams", "AWS::RDS::DBClusterParameterGroup", M{"Family": "aurora-postgresql16", "Description": "tls",
		"Parameters": M{"rds.force_ssl": "1"}})
	f.tag(s, "DbSecret", "AWS::SecretsManager::Secret", M{"KmsKeyId": imp(keyArn),
		"GenerateSecretString": M{"SecretStringTemplate": `{"username":"labsecure"}`, "GenerateStringKey": "password"}})
	f.Add(s, "DbSecretRotation", "AWS::SecretsManager::RotationSchedule", M{"SecretId": ref("DbSecret"),
		"RotationRules": M{"ScheduleExpression": "rate(30 days)"}, "HostedRotationLambda": M{"RotationType": "PostgreSQLSingleUser"}})
	f.tag(s, "Database", "AWS::RDS::DBCluster", M{"Engine": "aurora-postgresql", "StorageEncrypted": true,
		"KmsKeyId": imp(keyArn), "EnableIAMDatabaseAuthentication": true, "BackupRetentionPeriod": 35,
		"DBClusterParameterGroupName": ref("DbParams"), "DBSubnetGroupName": ref("DbSubnetGroup"),
		"VpcSecurityGroupIds": L{att("DbSecurityGroup", "GroupId")}, "MasterUsername": "labsecure",
		"MasterUserPassword": join("{{resolve:secretsmanager:", ref("DbSecret"), ":SecretString:password::}}"),
		"DeletionProtection": true})
	f.Resource(s, "Database")["DeletionPolicy"] = "Snapshot"
	for _, id := range []string{"DatabaseWriter", "DatabaseReader1", "DatabaseReader2"} {
		f.tag(s, id, "AWS::RDS::DBInstance", M{"DBClusterIdentifier": ref("Database"), "Engine": "aurora-postgresql",
			"DBInstanceClass": "db.r7g.large", "PubliclyAccessible": false})
	}
	f.tag(s, "Table", "AWS::DynamoDB::Table", M{"BillingMode": "PAY_PER_REQUEST",
		"KeySchema":                        L{M{"AttributeName": "pk", "KeyType": "HASH"}},
		"AttributeDefinitions":             L{M{"AttributeName": "pk", "AttributeType": "S"}},
		"SSESpecification":                 M{"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": imp(keyArn)},
		"PointInTimeRecoverySpecification": M{"PointInTimeRecoveryEnabled": true}, "DeletionProtectionEnabled": true})
	f.Resource(s, "Table")["DeletionPolicy"] = "Retain"

	f.Add(s, "DocSubnetGroup", "AWS::DocDB::DBSubnetGroup", M{"DBSubnetGroupDescription": "isolated", "SubnetIds": isolated})
	f.Add(s, "DocParams", "AWS::DocDB::DBClusterParameterGroup", M{"Family": "docdb5.0", "Description": "tls", "Parameters": M{"tls": "enabled"}})
	f.tag(s, "DocSecret", "AWS::SecretsManager::Secret", M{"KmsKeyId": imp(keyArn),
		"GenerateSecretString": M{"SecretStringTemplate": `{"username":"labsecure"}`, "GenerateStringKey": "password"}})
	f.Add(s, "DocSecretAttachment", "AWS::SecretsManager::SecretTargetAttachment", M{"SecretId": ref("DocSecret"),
		"TargetId": ref("DocCluster"), "TargetType": "AWS::DocDB::DBCluster"})
	// As aws-cdk-lib generates it: the schedule names the attachment, whose Ref is the secret.
	f.Add(s, "DocSecretRotation", "AWS::SecretsManager::RotationSchedule", M{"SecretId": ref("DocSecretAttachment"),
		"RotationRules": M{"AutomaticallyAfterDays": 30}, "HostedRotationLambda": M{"RotationType": "MongoDBSingleUser"}})
	f.tag(s, "DocCluster", "AWS::DocDB::DBCluster", M{"StorageEncrypted": true, "KmsKeyId": imp(keyArn),
		"DBSubnetGroupName": ref("DocSubnetGroup"), "DBClusterParameterGroupName": ref("DocParams"),
		"VpcSecurityGroupIds": L{att("DbSecurityGroup", "GroupId")}, "BackupRetentionPeriod": 35, "MasterUsername": "labsecure",
		"MasterUserPassword": join("{{resolve:secretsmanager:", ref("DocSecret"), ":SecretString:password::}}"),
		"DeletionProtection": true})
	f.Resource(s, "DocCluster")["DeletionPolicy"] = "Snapshot"
	for _, id := range []string{"DocInstance1", "DocInstance2", "DocInstance3"} {
		f.tag(s, id, "AWS::DocDB::DBInstance", M{"DBClusterIdentifier": ref("DocCluster"), "DBInstanceClass": "db.r6g.large"})
	}
	f.tag(s, "CacheSubnetGroup", "AWS::ElastiCache::SubnetGroup", M{"Description": "isolated", "SubnetIds": isolated})
	f.tag(s, "Cache", "AWS::ElastiCache::ReplicationGroup", M{"ReplicationGroupDescription": "sessions", "Engine": "redis",
		"TransitEncryptionEnabled": true, "AtRestEncryptionEnabled": true, "KmsKeyId": imp(keyArn),
		"MultiAZEnabled": true, "AutomaticFailoverEnabled": true, "NumCacheClusters": 2,
		"CacheSubnetGroupName": ref("CacheSubnetGroup"), "SecurityGroupIds": L{att("DbSecurityGroup", "GroupId")}})
}

func (f *Fixture) app() {
	s := App
	f.stack(s, meta("application"))
	private := L{imp(subnetExport("Private", 1)), imp(subnetExport("Private", 2))}
	public := L{imp(subnetExport("Public", 1)), imp(subnetExport("Public", 2))}

	f.tag(s, "AlbSecurityGroup", "AWS::EC2::SecurityGroup", M{"GroupDescription": "alb", "VpcId": imp(vpcID),
		"SecurityGroupIngress": L{M{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443},
			M{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}}})
	f.tag(s, "AppSecurityGroup", "AWS::EC2::SecurityGroup", M{"GroupDescription": "app", "VpcId": imp(vpcID),
		"SecurityGroupIngress": L{M{"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "SourceSecurityGroupId": att("AlbSecurityGroup", "GroupId")}},
		"SecurityGroupEgress":  L{M{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}}})
	f.Add(s, "DbIngressFromApp", "AWS::EC2::SecurityGroupIngress", M{"GroupId": imp(dbSgID), "IpProtocol": "tcp",
		"FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": att("AppSecurityGroup", "GroupId")})

	f.tag(s, "Alb", "AWS::ElasticLoadBalancingV2::LoadBalancer", M{"Scheme": "internet-facing", "Type": "application",
		"Subnets": public, "SecurityGroups": L{att("AlbSecurityGroup", "GroupId")},
		"LoadBalancerAttributes": L{M{"Key": "access_logs.s3.enabled", "Value": "true"}, M{"Key": "access_logs.s3.bucket", "Value": imp(logBucket)}}})
	f.export(s, albDNS, att("Alb", "DNSName"))
	f.tag(s, "TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", M{"Port": 8000, "Protocol": "HTTP", "TargetType": "ip",
		"VpcId": imp(vpcID), "HealthCheckPath": "/health", "HealthCheckIntervalSeconds": 30, "HealthyThresholdCount": 2,
		"UnhealthyThresholdCount": 3, "HealthCheckTimeoutSeconds": 5})
	f.Add(s, "HttpsListener", "AWS::ElasticLoadBalancingV2::Listener", M{"LoadBalancerArn": ref("Alb"), "Protocol": "HTTPS", "Port": 443,
		"SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "Certificates": L{M{"CertificateArn": certArn}},
		"DefaultActions": L{M{"Type": "forward", "TargetGroupArn": ref("TargetGroup")}}})
	f.Add(s, "HttpListener", "AWS::ElasticLoadBalancingV2::Listener", M{"LoadBalancerArn": ref("Alb"), "Protocol": "HTTP", "Port": 80,
		"DefaultActions": L{M{"Type": "redirect", "RedirectConfig": M{"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}}})
	f.tag(s, "WebAcl", "AWS::WAFv2::WebACL", M{"Scope": "REGIONAL", "DefaultAction": M{"Allow": M{}}, "Rules": wafRules(),
		"VisibilityConfig": M{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "app"}})
	f.Add(s, "AlbWaf", "AWS::WAFv2::WebACLAssociation", M{"ResourceArn": ref("Alb"), "WebACLArn": att("WebAcl", "Arn")})

	// ECS service
	f.tag(s, "Cluster", "AWS::ECS::Cluster", M{"Configuration": M{"ManagedStorageConfiguration": M{"FargateEphemeralStorageKmsKeyId": imp(keyArn)}}})
	f.logGroup(s, "WebLogGroup", 14)
	f.tag(s, "Repo", "AWS::ECR::Repository", M{"ImageScanningConfiguration": M{"ScanOnPush": true},
		"ImageTagMutability": "IMMUTABLE", "LifecyclePolicy": M{"LifecyclePolicyText": lifecycleOK}})
	f.role(s, "TaskRole", "ecs-tasks.amazonaws.com")
	f.policy(s, "TaskRolePolicy", "TaskRole", allow(L{"s3:GetObject*", "s3:PutObject"}, join(att("DataBucket", "Arn"), "/*")),
		allow(L{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, "*"))
	f.role(s, "ExecutionRole", "ecs-tasks.amazonaws.com")
	f.policy(s, "ExecutionRolePolicy", "ExecutionRole", allow("ecr:GetAuthorizationToken", "*"),
		allow(L{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, att("Repo", "Arn")),
		allow(L{"logs:CreateLogStream", "logs:PutLogEvents"}, att("WebLogGroup", "Arn")))
	f.tag(s, "TaskDefinition", "AWS::ECS::TaskDefinition", M{"RequiresCompatibilities": L{"FARGATE"}, "NetworkMode": "awsvpc",
		"Cpu": "1024", "Memory": "2048", "TaskRoleArn": att("TaskRole", "Arn"), "ExecutionRoleArn": att("ExecutionRole", "Arn"),
		"ContainerDefinitions": L{M{"Name": "web", "Image": "111111111111.dkr.ecr.us-east-1.amazonaws.com/web:v1.0.0",
			"Environment": L{M{"Name": "PORT", "Value": "8000"}},
			"Secrets":     L{M{"Name": "DB_PASSWORD", "ValueFrom": imp("prod-data:DbSecretArn")}},
			"LogConfiguration": M{"LogDriver": "awslogs", "Options": M{"awslogs-group": ref("WebLogGroup"),
				"awslogs-stream-prefix": "web", "awslogs-region": "us-east-1"}}}}})
	f.tag(s, "Service", "AWS::ECS::Service", M{"Cluster": ref("Cluster"), "TaskDefinition": ref("TaskDefinition"),
		"LaunchType": "FARGATE", "DesiredCount": 2,
		"NetworkConfiguration": M{"AwsvpcConfiguration": M{"AssignPublicIp": "DISABLED", "Subnets": private,
			"SecurityGroups": L{att("AppSecurityGroup", "GroupId")}}},
		"DeploymentConfiguration": M{"DeploymentCircuitBreaker": M{"Enable": true, "Rollback": true}, "MinimumHealthyPercent": 100},
		"LoadBalancers":           L{M{"ContainerName": "web", "ContainerPort": 8000, "TargetGroupArn": ref("TargetGroup")}}})
	f.Add(s, "ScalableTarget", "AWS::ApplicationAutoScaling::ScalableTarget", M{"MinCapacity": 2, "MaxCapacity": 4,
		"ResourceId": join("service/", ref("Cluster"), "/", att("Service", "Name")), "ScalableDimension": "ecs:service:DesiredCount",
		"ServiceNamespace": "ecs"})
	for id, metric := range map[string]string{"CpuScaling": "ECSServiceAverageCPUUtilization", "MemoryScaling": "ECSServiceAverageMemoryUtilization"} {
		f.Add(s, id, "AWS::ApplicationAutoScaling::ScalingPolicy", M{"PolicyName": id, "PolicyType": "TargetTrackingScaling",
			"ScalingTargetId": ref("ScalableTarget"), "TargetTrackingScalingPolicyConfiguration": M{"TargetValue": 60,
				"PredefinedMetricSpecification": M{"PredefinedMetricType": metric}}})
	}

	// Lambda functions, each with its own role, log group and alarm.
	f.tag(s, "LambdaSecurityGroup", "AWS::EC2::SecurityGroup", M{"GroupDescription": "lambda", "VpcId": imp(vpcID),
		"SecurityGroupEgress": L{M{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}}})
	for _, name := range []string{"Ingest", "Notify"} {
		fn, role, lg := name+"Function", name+"Role", name+"LogGroup"
		f.role(s, role, "lambda.amazonaws.com")
		f.logGroup(s, lg, 60)
		f.policy(s, role+"Policy", role, allow(L{"logs:CreateLogStream", "logs:PutLogEvents"}, att(lg, "Arn")),
			allow(L{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"}, "*"),
			allow("sqs:SendMessage", att("WorkQueue", "Arn")))
		f.tag(s, fn, "AWS::Lambda::Function", M{"Runtime": "provided.al2023", "Handler": "bootstrap", "Architectures": L{"arm64"},
			"Code": M{"S3Bucket": "cdk-assets", "S3Key": name + ".zip"}, "Role": att(role, "Arn"),
			"VpcConfig":     M{"SubnetIds": private, "SecurityGroupIds": L{att("LambdaSecurityGroup", "GroupId")}},
			"LoggingConfig": M{"LogGroup": ref(lg), "LogFormat": "JSON"}})
		f.tag(s, fn+"Errors", "AWS::CloudWatch::Alarm", M{"Namespace": "AWS/Lambda", "MetricName": "Errors",
			"Dimensions": L{M{"Name": "FunctionName", "Value": ref(fn)}}, "Statistic": "Sum", "Period": 300,
			"EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"AlarmActions": L{imp(alertTopic)}})
	}

	// Queues
	f.tag(s, "WorkDlq", "AWS::SQS::Queue", M{"KmsMasterKeyId": imp(keyArn), "MessageRetentionPeriod": 1209600})
	f.tag(s, "WorkQueue", "AWS::SQS::Queue", M{"KmsMasterKeyId": imp(keyArn), "ReceiveMessageWaitTimeSeconds": 20,
		"RedrivePolicy": M{"deadLetterTargetArn": att("WorkDlq", "Arn"), "maxReceiveCount": 5}})
	f.Add(s, "WorkQueuePolicy", "AWS::SQS::QueuePolicy", M{"Queues": L{ref("WorkQueue"), ref("WorkDlq")},
		"PolicyDocument": tlsPolicy(L{att("WorkQueue", "Arn"), att("WorkDlq", "Arn")}, false)})
	for _, q := range []string{"WorkQueue", "WorkDlq"} {
		f.tag(s, q+"Depth", "AWS::CloudWatch::Alarm", M{"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
			"Dimensions": L{M{"Name": "QueueName", "Value": att(q, "QueueName")}}, "Statistic": "Maximum", "Period": 300,
			"EvaluationPeriods": 1, "Threshold": 100, "ComparisonOperator": "GreaterThanThreshold",
			"AlarmActions": L{imp(alertTopic)}})
	}

	// Data bucket, critical: replicated.
	f.bucket(s, "DataBucket")
	f.Props(s, "DataBucket")["Tags"] = append(f.Props(s, "DataBucket")["Tags"].(L), M{"Key": "Critical", "Value": "true"})
	f.Props(s, "DataBucket")["ReplicationConfiguration"] = M{"Role": att("ReplicationRole", "Arn"),
		"Rules": L{M{"Status": "Enabled", "Destination": M{"Bucket": "arn:aws:s3:::labsecure-prod-dr"}}}}
	f.role(s, "ReplicationRole", "s3.amazonaws.com")

	// API
	f.tag(s, "Api", "AWS::ApiGateway::RestApi", M{"Name": "labsecure"})
	f.Add(s, "ApiV1", "AWS::ApiGateway::Resource", M{"RestApiId": ref("Api"), "ParentId": att("Api", "RootResourceId"), "PathPart": "v1"})
	f.Add(s, "ApiHealth", "AWS::ApiGateway::Resource", M{"RestApiId": ref("Api"), "ParentId": ref("ApiV1"), "PathPart": "health"})
	f.Add(s, "ApiIngest", "AWS::ApiGateway::Resource", M{"RestApiId": ref("Api"), "ParentId": ref("ApiV1"), "PathPart": "ingest"})
	f.Add(s, "ApiHealthGet", "AWS::ApiGateway::Method", M{"RestApiId": ref("Api"), "ResourceId": ref("ApiHealth"),
		"HttpMethod": "GET", "AuthorizationType": "NONE"})
	f.Add(s, "ApiIngestPost", "AWS::ApiGateway::Method", M{"RestApiId": ref("Api"), "ResourceId": ref("ApiIngest"),
		"HttpMethod": "POST", "AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": ref("ApiAuthorizer")})
	f.Add(s, "ApiAuthorizer", "AWS::ApiGateway::Authorizer", M{"RestApiId": ref("Api"), "Type": "COGNITO_USER_POOLS",
		"ProviderARNs": L{att("UserPool", "Arn")}})
	f.logGroup(s, "ApiAccessLogs", 365)
	f.tag(s, "ApiStage", "AWS::ApiGateway::Stage", M{"RestApiId": ref("Api"), "StageName": "v1",
		"AccessLogSetting": M{"DestinationArn": att("ApiAccessLogs", "Arn"), "Format": `{"requestId":"$context.requestId"}`}})
	f.Add(s, "ApiWaf", "AWS::WAFv2::WebACLAssociation", M{"WebACLArn": att("WebAcl", "Arn"),
		"ResourceArn": join("arn:aws:apigateway:us-east-1::/restapis/", ref("Api"), "/stages/", ref("ApiStage"))})
	f.tag(s, "ApiDomain", "AWS::ApiGateway::DomainName", M{"DomainName": "api.labsecure.example",
		"RegionalCertificateArn": certArn, "SecurityPolicy": "TLS_1_2"})
	f.tag(s, "UserPool", "AWS::Cognito::UserPool", M{"MfaConfiguration": "ON",
		"UserPoolAddOns": M{"AdvancedSecurityMode": "ENFORCED"}})
	f.Add(s, "MailIdentity", "AWS::SES::EmailIdentity", M{"EmailIdentity": "labsecure.example", "DkimAttributes": M{"SigningEnabled": true}})

	// EC2 worker (seed 001)
	f.role(s, "WorkerRole", "ec2.amazonaws.com")
	f.Add(s, "WorkerProfile", "AWS::IAM::InstanceProfile", M{"Roles": L{ref("WorkerRole")}})
	f.tag(s, "Worker", "AWS::EC2::Instance", M{"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.small",
		"SubnetId": imp(subnetExport("Private", 1)), "IamInstanceProfile": ref("WorkerProfile"),
		"SecurityGroupIds":    L{att("AppSecurityGroup", "GroupId")},
		"BlockDeviceMappings": L{M{"DeviceName": "/dev/xvda", "Ebs": M{"Encrypted": true, "KmsKeyId": imp(keyArn), "VolumeSize": 20}}}})
	f.tag(s, "ScratchVolume", "AWS::EC2::Volume", M{"AvailabilityZone": az(0), "Size": 10, "Encrypted": true, "KmsKeyId": imp(keyArn)})
}

func (f *Fixture) edge() {
	s := Edge
	f.stack(s, meta("edge"))
	f.bucket(s, "SiteBucket")
	f.Props(s, "SiteBucket")["CorsConfiguration"] = M{"CorsRules": L{M{"AllowedMethods": L{"GET"},
		"AllowedOrigins": L{"https://portal.labsecure.example"}}}}
	f.Add(s, "SiteOac", "AWS::CloudFront::OriginAccessControl", M{"OriginAccessControlConfig": M{"Name": "site",
		"OriginAccessControlOriginType": "s3", "SigningBehavior": "always", "SigningProtocol": "sigv4"}})
	f.tag(s, "EdgeWebAcl", "AWS::WAFv2::WebACL", M{"Scope": "CLOUDFRONT", "DefaultAction": M{"Allow": M{}}, "Rules": wafRules(),
		"VisibilityConfig": M{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "edge"}})
	// CloudFront standard logging v2 into a KMS log bucket (vended delivery accepts SSE-KMS).
	f.bucket(s, "EdgeLogs")
	delete(f.Props(s, "EdgeLogs"), "LoggingConfiguration")
	f.Props(s, "EdgeLogs")["LifecycleConfiguration"] = M{"Rules": L{M{"Id": "archive", "Status": "Enabled", "ExpirationInDays": 730,
		"Transitions": L{M{"StorageClass": "GLACIER", "TransitionInDays": 90}}, "NoncurrentVersionExpiration": M{"NoncurrentDays": 365}}}}
	f.Add(s, "EdgeLogDestination", "AWS::Logs::DeliveryDestination", M{"Name": "edge-logs",
		"DestinationResourceArn": join(att("EdgeLogs", "Arn"), "/cloudfront")})
	f.tag(s, "Distribution", "AWS::CloudFront::Distribution", M{"DistributionConfig": M{"Enabled": true,
		"Aliases":           L{"portal.labsecure.example"},
		"ViewerCertificate": M{"AcmCertificateArn": certArn, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"},
		"DefaultCacheBehavior": M{"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https", "Compress": true,
			"CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
		"CacheBehaviors": L{M{"PathPattern": "/api/*", "TargetOriginId": "alb", "ViewerProtocolPolicy": "https-only", "Compress": true,
			"CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}},
		"Origins": L{
			M{"Id": "site", "DomainName": att("SiteBucket", "RegionalDomainName"), "S3OriginConfig": M{"OriginAccessIdentity": ""},
				"OriginAccessControlId": att("SiteOac", "Id")},
			M{"Id": "alb", "DomainName": imp(albDNS), "CustomOriginConfig": M{"OriginProtocolPolicy": "https-only",
				"OriginSSLProtocols": L{"TLSv1.2"}}}},
		"WebACLId": att("EdgeWebAcl", "Arn")}})
}
