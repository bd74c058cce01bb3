// Command notify is the Lambda consuming the notification queue (SES e-mail without PHI).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
	"github.com/labsecure/labsecure/lambdas/internal/pipeline/handler"
)

func main() {
	svc, log, err := awswire.Service(context.Background(), handler.RoleNotify, os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start((&handler.Notify{Svc: svc, Log: log}).Handle)
}
