// Command ingest is the Lambda behind POST /api/v1/ingest (API Gateway REST, proxy integration).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
)

func main() {
	h, err := awswire.Ingest(context.Background(), os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start(h.Handle)
}
