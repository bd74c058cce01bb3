package appcontext

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/cfn"
)

// NewApp returns an app with the labsecure context (Context) that synthesizes into outdir;
// an empty outdir leaves the choice to CDK (CDK_OUTDIR under the CLI, else a temp dir).
func NewApp(outdir string) awscdk.App {
	props := &awscdk.AppProps{PostCliContext: Context()}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}

// Synth synthesizes app and reads the resulting cloud assembly. What jsii raises during
// synthesis (a failed validation, a construct error) comes back as an error instead of a
// panic; dir is the assembly directory when synthesis got that far.
func Synth(app awscdk.App) (stacks []*cfn.Stack, dir string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("synth: %v", r)
		}
	}()
	asm := app.Synth(nil)
	dir = *asm.Directory()
	stacks, err = cfn.LoadAssembly(dir)
	return stacks, dir, err
}
