// Package data creates the stateful stores of a labsecure environment with the secure choice
// as the default: Aurora (PostgreSQL or MySQL), DynamoDB tables, DocumentDB, ElastiCache Redis
// and AWS Backup plans. Every store is encrypted with a customer-managed key passed by the
// caller, lives in the VPC's isolated subnets when it is network-attached, admits traffic only
// from the security groups it is given, and keeps backups.
//
// Constructors follow one shape: New<Store>(scope, id, *Props) (*Store, error). Props use
// plain Go types; Validate reports the first invalid prop, naming it and the fix. Opt-outs of
// a secure default are named Disable... and documented on the prop.
package data
