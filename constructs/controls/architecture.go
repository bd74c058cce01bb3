package controls

import (
	"fmt"

	"github.com/labsecure/labsecure/constructs/cfn"
)

func architectureControls() []Control {
	return []Control{stackSeparation(), alarmActions(), ecsRollingMinimum()}
}

var dbTypes = []string{rdsCluster, rdsInstance, docCluster, cacheGroup, cacheCluster}
var appTypes = []string{ecsService, lambdaType, ec2Instance, "AWS::AutoScaling::AutoScalingGroup"}

// stackSeparation
//
//	Rule Identifier: LS-ARC-001
//	Description:     Databases and application compute live in separate stacks.
//	Reports on:      AWS::RDS::*, AWS::DocDB::DBCluster, AWS::ElastiCache::*, AWS::ECS::Service,
//	                 AWS::Lambda::Function, AWS::EC2::Instance, AWS::AutoScaling::AutoScalingGroup
//	Scenarios:
//	  SKIP: the stack holds no database.
//	  PASS: a stack with databases holds no application compute (framework functions ignored).
//	  FAIL: a database and an ECS service / Lambda function / instance in the same stack.
func stackSeparation() Control {
	return Control{
		ID: "LS-ARC-001", Title: "Database and application stacks are separate", Severity: Low,
		Seed:          seedInsider,
		Sentence:      "The infrastructure is divided and installed using two stacks; database stack and application stack.",
		ResourceTypes: append(append([]string{}, dbTypes...), appTypes...),
		Remediation:   "Move the compute into the application stack and pass the database endpoint / security group across stacks.",
		Check: func(c *Context) []Finding {
			dbs := c.Resources(dbTypes...)
			if len(dbs) == 0 {
				c.Skip("no database in this stack")
				return nil
			}
			var out []Finding
			for _, r := range c.Resources(appTypes...) {
				if isCDKFramework(r) {
					continue
				}
				out = append(out, c.Fail(r, "application compute in the same stack as database %s", dbs[0].Path()))
			}
			for _, d := range dbs {
				c.Examine(d)
			}
			return out
		},
	}
}

// alarmActions
//
//	Rule Identifier: LS-MON-003
//	Description:     Every alarm notifies someone (or scales): AlarmActions is not empty and
//	                 the alarm is enabled.
//	Reports on:      AWS::CloudWatch::Alarm, AWS::CloudWatch::CompositeAlarm
//	Scenarios:
//	  SKIP: no alarm.
//	  PASS: AlarmActions lists at least one action and ActionsEnabled is not false.
//	  FAIL: an alarm nobody hears.
func alarmActions() Control {
	types := []string{alarmType, "AWS::CloudWatch::CompositeAlarm"}
	return Control{
		ID: "LS-MON-003", Title: "Alarms notify the operations team", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "Alarms are configured to alert the operations team when metrics exceed defined thresholds, enabling proactive issue resolution.",
		ResourceTypes: types,
		Remediation:   "alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(alertTopic)) (constructs/messaging wires the environment's alarm topic).",
		Check: perResource(types, func(c *Context, r *cfn.Resource) string {
			if on, ok := r.Bool("ActionsEnabled"); ok && !on {
				return "ActionsEnabled is false"
			}
			if len(r.List("AlarmActions")) == 0 {
				return "no AlarmActions: nobody is alerted"
			}
			return ""
		}),
	}
}

// ecsRollingMinimum
//
//	Rule Identifier: LS-ECS-008
//	Description:     In prod, rolling deployments keep at least one task serving.
//	Reports on:      AWS::ECS::Service
//	Scenarios:
//	  SKIP: not a prod stack (dev / staging deploy all at once), or no service.
//	  PASS: floor(DesiredCount or autoscaling MinCapacity x MinimumHealthyPercent (default 100) / 100) >= 1.
//	  FAIL: a deployment could stop every task.
func ecsRollingMinimum() Control {
	types := []string{ecsService}
	return Control{
		ID: "LS-ECS-008", Title: "Production deployments keep at least one task", Severity: Medium,
		Seed: seedMenoTime, Sentence: "Production: Rolling (1 task minimum)", ResourceTypes: types,
		Remediation: "Set MinHealthyPercent: jsii.Number(100) (or >= 50 with two tasks) on prod services.",
		Check: func(c *Context) []Finding {
			if c.Settings.Environment != "prod" {
				c.Skip(fmt.Sprintf("environment %s deploys all at once (only prod rolls with a minimum)", c.Settings.Environment))
				return nil
			}
			return perResource(types, func(c *Context, r *cfn.Resource) string {
				desired, ok := r.Int("DesiredCount")
				if !ok {
					desired = 1
				}
				for _, t := range c.Env.Referrers(r, "AWS::ApplicationAutoScaling::ScalableTarget") {
					if n, ok := t.Int("MinCapacity"); ok {
						desired = n
					}
				}
				pct, ok := r.Int("DeploymentConfiguration", "MinimumHealthyPercent")
				if !ok {
					pct = 100
				}
				if desired*pct/100 < 1 {
					return fmt.Sprintf("%d task(s) x MinimumHealthyPercent %d%% leaves no task during a deployment", desired, pct)
				}
				return ""
			})(c)
		},
	}
}
