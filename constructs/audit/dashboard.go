package audit

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// DashboardSection is one row of graphs.
type DashboardSection struct {
	// Title names the graph, e.g. "Lab results queue". Required.
	Title string
	// Metrics are plotted on the graph. Required: at least one.
	Metrics []awscloudwatch.IMetric
}

// DashboardProps configures the dashboard.
type DashboardProps struct {
	// Name is the dashboard name, e.g. "labsecure-prod". Required: 1-255 letters, digits, '-'
	// or '_'.
	Name string
	// Sections are the graphs, one per row. Default: none (then Alarms must be set).
	Sections []DashboardSection
	// Alarms are shown in an alarm status widget at the top. Default: none.
	Alarms []awscloudwatch.IAlarm
}

var dashboardNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// Validate reports the first invalid prop, naming it and the fix.
func (p *DashboardProps) Validate() error {
	if p == nil {
		return fmt.Errorf("audit: dashboard props are required; fix: pass &audit.DashboardProps{Name: ..., Sections: ...}")
	}
	if !dashboardNameRE.MatchString(p.Name) {
		return fmt.Errorf("audit: Name %q is not a valid dashboard name; fix: use 1-255 letters, digits, '-' or '_', e.g. \"labsecure-prod\"", p.Name)
	}
	if len(p.Sections) == 0 && len(p.Alarms) == 0 {
		return fmt.Errorf("audit: Sections and Alarms are both empty; fix: pass the metrics and/or alarms to show")
	}
	for i, s := range p.Sections {
		if s.Title == "" {
			return fmt.Errorf("audit: Sections[%d].Title is empty; fix: name the graph", i)
		}
		if len(s.Metrics) == 0 {
			return fmt.Errorf("audit: Sections[%d].Metrics is empty; fix: pass at least one metric", i)
		}
		for j, m := range s.Metrics {
			if m == nil {
				return fmt.Errorf("audit: Sections[%d].Metrics[%d] is nil; fix: pass a metric", i, j)
			}
		}
	}
	for i, a := range p.Alarms {
		if a == nil {
			return fmt.Errorf("audit: Alarms[%d] is nil; fix: pass an alarm", i)
		}
	}
	return nil
}

// NewDashboard creates the environment's dashboard: an alarm status widget, then one full-width
// graph per section.
func NewDashboard(scope constructs.Construct, id string, props *DashboardProps) (awscloudwatch.Dashboard, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	d := awscloudwatch.NewDashboard(scope, jsii.String(id), &awscloudwatch.DashboardProps{
		DashboardName:  jsii.String(props.Name),
		PeriodOverride: awscloudwatch.PeriodOverride_AUTO,
	})
	if len(props.Alarms) > 0 {
		alarms := make([]interfacesawscloudwatch.IAlarmRef, 0, len(props.Alarms))
		for _, a := range props.Alarms {
			alarms = append(alarms, a)
		}
		d.AddWidgets(awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
			Title: jsii.String("Alarms"), Alarms: &alarms, Width: jsii.Number(24),
		}))
	}
	for _, s := range props.Sections {
		metrics := append([]awscloudwatch.IMetric(nil), s.Metrics...)
		d.AddWidgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(s.Title), Left: &metrics, Width: jsii.Number(24), Height: jsii.Number(6),
		}))
	}
	return d, nil
}
