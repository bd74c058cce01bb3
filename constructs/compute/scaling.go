package compute

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"
)

// Default target-tracking targets.
const (
	DefaultCPUTargetPercent    = 70
	DefaultMemoryTargetPercent = 75
)

// checkTargets validates CPUTargetPercent and MemoryTargetPercent (0 means the default).
func checkTargets(pkg string, cpu, mem int) error {
	for _, v := range []struct {
		name string
		val  int
	}{{"CPUTargetPercent", cpu}, {"MemoryTargetPercent", mem}} {
		if v.val < 0 || v.val > 95 || v.val > 0 && v.val < 10 {
			return fmt.Errorf("%s %s %d is out of range; fix: use 10 to 95 (defaults %d / %d)", pkg, v.name, v.val, DefaultCPUTargetPercent, DefaultMemoryTargetPercent)
		}
	}
	return nil
}

// addUtilizationScaling adds CPU and memory target tracking (0 targets take the defaults).
func addUtilizationScaling(scaling awsecs.ScalableTaskCount, cpu, mem int) {
	if cpu == 0 {
		cpu = DefaultCPUTargetPercent
	}
	if mem == 0 {
		mem = DefaultMemoryTargetPercent
	}
	scaling.ScaleOnCpuUtilization(jsii.String("Cpu"), &awsecs.CpuUtilizationScalingProps{
		TargetUtilizationPercent: jsii.Number(float64(cpu)),
		ScaleInCooldown:          awscdk.Duration_Seconds(jsii.Number(120)),
		ScaleOutCooldown:         awscdk.Duration_Seconds(jsii.Number(60)),
	})
	scaling.ScaleOnMemoryUtilization(jsii.String("Memory"), &awsecs.MemoryUtilizationScalingProps{
		TargetUtilizationPercent: jsii.Number(float64(mem)),
		ScaleInCooldown:          awscdk.Duration_Seconds(jsii.Number(120)),
		ScaleOutCooldown:         awscdk.Duration_Seconds(jsii.Number(60)),
	})
}
