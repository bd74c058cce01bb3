package awsadapter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline"
)

// MaxObjectSize bounds what Get reads into memory (raw payloads and PDFs are far smaller).
const MaxObjectSize = 32 << 20

// BlobStore is pipeline.BlobStore on one S3 bucket.
type BlobStore struct {
	s3       *s3.Client
	presign  *s3.PresignClient
	bucket   string
	kmsKeyID string
}

var _ pipeline.BlobStore = (*BlobStore)(nil)

// NewBlobStore returns a BlobStore on bucket. When kmsKeyID (key id, ARN or alias) is set,
// every Put asks for SSE-KMS with that key (aws:kms) and an S3 bucket key; otherwise the
// bucket's default encryption applies. presign may be nil when PresignGet is not used.
func NewBlobStore(client *s3.Client, presign *s3.PresignClient, bucket, kmsKeyID string) *BlobStore {
	return &BlobStore{s3: client, presign: presign, bucket: bucket, kmsKeyID: kmsKeyID}
}

// Put implements pipeline.BlobStore.
func (b *BlobStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(b.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String(contentType),
	}
	if b.kmsKeyID != "" {
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		in.SSEKMSKeyId = aws.String(b.kmsKeyID)
		in.BucketKeyEnabled = aws.Bool(true)
	}
	if _, err := b.s3.PutObject(ctx, in); err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", b.bucket, key, err)
	}
	return nil
}

// Get implements pipeline.BlobStore; a missing key is an error matching pipeline.ErrNotFound.
func (b *BlobStore) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("get s3://%s/%s: %w", b.bucket, key, pipeline.ErrNotFound)
		}
		return nil, fmt.Errorf("get s3://%s/%s: %w", b.bucket, key, err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, MaxObjectSize+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", b.bucket, key, err)
	}
	if len(body) > MaxObjectSize {
		return nil, fmt.Errorf("get s3://%s/%s: object is larger than %d bytes", b.bucket, key, MaxObjectSize)
	}
	return body, nil
}

// PresignGet implements pipeline.BlobStore. ttl must be in (0, pipeline.MaxPresignTTL]; the
// object must exist (pipeline.ErrNotFound otherwise) so that no URL to nothing is handed out.
func (b *BlobStore) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > pipeline.MaxPresignTTL {
		return "", fmt.Errorf("presign s3://%s/%s: ttl %s is outside (0, %s]; pass a ttl of at most one hour", b.bucket, key, ttl, pipeline.MaxPresignTTL)
	}
	if b.presign == nil {
		return "", fmt.Errorf("presign s3://%s/%s: no presign client; pass s3.NewPresignClient(client) to NewBlobStore", b.bucket, key)
	}
	if _, err := b.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)}); err != nil {
		if isNotFound(err) {
			return "", fmt.Errorf("presign s3://%s/%s: %w", b.bucket, key, pipeline.ErrNotFound)
		}
		return "", fmt.Errorf("presign s3://%s/%s: head: %w", b.bucket, key, err)
	}
	req, err := b.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)}, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign s3://%s/%s: %w", b.bucket, key, err)
	}
	return req.URL, nil
}
