package stacks

import (
	"fmt"

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
