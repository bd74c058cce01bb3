// Package foundationtest tests the foundation constructs (keys, logs, storage, network, tags)
// on one synthesized app: the secure defaults are read from the template JSON and every bad
// prop must produce an error that names it.
package foundationtest
