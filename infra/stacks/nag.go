package stacks

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/labsecure/labsecure/constructs/controls"
)

// NagPacks are the cdk-nag rule packs every environment is checked against.
var NagPacks = []string{"AwsSolutions", "HIPAA.Security"}

// ApplyNag adds the cdk-nag AwsSolutions and HIPAA Security packs to scope. cdk-nag writes its
// findings as synth annotations (errors fail the synth) and a CSV report per stack and pack
// into the cloud assembly.
func ApplyNag(scope constructs.IConstruct) {
	props := &cdknag.NagPackProps{Reports: jsii.Bool(true), Verbose: jsii.Bool(true)}
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(props), &awscdk.AspectOptions{Priority: awscdk.AspectPriority_READONLY()})
	awscdk.Aspects_Of(scope).Add(cdknag.NewHIPAASecurityChecks(props), &awscdk.AspectOptions{Priority: awscdk.AspectPriority_READONLY()})
}

// SuppressNag turns the register's unexpired acknowledgements of cdk-nag rules into cdk-nag
// suppressions on the matching resources of one environment's stacks. The suppression reason
// carries the owner and the expiry, so they show in cdk-nag's own report. Expired
// acknowledgements are not applied: their findings fail the synth again. It returns how many
// resources each acknowledgement covered, so an acknowledgement that matches nothing shows.
func SuppressNag(env string, stacks []awscdk.Stack, register []controls.Acknowledgement, now time.Time) map[int]int {
	covered := map[int]int{}
	var active []int
	for i, a := range register {
		if strings.HasPrefix(a.ControlID, "LS-") || a.Expired(now) {
			continue
		}
		if a.Environment == "*" || a.Environment == env {
			active = append(active, i)
		}
	}
	if len(active) == 0 {
		return covered
	}
	for _, stack := range stacks {
		for _, node := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			if !*awscdk.CfnResource_IsCfnResource(node) {
				continue
			}
			path := *node.Node().Path()
			var sup []*cdknag.NagPackSuppression
			for _, i := range active {
				a := register[i]
				if !a.Covers(a.ControlID, env, path) {
					continue
				}
				covered[i]++
				sup = append(sup, &cdknag.NagPackSuppression{
					Id:     jsii.String(a.ControlID),
					Reason: jsii.String(fmt.Sprintf("%s (acknowledged by %s until %s)", a.Reason, a.Owner, a.Expires.Format("2006-01-02"))),
				})
			}
			if len(sup) > 0 {
				cdknag.NagSuppressions_AddResourceSuppressions(node, &sup, jsii.Bool(false))
			}
		}
	}
	return covered
}
