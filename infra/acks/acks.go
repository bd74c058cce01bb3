// Package acks is the acknowledgement register of labsecure: every accepted finding of a
// security control (or cdk-nag rule), with its reason, owner and expiry. It is reviewed in
// code like any other change; an entry that expires makes its finding fail again.
package acks

import (
	"slices"

	"github.com/labsecure/labsecure/constructs/controls"
)

// Register is the whole register: the accepted control findings (Controls) and the accepted
// cdk-nag findings (Nag, in nag.go). The synth gate, cdk-nag suppressions and every report
// read it.
var Register = slices.Concat(Controls, Nag)

// Controls lists the accepted control findings. Keep it empty unless a finding cannot be fixed now;
// every entry needs a reason of at least 20 characters, an owner and an expiry within a
// year. Example:
//
//	{
//		ControlID:   "LS-CF-001",
//		Environment: "dev",
//		Resource:    "labsecure-dev-edge/Portal/**",
//		Reason:      "dev has no domain: the default CloudFront certificate cannot enforce TLSv1.2_2021",
//		Owner:       "platform@labsecure.example",
//		Expires:     time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC),
//	}
var Controls = []controls.Acknowledgement{}
