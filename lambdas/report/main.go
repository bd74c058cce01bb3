// Command report is the Lambda behind GET /api/v1/results/{result_id}/report and direct portal invocations.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
)

func main() {
	h, err := awswire.Report(context.Background(), os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start(h.Handle)
}
