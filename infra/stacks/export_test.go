package stacks

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/infra/config"
)

// BuildAppWithoutNag builds the app without the cdk-nag packs, for the benchmark that
// measures what cdk-nag costs. Test-only: the real app always runs cdk-nag.
func BuildAppWithoutNag(app awscdk.App, envs []*config.Environment, register []controls.Acknowledgement, now time.Time) (*App, error) {
	return buildApp(app, envs, register, now, false)
}
