package data

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbackup"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// BackupTagKey and BackupTagValue select resources when no Resources are given (the seed 003
// tagging strategy: Backup=daily).
const (
	BackupTagKey   = "Backup"
	BackupTagValue = "daily"
)

// BackupPlanProps configures an AWS Backup plan and its vault.
type BackupPlanProps struct {
	// Key encrypts the backup vault. Required.
	Key awskms.IKey
	// DailyRetentionDays is how long daily recovery points are kept, 7 to 3650. Required.
	DailyRetentionDays int
	// WeeklyRetentionDays adds a weekly rule (Saturday 05:00 UTC) whose recovery points are
	// kept that long; it must exceed DailyRetentionDays. Default: 0 (no weekly rule).
	WeeklyRetentionDays int
	// Resources are the ARNs of the resources to back up (tokens such as a cluster's
	// ClusterArn are fine). Default: none, and every resource tagged Backup=daily is selected.
	Resources []string
	// VaultName names the vault. Default: generated.
	VaultName string
	// DisableDeletionBlock allows deleting recovery points from the vault. Default: false
	// (the vault's access policy denies backup:DeleteRecoveryPoint and the like).
	DisableDeletionBlock bool
	// Retain keeps the vault on stack deletion. Default: false (DESTROY; fails while it holds
	// recovery points).
	Retain bool
}

var vaultNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{2,50}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *BackupPlanProps) Validate() error {
	if p == nil {
		return fmt.Errorf("data: backup props are required; fix: pass &data.BackupPlanProps{Key: ..., DailyRetentionDays: ...}")
	}
	if p.Key == nil {
		return fmt.Errorf("data: backup Key is nil; fix: pass the customer-managed key that encrypts the vault")
	}
	if p.DailyRetentionDays < 7 || p.DailyRetentionDays > 3650 {
		return fmt.Errorf("data: backup DailyRetentionDays %d is out of range; fix: use 7 to 3650 (seed 000: 35 in prod)", p.DailyRetentionDays)
	}
	if p.WeeklyRetentionDays != 0 && (p.WeeklyRetentionDays <= p.DailyRetentionDays || p.WeeklyRetentionDays > 3650) {
		return fmt.Errorf("data: backup WeeklyRetentionDays %d must exceed DailyRetentionDays %d (and be at most 3650); fix: use 0 for no weekly rule or a longer retention", p.WeeklyRetentionDays, p.DailyRetentionDays)
	}
	for i, r := range p.Resources {
		if r == "" {
			return fmt.Errorf("data: backup Resources[%d] is empty; fix: pass resource ARNs or leave Resources empty to select by tag %s=%s", i, BackupTagKey, BackupTagValue)
		}
	}
	if p.VaultName != "" && !vaultNameRE.MatchString(p.VaultName) {
		return fmt.Errorf("data: backup VaultName %q is invalid; fix: use 2-50 letters, digits, '-' or '_'", p.VaultName)
	}
	return nil
}

// BackupPlan is an AWS Backup plan, its vault and selection.
type BackupPlan struct {
	Plan      awsbackup.BackupPlan
	Vault     awsbackup.BackupVault
	Selection awsbackup.BackupSelection
}

// NewBackupPlan creates a vault encrypted with Key (recovery point deletion blocked), a plan
// with a daily rule at 05:00 UTC (after the databases' 03:00-04:00 backup window) kept
// DailyRetentionDays and an optional weekly rule, and a selection of Resources, or of every
// resource tagged Backup=daily when none are given.
func NewBackupPlan(scope constructs.Construct, id string, props *BackupPlanProps) (*BackupPlan, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	self := constructs.NewConstruct(scope, jsii.String(id))
	removal := removalpolicy.Of(props.Retain)
	vp := &awsbackup.BackupVaultProps{
		EncryptionKey:              props.Key,
		BlockRecoveryPointDeletion: jsii.Bool(!props.DisableDeletionBlock),
		RemovalPolicy:              removal,
	}
	if props.VaultName != "" {
		vp.BackupVaultName = jsii.String(props.VaultName)
	}
	vault := awsbackup.NewBackupVault(self, jsii.String("Vault"), vp)

	rule := func(name string, cron *awsevents.CronOptions, days int) awsbackup.BackupPlanRule {
		return awsbackup.NewBackupPlanRule(&awsbackup.BackupPlanRuleProps{
			RuleName:           jsii.String(name),
			BackupVault:        vault,
			ScheduleExpression: awsevents.Schedule_Cron(cron),
			StartWindow:        awscdk.Duration_Hours(jsii.Number(1)),
			CompletionWindow:   awscdk.Duration_Hours(jsii.Number(8)),
			DeleteAfter:        awscdk.Duration_Days(jsii.Number(float64(days))),
		})
	}
	rules := []awsbackup.BackupPlanRule{
		rule("daily", &awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("5")}, props.DailyRetentionDays),
	}
	if props.WeeklyRetentionDays > 0 {
		rules = append(rules, rule("weekly", &awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("5"), WeekDay: jsii.String("SAT")}, props.WeeklyRetentionDays))
	}
	plan := awsbackup.NewBackupPlan(self, jsii.String("Plan"), &awsbackup.BackupPlanProps{
		BackupPlanName:  jsii.String(defaultIdentifier(*awscdk.Stack_Of(scope).StackName(), id)),
		BackupVault:     vault,
		BackupPlanRules: &rules,
	})

	var resources []awsbackup.BackupResource
	if len(props.Resources) == 0 {
		resources = append(resources, awsbackup.BackupResource_FromTag(jsii.String(BackupTagKey), jsii.String(BackupTagValue), awsbackup.TagOperation_STRING_EQUALS))
	}
	for _, arn := range props.Resources {
		resources = append(resources, awsbackup.BackupResource_FromArn(jsii.String(arn)))
	}
	sel := plan.AddSelection(jsii.String("Selection"), &awsbackup.BackupSelectionOptions{
		Resources:     &resources,
		AllowRestores: jsii.Bool(true),
	})
	return &BackupPlan{Plan: plan, Vault: vault, Selection: sel}, nil
}
