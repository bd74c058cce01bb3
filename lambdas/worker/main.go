// Command worker is the Lambda consuming the lab-results queue (partial batch failures).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

func main() {
	svc, log, err := awswire.Service(context.Background(), handler.RoleWorker, os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start((&handler.Worker{Svc: svc, Log: log}).Handle)
}
