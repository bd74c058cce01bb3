// Package awsadapter implements the lab-results pipeline ports (package pipeline) with
// aws-sdk-go-v2:
//
//   - BlobStore:   S3 (PutObject with SSE-KMS when a key is configured, GetObject, presigned GET).
//   - Queue:       SQS (SendMessage; Receive/Delete/ChangeVisibility for long-polling runners).
//   - ResultStore: one DynamoDB table (ResultsTableSchema) implementing the IngestionStore,
//     ResultStore, NotificationStore and ContactStore ports with conditional writes and
//     TransactWriteItems.
//   - AuditLog:    an append-only DynamoDB table (AuditTableSchema): PutItem with
//     attribute_not_exists only.
//   - Mailer:      SES v2 SendEmail with a configuration set; permanent rejections are wrapped
//     with pipeline.Permanent, throttling / 5xx / network errors stay transient.
//
// Errors never quote item contents (PHI): they name the operation, the table or bucket and
// the AWS error code.
package awsadapter
