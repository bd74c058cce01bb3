// Command notify is the Lambda consuming the notification queue (SES e-mail without PHI).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
)

func main() {
	h, err := awswire.Notify(context.Background(), os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start(h.Handle)
}
