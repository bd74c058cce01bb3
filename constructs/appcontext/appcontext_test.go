package appcontext

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The embedded flags must be exactly the pinned CLI's recommended flags, so an upgrade of the
// CLI in .tools/package.json shows up here.
func TestFeatureFlagsMatchPinnedCLI(t *testing.T) {
	path := filepath.Join("..", "..", ".tools", "node_modules", "aws-cdk", "lib", "init-templates", ".recommended-feature-flags.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the pinned CLI's recommended flags: %v (fix: npm ci --prefix .tools)", err)
	}
	var want map[string]any
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got := *FeatureFlags()
	if !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("flag %s = %v, pinned CLI recommends %v", k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("flag %s is not in the pinned CLI's list", k)
			}
		}
	}
	if len(got) < 50 {
		t.Errorf("only %d flags embedded", len(got))
	}
}
