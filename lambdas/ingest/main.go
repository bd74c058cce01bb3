// Command ingest is the Lambda behind POST /api/v1/ingest (API Gateway REST, proxy integration).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

func main() {
	svc, log, err := awswire.Service(context.Background(), handler.RoleIngest, os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start((&handler.Ingest{Svc: svc, Log: log}).Handle)
}
