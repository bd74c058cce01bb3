// Package stacks composes the labsecure constructs into the stacks of one environment:
// foundation (keys, network, logging), database, application, pipeline and edge. Every value
// that differs between environments comes from config.Environment.
package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/tags"
	"github.com/labsecure/labsecure/infra/config"
)

// MetadataKey is the template-level Metadata key under which every labsecure stack records
// its environment and the environment values the control checks depend on.
const MetadataKey = "Labsecure"

// newStack creates one stack of the environment, named "labsecure-<env>-<part>", tagged with
// the mandatory tags and the given Component, and stamped with the control metadata. The
// stacks it is built on are declared as explicit dependencies before anything is added: KMS
// grants then name the account in the key policy of the earlier stack, never a role of the
// later one (which would make the two stacks depend on each other).
func newStack(scope constructs.Construct, env *config.Environment, part, component, description string, after ...awscdk.Stack) (awscdk.Stack, error) {
	return newStackIn(scope, env, env.Region, part, component, description, after...)
}

// newStackIn is newStack for a stack in another region than the environment's (the replica).
func newStackIn(scope constructs.Construct, env *config.Environment, region, part, component, description string, after ...awscdk.Stack) (awscdk.Stack, error) {
	name := env.StackName(part)
	stack := awscdk.NewStack(scope, jsii.String(name), &awscdk.StackProps{
		StackName:             jsii.String(name),
		Description:           jsii.String(fmt.Sprintf("labsecure %s %s (%s)", env.Name, part, description)),
		Env:                   &awscdk.Environment{Account: jsii.String(env.Account), Region: jsii.String(region)},
		TerminationProtection: jsii.Bool(env.DeletionProtection),
	})
	for _, dep := range after {
		stack.AddStackDependency(dep, jsii.String(part+" is built on "+*dep.StackName()))
	}
	// The VPC construct checks its AZs against the stack's AZ lookup; answering the lookup
	// from config keeps synth offline and the AZ names deterministic.
	azKey := fmt.Sprintf("availability-zones:account=%s:region=%s", env.Account, region)
	stack.Node().SetContext(jsii.String(azKey), config.AvailabilityZonesOf(region, env.AZCount))
	t := env.MandatoryTags()
	t["Component"] = component
	if err := tags.Apply(stack, t); err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	notApplicable := map[string]any{}
	for id, reason := range env.NotApplicable {
		notApplicable[id] = reason
	}
	stack.AddMetadata(jsii.String(MetadataKey), map[string]any{
		"Environment":           env.Name,
		"Part":                  part,
		"BackupRetentionDays":   env.BackupRetentionDays,
		"AppLogRetentionDays":   env.AppLogRetentionDays,
		"AuditLogRetentionDays": env.AuditLogRetentionDays,
		"NoncurrentVersionDays": env.NoncurrentVersionDays,
		"DeletionProtection":    env.DeletionProtection,
		"MultiAZDatabase":       env.DatabaseReaders > 0,
		"MultiAz":               env.NATGateways == env.AZCount,
		"DbReaders":             env.DatabaseReaders,
		"LogRetentionDays":      env.AppLogRetentionDays,
		"NotApplicable":         notApplicable,
	})
	return stack, nil
}
