// Package removalpolicy turns the Retain switch every labsecure construct has into the CDK
// removal policy, so that the decision "what happens to this resource when its stack is
// deleted" is made in one place.
package removalpolicy

import "github.com/aws/aws-cdk-go/awscdk/v2"

// Of returns RETAIN when retain is set, else DESTROY.
func Of(retain bool) awscdk.RemovalPolicy {
	if retain {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}

// OrSnapshot returns RETAIN when retain is set, else SNAPSHOT: databases are never destroyed
// without a final snapshot.
func OrSnapshot(retain bool) awscdk.RemovalPolicy {
	if retain {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_SNAPSHOT
}
