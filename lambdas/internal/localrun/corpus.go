package localrun

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// CorpusFolders are the corpus folders holding lab messages (v2-to-fhir-maps holds mapping
// tables, not messages).
var CorpusFolders = []string{"hl7v2", "fhir-r4-examples", "us-core"}

// CorpusFile is one lab message of the shared corpus.
type CorpusFile struct {
	Name        string // folder/file
	Path        string
	Format      string // "hl7v2" or "fhir-r4"
	ContentType string
	Body        []byte
}

// CorpusFiles lists the messages under root (shared/corpus), sorted. It fails when root or
// one of CorpusFolders is missing.
func CorpusFiles(root string) ([]CorpusFile, error) {
	if _, err := os.Stat(filepath.Join(root, "README.md")); err != nil {
		return nil, fmt.Errorf("corpus not found at %s (expected shared/corpus beside the repository, with README.md): %w", root, err)
	}
	var out []CorpusFile
	for _, dir := range CorpusFolders {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			return nil, fmt.Errorf("corpus folder %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || name == "package.json" || name == "LICENSE" {
				continue
			}
			ct, err := ContentTypeOf(name)
			if err != nil {
				continue
			}
			f := CorpusFile{Name: dir + "/" + name, Path: filepath.Join(root, dir, name), ContentType: ct, Format: "fhir-r4"}
			if filepath.Ext(name) == ".hl7" {
				f.Format = "hl7v2"
			}
			if f.Body, err = os.ReadFile(f.Path); err != nil {
				return nil, fmt.Errorf("corpus file %s: %w", f.Name, err)
			}
			out = append(out, f)
		}
	}
	bundles, err := reportBundles(out)
	if err != nil {
		return nil, err
	}
	out = append(out, bundles...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus at %s holds no .hl7 or .json messages", root)
	}
	return out, nil
}

// CorpusEnvVar overrides the corpus location (default: shared/corpus beside the repository).
const CorpusEnvVar = "LABSECURE_CORPUS"

// DefaultCorpusDir is $LABSECURE_CORPUS or <repository root>/../shared/corpus.
func DefaultCorpusDir(repoRoot string) string {
	if d := os.Getenv(CorpusEnvVar); d != "" {
		return d
	}
	return filepath.Join(repoRoot, "..", "shared", "corpus")
}

// reportBundles builds, for every standalone DiagnosticReport whose Observations sit in
// separate files of the same folder (US Core), the collection Bundle a lab would send: the
// report plus the Observations it references. The originals stay in the list as they are.
func reportBundles(files []CorpusFile) ([]CorpusFile, error) {
	type res struct {
		file CorpusFile
		obj  map[string]any
	}
	byRef := map[string]res{} // folder + "Observation/id"
	var reports []res
	for _, f := range files {
		if f.Format != "fhir-r4" {
			continue
		}
		var obj map[string]any
		if json.Unmarshal(f.Body, &obj) != nil {
			continue
		}
		typ, _ := obj["resourceType"].(string)
		id, _ := obj["id"].(string)
		folder := filepath.Dir(f.Name)
		switch typ {
		case "Observation":
			byRef[folder+"/Observation/"+id] = res{f, obj}
		case "DiagnosticReport":
			reports = append(reports, res{f, obj})
		}
	}
	var out []CorpusFile
	for _, r := range reports {
		folder := filepath.Dir(r.file.Name)
		refs, _ := r.obj["result"].([]any)
		entries := []any{map[string]any{"fullUrl": "urn:labsecure:" + r.file.Name, "resource": r.obj}}
		found := 0
		for _, ref := range refs {
			m, _ := ref.(map[string]any)
			s, _ := m["reference"].(string)
			if o, ok := byRef[folder+"/"+s]; ok && strings.HasPrefix(s, "Observation/") {
				entries = append(entries, map[string]any{"fullUrl": "https://example.org/fhir/" + s, "resource": o.obj})
				found++
			}
		}
		if found == 0 || found != len(refs) {
			continue
		}
		body, err := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries})
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", r.file.Name, err)
		}
		out = append(out, CorpusFile{Name: r.file.Name + "+observations", Path: r.file.Path, Format: "fhir-r4",
			ContentType: r.file.ContentType, Body: body})
	}
	return out, nil
}
