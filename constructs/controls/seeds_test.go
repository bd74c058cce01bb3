package controls_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labsecure/labsecure/constructs/controls"
	"github.com/labsecure/labsecure/constructs/controls/controltest"
)

// seedDir is the shared seed folder relative to this package (work/main/constructs/controls).
const seedDir = "../../../shared/seeds"

var idPattern = regexp.MustCompile(`^LS-[A-Z0-9]+-\d{3}$`)

// TestSentencesAreInTheirSeeds: every control quotes its seed verbatim.
func TestSentencesAreInTheirSeeds(t *testing.T) {
	cache := map[string]string{}
	for _, c := range controls.Catalog() {
		text, ok := cache[c.Seed]
		if !ok {
			data, err := os.ReadFile(filepath.Join(seedDir, c.Seed))
			if err != nil {
				t.Fatalf("%s: read seed %s: %v (the seeds must be at %s relative to constructs/controls)", c.ID, c.Seed, err, seedDir)
			}
			text = string(data)
			cache[c.Seed] = text
		}
		if strings.TrimSpace(c.Sentence) == "" {
			t.Errorf("%s: empty Sentence", c.ID)
			continue
		}
		if !strings.Contains(text, c.Sentence) {
			t.Errorf("%s: Sentence %q is not literally in %s", c.ID, c.Sentence, c.Seed)
		}
	}
}

// TestCatalogShape: IDs unique and well-formed, every field filled.
func TestCatalogShape(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range controls.Catalog() {
		if !idPattern.MatchString(c.ID) {
			t.Errorf("%q: ID must look like LS-S3-001", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate ID", c.ID)
		}
		seen[c.ID] = true
		switch c.Severity {
		case controls.Critical, controls.High, controls.Medium, controls.Low:
		default:
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		if c.Title == "" || c.Remediation == "" || len(c.ResourceTypes) == 0 || c.Check == nil {
			t.Errorf("%s: Title, Remediation, ResourceTypes and Check are all required", c.ID)
		}
	}
	if len(seen) < 40 {
		t.Errorf("catalog has %d controls, expected several dozen", len(seen))
	}
}

// TestEveryControlHasAGuardHeader: each control's doc comment carries the guard-rules
// header (identifier, description, reports on, PASS / FAIL / SKIP scenarios).
func TestEveryControlHasAGuardHeader(t *testing.T) {
	srcs, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	text := all.String()
	for _, c := range controls.Catalog() {
		i := strings.Index(text, "Rule Identifier: "+c.ID+"\n")
		if i < 0 {
			t.Errorf("%s: no doc comment with \"Rule Identifier: %s\"", c.ID, c.ID)
			continue
		}
		end := strings.Index(text[i:], "\nfunc ")
		if end < 0 {
			end = len(text) - i
		}
		block := text[i : i+end]
		for _, part := range []string{"Description:", "Reports on:", "Scenarios:", "SKIP", "FAIL"} {
			if !strings.Contains(block, part) {
				t.Errorf("%s: header lacks %q", c.ID, part)
			}
		}
		if !strings.Contains(block, "PASS") && !controltest.Prohibitions[c.ID] {
			t.Errorf("%s: header lacks a PASS scenario", c.ID)
		}
	}
}
