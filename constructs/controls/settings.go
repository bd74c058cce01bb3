package controls

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

// MetadataKey is the template-level Metadata key holding the stack's Settings.
const MetadataKey = "Labsecure"

// UnspecifiedEnvironment groups stacks whose template carries no Environment.
const UnspecifiedEnvironment = "unspecified"

// Settings are the environment-dependent inputs of the controls, read from the template
// metadata (see the package documentation). The zero value is not meant to be used: call
// DefaultSettings or ParseSettings.
type Settings struct {
	Environment         string
	BackupRetentionDays int
	AppLogRetentionDays int
	LogRetentionDays    int
	MultiAz             bool
	DbReaders           int
	DeletionProtection  bool
	// NotApplicable maps control IDs to the reason they do not apply to the stack.
	NotApplicable map[string]string
}

// DefaultSettings are the seed values used when a key is absent.
func DefaultSettings() Settings {
	return Settings{
		Environment:         UnspecifiedEnvironment,
		BackupRetentionDays: 35,
		AppLogRetentionDays: 14,
		LogRetentionDays:    60,
		DbReaders:           2,
		NotApplicable:       map[string]string{},
	}
}

// ParseSettings reads Metadata.Labsecure of a template. known lists the valid control IDs
// (NotApplicable entries must name one of them).
func ParseSettings(t *cfn.Template, known map[string]bool) (Settings, error) {
	s := DefaultSettings()
	raw, ok := t.Metadata[MetadataKey]
	if !ok {
		return s, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return s, fmt.Errorf("Metadata.%s must be an object, got %T", MetadataKey, raw)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		field := "Metadata." + MetadataKey + "." + k
		switch k {
		case "Environment":
			str, ok := v.(string)
			if !ok || strings.TrimSpace(str) == "" {
				return s, fmt.Errorf("%s must be a non-empty string such as \"prod\", got %v", field, v)
			}
			s.Environment = str
		case "BackupRetentionDays", "AppLogRetentionDays", "LogRetentionDays", "DbReaders":
			n, ok := cfn.AsInt(v)
			if !ok || n < 0 {
				return s, fmt.Errorf("%s must be a non-negative whole number, got %v", field, v)
			}
			switch k {
			case "BackupRetentionDays":
				if n < 1 {
					return s, fmt.Errorf("%s must be at least 1 day, got %d", field, n)
				}
				s.BackupRetentionDays = n
			case "AppLogRetentionDays":
				s.AppLogRetentionDays = n
			case "LogRetentionDays":
				s.LogRetentionDays = n
			case "DbReaders":
				s.DbReaders = n
			}
		case "MultiAz", "DeletionProtection":
			b, ok := cfn.AsBool(v)
			if !ok {
				return s, fmt.Errorf("%s must be true or false, got %v", field, v)
			}
			if k == "MultiAz" {
				s.MultiAz = b
			} else {
				s.DeletionProtection = b
			}
		case "NotApplicable":
			na, ok := v.(map[string]any)
			if !ok {
				return s, fmt.Errorf("%s must map control IDs to reasons, got %T", field, v)
			}
			for id, reason := range na {
				if known != nil && !known[id] {
					return s, fmt.Errorf("%s: unknown control ID %q (see controls.Catalog)", field, id)
				}
				rs, ok := reason.(string)
				if !ok || len(strings.TrimSpace(rs)) < 10 {
					return s, fmt.Errorf("%s.%s needs a reason of at least 10 characters, got %v", field, id, reason)
				}
				s.NotApplicable[id] = rs
			}
		default:
			return s, fmt.Errorf("%s: unknown key (known: Environment, BackupRetentionDays, AppLogRetentionDays, LogRetentionDays, MultiAz, DbReaders, DeletionProtection, NotApplicable)", field)
		}
	}
	return s, nil
}
