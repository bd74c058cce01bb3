package stacks

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/cdkgate"
	"github.com/labsecure/labsecure/constructs/tags"
	"github.com/labsecure/labsecure/infra/config"
)

// Environment is every stack of one environment.
type Environment struct {
	Config      *config.Environment
	Foundation  *Foundation
	Database    *Database
	Application *Application
	Edge        *Edge
	Pipeline    *Pipeline
	Replica     *Replica // nil without a ReplicaRegion
}

// Build validates the environment's configuration and creates all its stacks under scope.
func Build(scope constructs.Construct, env *config.Environment) (*Environment, error) {
	if err := env.Validate(); err != nil {
		return nil, fmt.Errorf("environment %s is not valid:\n%w", env.Name, err)
	}
	e := &Environment{Config: env}
	var err error
	if e.Foundation, err = NewFoundation(scope, env); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if e.Database, err = NewDatabase(scope, env, e.Foundation); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if e.Application, err = NewApplication(scope, env, e.Foundation, e.Database); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if env.ReplicaRegion != "" {
		if e.Replica, err = NewReplica(scope, env); err != nil {
			return nil, fmt.Errorf("environment %s: %w", env.Name, err)
		}
	}
	if e.Pipeline, err = NewPipeline(scope, env, e.Foundation, e.Application, e.Replica); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if e.Edge, err = NewEdge(scope, env, e.Foundation, e.Application); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	return e, nil
}

// Stacks returns the environment's stacks in deployment order.
func (e *Environment) Stacks() []awscdk.Stack {
	var out []awscdk.Stack
	if e.Foundation != nil {
		out = append(out, e.Foundation.Stack)
	}
	if e.Database != nil {
		out = append(out, e.Database.Stack)
	}
	if e.Application != nil {
		out = append(out, e.Application.Stack)
	}
	if e.Replica != nil {
		out = append(out, e.Replica.Stack)
	}
	if e.Pipeline != nil {
		out = append(out, e.Pipeline.Stack)
	}
	if e.Edge != nil {
		out = append(out, e.Edge.Stack)
	}
	return out
}

// App is what BuildApp built.
type App struct {
	Environments []*Environment
	// Gate is the control catalog, registered as a policy validation plugin: synth runs it
	// over every template. Check Gate.OK() after synth: under the cdk CLI a failing plugin
	// does not make Synth throw.
	Gate *cdkgate.Plugin
}

// BuildApp builds every given environment under app and adds what checks the whole app: the
// mandatory-tag enforcement, the cdk-nag packs with the register's cdk-nag acknowledgements
// (unexpired at now) applied as suppressions, and the control gate with the register's
// control acknowledgements. Errors of all environments are returned together.
func BuildApp(app awscdk.App, envs []*config.Environment, register []controls.Acknowledgement, now time.Time) (*App, error) {
	return buildApp(app, envs, register, now, true)
}

// buildApp is BuildApp; nag=false (tests and benchmarks only, see export_test.go) leaves the
// cdk-nag packs out to measure what they cost.
func buildApp(app awscdk.App, envs []*config.Environment, register []controls.Acknowledgement, now time.Time, nag bool) (*App, error) {
	out := &App{}
	var errs []error
	for _, env := range envs {
		built, err := Build(app, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		SuppressNag(env.Name, built.Stacks(), register, now)
		out.Environments = append(out.Environments, built)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	tags.Enforce(app, tags.Mandatory)
	if nag {
		ApplyNag(app)
	}
	out.Gate = cdkgate.NewWithOptions(cdkgate.Options{Acks: register, Now: now})
	awscdk.Validations_Of(app).AddPlugins(out.Gate)
	return out, nil
}
