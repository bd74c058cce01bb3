// Command worker is the Lambda consuming the lab-results queue (partial batch failures).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/labsecure/labsecure/lambdas/internal/pipeline/awswire"
)

func main() {
	h, err := awswire.Worker(context.Background(), os.Getenv)
	if err != nil {
		awswire.Fatal(err)
	}
	lambda.Start(h.Handle)
}
