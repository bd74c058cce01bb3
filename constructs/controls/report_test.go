package controls_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

// brokenReport: one open finding (LS-S3-005) and one acknowledged (LS-ECR-003).
func brokenReport(t *testing.T) *controls.Report {
	f := controltest.Compliant()
	controltest.Breakers["LS-S3-005"][0].Break(f)
	controltest.Breakers["LS-ECR-003"][0].Break(f)
	return evaluate(t, f, ack("LS-ECR-003", "prod-app/Repo/**", evalTime.AddDate(0, 2, 0)))
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok || s == "" {
		t.Errorf("SARIF: %q missing or not a non-empty string in %v", key, m)
	}
	return s
}

func obj(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("SARIF: %s is not an object: %v", what, v)
	}
	return m
}

func arr(t *testing.T, v any, what string) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("SARIF: %s is not an array: %v", what, v)
	}
	return l
}

// TestSARIFShape checks the properties SARIF 2.1.0 requires (and code-scanning uploads use).
func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := controls.WriteSARIF(&buf, brokenReport(t), "prod"); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log["version"] != "2.1.0" || !strings.Contains(str(t, log, "$schema"), "sarif-schema-2.1.0") {
		t.Errorf("version/$schema = %v / %v", log["version"], log["$schema"])
	}
	runs := arr(t, log["runs"], "runs")
	if len(runs) != 1 {
		t.Fatalf("runs = %d", len(runs))
	}
	run := obj(t, runs[0], "runs[0]")
	driver := obj(t, obj(t, obj(t, run["tool"], "tool")["driver"], "driver"), "driver")
	if str(t, driver, "name") != controls.ToolName {
		t.Errorf("driver.name = %v", driver["name"])
	}
	rules := arr(t, driver["rules"], "driver.rules")
	ruleIDs := map[string]int{}
	for i, r := range rules {
		rm := obj(t, r, "rule")
		ruleIDs[str(t, rm, "id")] = i
		str(t, obj(t, rm["help"], "help"), "text")
		str(t, obj(t, rm["shortDescription"], "shortDescription"), "text")
	}
	if len(rules) != len(controls.Catalog()) {
		t.Errorf("rules = %d, want one per control (%d)", len(rules), len(controls.Catalog()))
	}
	results := arr(t, run["results"], "results")
	seen := map[string]bool{}
	for _, r := range results {
		rm := obj(t, r, "result")
		id := str(t, rm, "ruleId")
		seen[id] = true
		if idx, ok := rm["ruleIndex"].(float64); !ok || int(idx) != ruleIDs[id] {
			t.Errorf("%s: ruleIndex %v does not point at its rule", id, rm["ruleIndex"])
		}
		switch rm["level"] {
		case "error", "warning", "note", "none":
		default:
			t.Errorf("%s: level %v", id, rm["level"])
		}
		str(t, obj(t, rm["message"], "message"), "text")
		locs := arr(t, rm["locations"], "locations")
		if len(locs) == 0 {
			t.Fatalf("%s: no locations", id)
		}
		l := obj(t, locs[0], "location")
		uri := str(t, obj(t, obj(t, l["physicalLocation"], "physicalLocation")["artifactLocation"], "artifactLocation"), "uri")
		if !strings.HasSuffix(uri, ".template.json") {
			t.Errorf("%s: artifact uri %q", id, uri)
		}
		ll := obj(t, arr(t, l["logicalLocations"], "logicalLocations")[0], "logicalLocation")
		if !strings.Contains(str(t, ll, "fullyQualifiedName"), "/") {
			t.Errorf("%s: logical location is not a construct path: %v", id, ll)
		}
		if id == "LS-ECR-003" {
			sup := arr(t, rm["suppressions"], "suppressions")
			if obj(t, sup[0], "suppression")["status"] != "accepted" {
				t.Errorf("acknowledged finding must carry an accepted suppression")
			}
		}
	}
	if !seen["LS-S3-005"] || !seen["LS-ECR-003"] {
		t.Errorf("results %v must include the open LS-S3-005 and the acknowledged LS-ECR-003", seen)
	}
}

func TestJUnitOneCasePerControlPerStack(t *testing.T) {
	rep := brokenReport(t)
	var buf bytes.Buffer
	if err := controls.WriteJUnit(&buf, rep, "prod"); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatalf("JUnit is not XML: %v", err)
	}
	if suites.Tests != len(rep.EnvResults("prod")) {
		t.Errorf("tests = %d, want %d", suites.Tests, len(rep.EnvResults("prod")))
	}
	failed := map[string]bool{}
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				failed[strings.Fields(c.Name)[0]] = true
			}
		}
	}
	if !failed["LS-S3-005"] || failed["LS-ECR-003"] || suites.Failures != len(failed) {
		t.Errorf("failed cases = %v (failures attr %d), want LS-S3-005 only", failed, suites.Failures)
	}
}

func TestMarkdownMatrix(t *testing.T) {
	var buf bytes.Buffer
	if err := controls.WriteMarkdown(&buf, brokenReport(t), "prod"); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"| **LS-S3-005**", "000_62a51c6c41b95dee.txt", "**FAIL**", "platform@labsecure.example",
		"## Acknowledgement register", "prod-app/Repo/**", "**ACKNOWLEDGED**", "Fix: Set Versioned",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := controls.WriteSummary(&buf, brokenReport(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "FAIL LS-S3-005") || !strings.Contains(buf.String(), "prod") {
		t.Errorf("summary:\n%s", buf.String())
	}
}
