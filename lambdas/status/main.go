// Command status is the Lambda behind GET /api/v1/status/{result_id} and GET /api/v1/health.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

func main() {
	svc, log, err := awswire.Service(context.Background(), handler.RoleStatus, os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start((&handler.Status{Svc: svc, Log: log}).Handle)
}
