// Package platformtest synthesizes the data and compute constructs once and checks their
// secure defaults on the template JSON (constructs/cfn), plus the prop validation errors.
//
// Run: CDK_VALIDATION=false go test ./constructs/platformtest/
package platformtest
