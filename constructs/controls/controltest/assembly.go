package controltest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Annotation is an error / warning the fake assembly records for a construct path.
type Annotation struct {
	Stack, Path, Level, Text string
}

// WriteAssembly writes the fixture as a cloud assembly (manifest.json plus one
// <stack>.template.json per stack) into dir, as `cdk synth` would, with optional
// annotations (cdk-nag findings).
func WriteAssembly(dir string, f *Fixture, notes ...Annotation) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write assembly: %w", err)
	}
	artifacts := M{}
	for _, name := range f.Names() {
		data, err := f.JSON(name)
		if err != nil {
			return fmt.Errorf("write assembly %s: %w", name, err)
		}
		file := name + ".template.json"
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			return fmt.Errorf("write assembly: %w", err)
		}
		meta := M{}
		for _, n := range notes {
			if n.Stack == name {
				l, _ := meta[n.Path].(L)
				meta[n.Path] = append(l, M{"type": "aws:cdk:" + n.Level, "data": n.Text})
			}
		}
		artifacts[name] = M{"type": "aws:cloudformation:stack", "environment": "aws://111111111111/us-east-1",
			"properties": M{"templateFile": file, "stackName": name}, "metadata": meta}
	}
	manifest, err := json.MarshalIndent(M{"version": "54.0.0", "artifacts": artifacts}, "", " ")
	if err != nil {
		return fmt.Errorf("write assembly manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		return fmt.Errorf("write assembly manifest: %w", err)
	}
	return nil
}
