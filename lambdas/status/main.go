// Command status is the Lambda behind GET /api/v1/status/{result_id} and GET /api/v1/health.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
)

func main() {
	h, err := awswire.Status(context.Background(), os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start(h.Handle)
}
