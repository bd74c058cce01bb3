// Package appcontext holds the CDK feature flags every labsecure app and construct test runs
// with. They are the recommended flags of the pinned CDK CLI (aws-cdk 2.1148.1, file
// lib/init-templates/.recommended-feature-flags.json), applied in code rather than through
// cdk.json so that `cdk synth`, a directly run app and the tests synthesize identical
// templates (a directly run app ignores cdk.json).
package appcontext

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed featureflags.json
var featureFlagsJSON []byte

// FeatureFlags returns a fresh copy of the feature flags, ready for awscdk.AppProps
// PostCliContext (which neither cdk.json nor -c can override).
func FeatureFlags() *map[string]any {
	var m map[string]any
	if err := json.Unmarshal(featureFlagsJSON, &m); err != nil {
		// The file is embedded at build time and checked by a test; failing here means the
		// binary itself is corrupt.
		panic(fmt.Sprintf("appcontext: embedded featureflags.json: %v", err))
	}
	return &m
}

// Context returns the feature flags plus the settings the CDK CLI passes that the templates
// depend on: construct paths in resource metadata (aws:cdk:path), which every control finding
// and report names. Use it as awscdk.AppProps PostCliContext.
func Context() *map[string]any {
	m := FeatureFlags()
	(*m)["aws:cdk:enable-path-metadata"] = true
	return m
}
