package controls_test

import (
	"testing"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

// FuzzEvaluate: no template, however malformed its property types, makes a check panic.
func FuzzEvaluate(f *testing.F) {
	fx := controltest.Compliant()
	for _, n := range fx.Names() {
		data, err := fx.JSON(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketEncryption":"x","LifecycleConfiguration":{"Rules":[1,"a",{"Status":"Enabled","NoncurrentVersionExpiration":{"NoncurrentDays":"x"}}]}}}}}`))
	f.Add([]byte(`{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"RedrivePolicy":{"deadLetterTargetArn":{"Fn::GetAtt":["Q","Arn"]}},"KmsMasterKeyId":{"Fn::ImportValue":{"Ref":"x"}}}},"P":{"Type":"AWS::IAM::Policy","Properties":{"PolicyDocument":{"Statement":{"Effect":"Allow","Action":["*",3],"Resource":{"a":1}}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := cfn.Parse(data)
		if err != nil {
			return
		}
		_, _ = controls.Evaluate([]*cfn.Stack{{StackName: "fuzz", Template: tpl}}, controls.Options{Now: evalTime})
	})
}
