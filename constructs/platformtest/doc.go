// Package platformtest synthesizes the data and compute constructs once (TestMain: one app,
// one stack in 111111111111 / us-east-1, each construct with default props plus variations)
// and checks their secure defaults on the template JSON with constructs/cfn: the right key
// on every encrypted resource, isolated subnets for databases, security-group ingress only
// from the given groups, TLS settings, ALB listeners and health checks, log retention and
// encryption, ECR scanning and lifecycle, credential rotation, IAM scoping. It also checks
// that every invalid prop is rejected with an error naming the prop and the fix.
//
// Run (the CDK validator costs ~40 s per synth on a loaded machine; switch it off from the
// environment, never with os.Setenv):
//
//	CDK_VALIDATION=false PATH=$PWD/.tools/node_modules/.bin:$PATH go test ./constructs/platformtest/
//
// PLATFORMTEST_OUT=dir keeps the cloud assembly in dir for inspection.
package platformtest
