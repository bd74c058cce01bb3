// Package tags applies the mandatory tags of the tagging strategy (seed 003: Environment,
// Application, Component, CostCenter, Owner, Compliance, Backup, Encryption) and fails synth
// on any taggable resource that ends up without one of them.
package tags

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Mandatory lists the tag keys every taggable resource must carry (seed 003 "Mandatory Tags").
var Mandatory = []string{"Environment", "Application", "Component", "CostCenter", "Owner", "Compliance", "Backup", "Encryption"}

// valueRE is the character set every AWS service accepts in tag values (some, like Cognito,
// reject commas): letters, digits, spaces and + - = . _ : / @.
var valueRE = regexp.MustCompile(`^[\p{L}\p{N}\p{Z}+\-=._:/@]{1,256}$`)

// Apply tags every taggable resource under scope with the given key/value pairs. It rejects
// empty keys and values or characters some AWS services refuse in tags.
func Apply(scope constructs.IConstruct, tags map[string]string) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := tags[k]
		if strings.TrimSpace(k) == "" {
			return fmt.Errorf("tags: empty tag key; fix: use one of %v", Mandatory)
		}
		if !valueRE.MatchString(v) {
			return fmt.Errorf("tags: tag %s=%q is empty or has characters some AWS services reject; fix: use letters, digits, spaces and + - = . _ : / @ (no commas)", k, v)
		}
		awscdk.Tags_Of(scope).Add(jsii.String(k), jsii.String(v), nil)
	}
	return nil
}

// Enforce registers a read-only aspect on scope that runs after every tag has been applied and
// adds a synth error to each taggable resource missing one of the required keys. `cdk synth`
// fails on such errors; the labsecure app fails on them too.
func Enforce(scope constructs.IConstruct, required []string) {
	awscdk.Aspects_Of(scope).Add(&checker{required: required}, &awscdk.AspectOptions{Priority: awscdk.AspectPriority_READONLY()})
}

type checker struct{ required []string }

// Visit implements awscdk.IAspect.
func (c *checker) Visit(node constructs.IConstruct) {
	if !*awscdk.CfnResource_IsCfnResource(node) {
		return
	}
	tm := awscdk.TagManager_Of(node)
	if tm == nil {
		return // not a taggable resource type
	}
	have := tm.TagValues()
	var missing []string
	for _, k := range c.required {
		if v, ok := (*have)[k]; !ok || v == nil || *v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		awscdk.Annotations_Of(node).AddError(jsii.String(fmt.Sprintf(
			"[labsecure:tags] %s is missing mandatory tags %s (seed 003 tagging strategy); fix: apply them with tags.Apply on the stack or the resource",
			*node.Node().Path(), strings.Join(missing, ", "))))
	}
}
