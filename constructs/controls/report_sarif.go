package controls

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// SARIFSchema is the JSON schema URI of SARIF 2.1.0.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// ToolName names the catalog in SARIF and JUnit output.
const ToolName = "labsecure-controls"

// ToolVersion is the catalog's version.
const ToolVersion = "1.0.0"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation map[string]string `json:"artifactLocation"`
	Region           map[string]int    `json:"region,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// SARIFLevel maps a severity to a SARIF level.
func SARIFLevel(s Severity) string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

// lineOf returns the 1-based line where "logicalID": starts in a template file, 0 if unknown.
func lineOf(cache map[string][]string, file, logicalID string) int {
	if file == "" || logicalID == "" {
		return 0
	}
	lines, ok := cache[file]
	if !ok {
		data, err := os.ReadFile(file)
		if err == nil {
			lines = strings.Split(string(data), "\n")
		}
		cache[file] = lines
	}
	needle := `"` + logicalID + `":`
	for i, l := range lines {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	return 0
}

// WriteSARIF writes one environment's findings as a SARIF 2.1.0 log: one rule per control
// (help = remediation), one result per finding (acknowledged ones carry an accepted
// suppression), located at the template file and the construct path.
func WriteSARIF(w io.Writer, rep *Report, env string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: ToolName, Version: ToolVersion,
		InformationURI: "https://github.com/labsecure/labsecure/tree/main/constructs/controls"}},
		Results: []sarifResult{}, Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Properties: map[string]any{"environment": env}}
	ruleIndex := map[string]int{}
	addRule := func(r sarifRule) int {
		if i, ok := ruleIndex[r.ID]; ok {
			return i
		}
		ruleIndex[r.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
		return ruleIndex[r.ID]
	}
	lines := map[string][]string{}
	loc := func(file, logicalID, path string) []sarifLocation {
		l := sarifLocation{LogicalLocations: []sarifLogical{{Name: logicalID, FullyQualifiedName: path, Kind: "resource"}}}
		if logicalID == "" {
			l.LogicalLocations[0].Name = path
		}
		if file != "" {
			l.PhysicalLocation = &sarifPhysical{ArtifactLocation: map[string]string{"uri": filepath.ToSlash(file)}}
			if n := lineOf(lines, file, logicalID); n > 0 {
				l.PhysicalLocation.Region = map[string]int{"startLine": n}
			}
		}
		return []sarifLocation{l}
	}
	for _, row := range rep.Rows(env) {
		c := row.Control
		idx := addRule(sarifRule{ID: c.ID, Name: c.Title,
			ShortDescription:     sarifText{Text: c.Title},
			FullDescription:      sarifText{Text: fmt.Sprintf("%s (seed %s: %q)", c.Title, c.Seed, c.Sentence)},
			Help:                 sarifText{Text: c.Remediation, Markdown: "**Fix:** " + c.Remediation + "\n\nSource: `" + c.Seed + "`: " + c.Sentence},
			DefaultConfiguration: map[string]any{"level": SARIFLevel(c.Severity)},
			Properties:           map[string]any{"severity": string(c.Severity), "seed": c.Seed, "tags": []string{"security", string(c.Severity)}}})
		for _, res := range row.Results {
			for _, f := range append(append([]Finding(nil), res.Findings...), res.Acknowledged...) {
				sr := sarifResult{RuleID: c.ID, RuleIndex: idx, Level: SARIFLevel(c.Severity),
					Message:   sarifText{Text: fmt.Sprintf("%s: %s. Fix: %s", f.Path, f.Message, c.Remediation)},
					Locations: loc(f.TemplateFile, f.LogicalID, f.Path)}
				if f.Ack != nil {
					sr.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
						Justification: fmt.Sprintf("%s (owner %s, until %s)", f.Ack.Reason, f.Ack.Owner, f.Ack.Expires.Format("2006-01-02"))}}
				}
				run.Results = append(run.Results, sr)
			}
		}
	}
	for _, m := range rep.NagErrors {
		if m.Environment != env {
			continue
		}
		id, _, _ := strings.Cut(m.Text, "[")
		id, _, _ = strings.Cut(id, ":")
		idx := addRule(sarifRule{ID: id, Name: id, ShortDescription: sarifText{Text: "cdk-nag rule " + id},
			FullDescription: sarifText{Text: "cdk-nag rule " + id}, Help: sarifText{Text: "See the cdk-nag rules documentation for " + id},
			DefaultConfiguration: map[string]any{"level": "error"}})
		sr := sarifResult{RuleID: id, RuleIndex: idx, Level: "error", Message: sarifText{Text: m.Text},
			Locations: loc("", "", strings.TrimPrefix(m.Path, "/"))}
		if m.Ack != nil {
			sr.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: m.Ack.Reason}}
		}
		run.Results = append(run.Results, sr)
	}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []sarifRule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	return nil
}
