// Package servicestest tests the service constructs (identity, messaging, edge, api, audit) on
// one synthesized app: TestMain builds every construct with its defaults and with variations,
// synthesizes once, and the tests read the template JSON with constructs/cfn. Every invalid
// prop must produce an error that names the prop and the fix.
//
// Run: CDK_VALIDATION=false go test ./constructs/servicestest/
package servicestest
