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
	Environment string
	// Part names the stack's role (foundation, database, application, ...); informational.
	Part                string
	BackupRetentionDays int
	AppLogRetentionDays int
	LogRetentionDays    int
	// AuditLogRetentionDays is recorded for reports; no control reads it yet.
	AuditLogRetentionDays int
	// NoncurrentVersionDays raises the LS-S3-006 minimum above the seed's 180 days.
	NoncurrentVersionDays int
	MultiAz               bool
	// MultiAZDatabase makes LS-RDS-007 apply even when MultiAz is false.
	MultiAZDatabase    bool
	DbReaders          int
	DeletionProtection bool
	// NotApplicable maps control IDs to the reason they do not apply to the stack.
	NotApplicable map[string]string
}

// DefaultSettings are the seed values used when a key is absent.
func DefaultSettings() Settings {
	return Settings{
		Environment:           UnspecifiedEnvironment,
		BackupRetentionDays:   35,
		AppLogRetentionDays:   14,
		LogRetentionDays:      60,
		NoncurrentVersionDays: MinNoncurrentDays,
		DbReaders:             2,
		NotApplicable:         map[string]string{},
	}
}

// ParseSettings reads Metadata.Labsecure of a template. known lists the valid control IDs
// (NotApplicable entries must name one of them).
func ParseSettings(t *cfn.Template, known map[string]bool) (s Settings, err error) {
	s = DefaultSettings()
	raw, ok := t.Metadata[MetadataKey]
	if !ok {
		return s, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return s, fmt.Errorf("Metadata.%s must be an object, got %T", MetadataKey, raw)
	}
	if _, ok := m["LogRetentionDays"]; !ok {
		if n, ok := cfn.AsInt(m["AppLogRetentionDays"]); ok {
			s.LogRetentionDays = n
		}
	}
	defer func() {
		if _, ok := m["DbReaders"]; !ok && s.Environment != "prod" {
			s.DbReaders = 1
		}
	}()
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
		case "Part":
			str, ok := v.(string)
			if !ok {
				return s, fmt.Errorf("%s must be a string such as \"database\", got %v", field, v)
			}
			s.Part = str
		case "BackupRetentionDays", "AppLogRetentionDays", "LogRetentionDays", "DbReaders", "AuditLogRetentionDays", "NoncurrentVersionDays":
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
			case "AuditLogRetentionDays":
				s.AuditLogRetentionDays = n
			case "NoncurrentVersionDays":
				if n < MinNoncurrentDays {
					return s, fmt.Errorf("%s is %d: the seed requires at least %d days (six months)", field, n, MinNoncurrentDays)
				}
				s.NoncurrentVersionDays = n
			}
		case "MultiAz", "DeletionProtection", "MultiAZDatabase":
			b, ok := cfn.AsBool(v)
			if !ok {
				return s, fmt.Errorf("%s must be true or false, got %v", field, v)
			}
			switch k {
			case "MultiAz":
				s.MultiAz = b
			case "MultiAZDatabase":
				s.MultiAZDatabase = b
			default:
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
			return s, fmt.Errorf("%s: unknown key (known: Environment, Part, BackupRetentionDays, AppLogRetentionDays, LogRetentionDays, AuditLogRetentionDays, NoncurrentVersionDays, MultiAz, MultiAZDatabase, DbReaders, DeletionProtection, NotApplicable)", field)
		}
	}
	return s, nil
}
