// Package localrun runs the lab-results pipeline on the local emulators: it creates the
// buckets, queues (each with a DLQ and a redrive policy) and tables, wires the real Lambda
// handler functions (package handler) to the aws-sdk-go-v2 adapters (package awsadapter) and
// drives them the way AWS would: API Gateway proxy events into the ingest handler, and SQS
// events built from real ReceiveMessage calls into the worker and notify handlers, deleting
// only the messages the handler did not report as batch item failures.
//
// The end-to-end test (e2e_test.go here) and the demo (cmd/demo) use it. They live under
// lambdas/ because Go forbids importing lambdas/internal/... from test/.
package localrun
