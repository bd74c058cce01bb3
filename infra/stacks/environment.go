package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/labsecure/labsecure/infra/config"
)

// Environment is every stack of one environment.
type Environment struct {
	Config     *config.Environment
	Foundation *Foundation
	Database   *Database
}

// Build validates the environment's configuration and creates all its stacks under scope.
func Build(scope constructs.Construct, env *config.Environment) (*Environment, error) {
	if err := env.Validate(); err != nil {
		return nil, err
	}
	e := &Environment{Config: env}
	var err error
	if e.Foundation, err = NewFoundation(scope, env); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	if e.Database, err = NewDatabase(scope, env, e.Foundation); err != nil {
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
	return out
}
