package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Stack is one CloudFormation stack artifact of a cloud assembly (cdk.out).
type Stack struct {
	// ArtifactID is the artifact's key in manifest.json (the stack's construct path).
	ArtifactID string
	// StackName is the deployed CloudFormation stack name.
	StackName string
	// Environment is "aws://account/region" as recorded by the synthesizer.
	Environment  string
	TemplateFile string
	Template     *Template
	// Messages are the synthesis annotations CDK recorded for this stack (cdk-nag findings,
	// errors and warnings added with Annotations).
	Messages []Message
}

// Message is one annotation in the assembly manifest.
type Message struct {
	Level string // "error", "warning" or "info"
	Path  string // construct path the annotation is attached to
	Text  string
}

type manifest struct {
	Artifacts map[string]struct {
		Type        string `json:"type"`
		Environment string `json:"environment"`
		Properties  struct {
			TemplateFile  string `json:"templateFile"`
			StackName     string `json:"stackName"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
		Metadata map[string][]struct {
			Type string `json:"type"`
			Data any    `json:"data"`
		} `json:"metadata"`
	} `json:"artifacts"`
}

// LoadAssembly reads every stack of the cloud assembly in dir, descending into nested
// assemblies (stages). Stacks come back ordered by stack name.
func LoadAssembly(dir string) ([]*Stack, error) {
	var stacks []*Stack
	if err := loadAssembly(dir, &stacks, 0); err != nil {
		return nil, err
	}
	sort.Slice(stacks, func(i, j int) bool { return stacks[i].StackName < stacks[j].StackName })
	return stacks, nil
}

func loadAssembly(dir string, out *[]*Stack, depth int) error {
	if depth > 8 {
		return fmt.Errorf("cloud assembly %s: nested assemblies deeper than 8 levels", dir)
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return fmt.Errorf("read cloud assembly: %w (run the synth first)", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("parse %s/manifest.json: %w", dir, err)
	}
	for id, a := range m.Artifacts {
		switch a.Type {
		case "aws:cloudformation:stack":
			t, err := Load(filepath.Join(dir, a.Properties.TemplateFile))
			if err != nil {
				return fmt.Errorf("stack %s: %w", id, err)
			}
			name := a.Properties.StackName
			if name == "" {
				name = id
			}
			s := &Stack{ArtifactID: id, StackName: name, Environment: a.Environment,
				TemplateFile: t.Path, Template: t}
			for path, entries := range a.Metadata {
				for _, e := range entries {
					level := ""
					switch e.Type {
					case "aws:cdk:error":
						level = "error"
					case "aws:cdk:warning":
						level = "warning"
					case "aws:cdk:info":
						level = "info"
					default:
						continue
					}
					text, _ := e.Data.(string)
					if text == "" {
						b, _ := json.Marshal(e.Data)
						text = string(b)
					}
					s.Messages = append(s.Messages, Message{Level: level, Path: path, Text: text})
				}
			}
			sort.Slice(s.Messages, func(i, j int) bool {
				if s.Messages[i].Path != s.Messages[j].Path {
					return s.Messages[i].Path < s.Messages[j].Path
				}
				return s.Messages[i].Text < s.Messages[j].Text
			})
			*out = append(*out, s)
		case "cdk:cloud-assembly":
			if a.Properties.DirectoryName != "" {
				if err := loadAssembly(filepath.Join(dir, a.Properties.DirectoryName), out, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
