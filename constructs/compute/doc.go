// Package compute creates the workloads of a labsecure environment with the secure choice as
// the default: ECR repositories, ECS Fargate services behind an HTTPS-only load balancer,
// queue workers, and Go Lambda functions built from prebuilt bootstrap binaries.
//
// Constructors follow one shape: New<Thing>(scope, id, *Props) (*Thing, error). Props use
// plain Go types; Validate reports the first invalid prop, naming it and the fix. Synth never
// needs Docker or a Go toolchain for Lambda code: images come from a registry URI or an ECR
// repository and tag, Lambda code from a directory holding a prebuilt `bootstrap`.
package compute
