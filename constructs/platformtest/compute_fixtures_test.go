package platformtest

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/compute"
	"github.com/labsecure/labsecure/constructs/storage"
)

// placeholderCert is the kind of imported ARN the environment config passes when no domain
// is configured.
const placeholderCert = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"

// lambdaAssetDir holds a dummy bootstrap for the function fixtures; removed after the tests.
var lambdaAssetDir string

// buildCompute adds the compute constructs: defaults plus variations.
func buildCompute(stack awscdk.Stack, s *shared) error {
	logBucket, err := storage.NewLogBucket(stack, "LogBucket", nil)
	if err != nil {
		return err
	}
	record("logBucket", logBucket)
	repo, err := compute.NewRepository(stack, "Repo", &compute.RepositoryProps{Name: "labsecure/backend", Key: s.dataKey})
	if err != nil {
		return err
	}
	record("repo", repo)
	dbSecret := awssecretsmanager.NewSecret(stack, jsii.String("AppSecret"), &awssecretsmanager.SecretProps{EncryptionKey: s.secretsKey})
	record("appSecret", dbSecret)
	s.logBucket, s.repo, s.secret = logBucket, repo, dbSecret

	web, err := compute.NewFargateService(stack, "Web", &compute.FargateServiceProps{
		TaskProps: compute.TaskProps{
			Repository: repo, ImageTag: "v1.0.0",
			LogsKey: s.logsKey, LogRetentionDays: 14,
			Environment: map[string]string{"APP_ENV": "test"},
			Secrets:     map[string]compute.SecretRef{"DB_PASSWORD": {Secret: dbSecret, Field: "password"}},
		},
		Vpc: s.vpc, CertificateARN: placeholderCert, AccessLogs: logBucket, ClusterStorageKey: s.dataKey,
	})
	if err != nil {
		return err
	}
	record("webALBSG", web.LoadBalancerSecurityGroup)
	record("webTaskSG", web.ServiceSecurityGroup)
	record("webLogs", web.LogGroup)
	record("webTaskRole", web.TaskRole)
	record("webExecRole", web.ExecutionRole)

	cluster, err := compute.NewCluster(stack, "SharedCluster", &compute.ClusterProps{Vpc: s.vpc, Name: "pt-shared", EphemeralStorageKey: s.dataKey})
	if err != nil {
		return err
	}
	record("sharedCluster", cluster)
	web2, err := compute.NewFargateService(stack, "Web2", &compute.FargateServiceProps{
		TaskProps: compute.TaskProps{
			ImageURI: "public.ecr.aws/nginx/nginx:1.27", CPU: 1024, MemoryMiB: 2048, Arm64: true,
			LogsKey: s.logsKey, LogRetentionDays: 60, User: "101:101", WritablePaths: []string{"/tmp", "/var/cache/nginx"},
		},
		Vpc: s.vpc, Cluster: cluster, CertificateARN: placeholderCert, AccessLogs: logBucket,
		ContainerPort: 9000, MinCount: 1, MaxCount: 2, HealthCheckPath: "/healthz",
		DisableDeletionProtection: true, CPUTargetPercent: 60,
	})
	if err != nil {
		return err
	}
	record("web2ALBSG", web2.LoadBalancerSecurityGroup)
	record("web2TaskSG", web2.ServiceSecurityGroup)

	jobs := awssqs.NewQueue(stack, jsii.String("Jobs"), &awssqs.QueueProps{EncryptionMasterKey: s.dataKey, Encryption: awssqs.QueueEncryption_KMS})
	record("jobs", jobs)
	s.queue = jobs
	worker, err := compute.NewWorkerService(stack, "Worker", &compute.WorkerServiceProps{
		TaskProps: compute.TaskProps{ImageURI: "public.ecr.aws/docker/library/busybox:1.36", LogsKey: s.logsKey, LogRetentionDays: 14},
		Vpc:       s.vpc, Cluster: cluster, Queue: jobs, MaxCount: 6,
	})
	if err != nil {
		return err
	}
	record("workerSG", worker.ServiceSecurityGroup)
	record("workerTaskRole", worker.TaskRole)

	lambdaAssetDir, err = os.MkdirTemp("", "platformtest-lambda-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(lambdaAssetDir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		return fmt.Errorf("write dummy bootstrap: %w", err)
	}
	alarms := awssns.NewTopic(stack, jsii.String("Alarms"), nil)
	record("alarms", alarms)
	s.alarms = alarms
	fn, err := compute.NewGoFunction(stack, "FnIngest", &compute.GoFunctionProps{
		AssetDir: lambdaAssetDir, Vpc: s.vpc, EnvironmentKey: s.dataKey, LogsKey: s.logsKey, LogRetentionDays: 14,
		Environment: map[string]string{"STAGE": "test"}, AlarmTopic: alarms,
	})
	if err != nil {
		return err
	}
	record("fnIngestRole", fn.Role)
	record("fnIngestSG", fn.SecurityGroup)
	record("fnIngestLogs", fn.LogGroup)
	record("fnIngestAlarm", fn.ErrorsAlarm)
	failures := awssqs.NewQueue(stack, jsii.String("Failures"), &awssqs.QueueProps{Encryption: awssqs.QueueEncryption_KMS, EncryptionMasterKey: s.dataKey})
	record("failures", failures)
	fn2, err := compute.NewGoFunction(stack, "FnNotify", &compute.GoFunctionProps{
		AssetDir: lambdaAssetDir, Vpc: s.vpc, EnvironmentKey: s.dataKey, LogsKey: s.logsKey, LogRetentionDays: 30,
		Timeout: 60 * time.Second, MemoryMiB: 512, ReservedConcurrency: 5, OnFailure: failures, DeadLetterQueue: failures,
		AlarmTopic: alarms, SecretsExtension: true,
	})
	if err != nil {
		return err
	}
	record("fnNotifyRole", fn2.Role)
	record("fnNotifyLogs", fn2.LogGroup)
	record("fnNotifyAlarm", fn2.ErrorsAlarm)
	return nil
}
