package controls

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes one environment as JUnit XML: a suite per stack (and one "*" suite for
// environment-scoped controls), a test case per control. FAIL is a failure; SKIP and
// NOT_APPLICABLE are skipped with the reason; ACKNOWLEDGED passes with the acknowledgement
// in system-out.
func WriteJUnit(w io.Writer, rep *Report, env string) error {
	out := junitSuites{Name: ToolName + " " + env}
	idx := map[string]int{}
	for _, res := range rep.EnvResults(env) {
		i, ok := idx[res.Stack]
		if !ok {
			i = len(out.Suites)
			idx[res.Stack] = i
			out.Suites = append(out.Suites, junitSuite{Name: env + "/" + res.Stack})
		}
		s := &out.Suites[i]
		tc := junitCase{ClassName: env + "." + res.Stack, Name: res.Control.ID + " " + res.Control.Title}
		switch res.Status {
		case Fail:
			var lines []string
			for _, f := range res.Findings {
				lines = append(lines, fmt.Sprintf("%s (%s): %s", f.Path, f.LogicalID, f.Message))
			}
			tc.Failure = &junitMessage{Message: fmt.Sprintf("%d finding(s); fix: %s", len(res.Findings), res.Control.Remediation),
				Type: string(res.Control.Severity), Body: strings.Join(lines, "\n") + "\nSource: " + res.Control.Seed + ": " + res.Control.Sentence}
			s.Failures++
		case Skip, NotApplicable:
			tc.Skipped = &junitMessage{Message: string(res.Status) + ": " + res.Reason}
			s.Skipped++
		case Acknowledged:
			var lines []string
			for _, f := range res.Acknowledged {
				lines = append(lines, fmt.Sprintf("%s acknowledged by %s until %s: %s", f.Path, f.Ack.Owner, f.Ack.Expires.Format("2006-01-02"), f.Ack.Reason))
			}
			tc.SystemOut = strings.Join(lines, "\n")
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteSummary prints a short table per environment and the open findings.
func WriteSummary(w io.Writer, rep *Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%-14s %6s %6s %6s %6s %6s %6s\n", "ENVIRONMENT", "PASS", "FAIL", "ACK", "N/A", "SKIP", "NAG")
	for _, env := range rep.Environments {
		counts := map[Status]int{}
		for _, row := range rep.Rows(env) {
			counts[row.Status]++
		}
		nag := 0
		for _, m := range rep.NagErrors {
			if m.Environment == env && m.Ack == nil {
				nag++
			}
		}
		fmt.Fprintf(b, "%-14s %6d %6d %6d %6d %6d %6d\n", env, counts[Pass], counts[Fail], counts[Acknowledged], counts[NotApplicable], counts[Skip], nag)
	}
	for _, res := range rep.Failed() {
		for _, f := range res.Findings {
			fmt.Fprintf(b, "FAIL %-11s %-8s %s %s: %s\n", f.ControlID, res.Control.Severity, f.Environment, f.Path, f.Message)
		}
	}
	for _, m := range rep.OpenNagErrors() {
		fmt.Fprintf(b, "NAG  %s %s: %s\n", m.Environment, m.Path, m.Text)
	}
	for _, u := range rep.Acknowledgements {
		switch {
		case u.Invalid != "":
			fmt.Fprintf(b, "ACK  INVALID %s\n", u.Invalid)
		case u.Expired:
			fmt.Fprintf(b, "ACK  EXPIRED %s on %s (owner %s, expired %s)\n", u.Ack.ControlID, u.Ack.Resource, u.Ack.Owner, u.Ack.Expires.Format("2006-01-02"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
