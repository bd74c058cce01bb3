package controls

import "sort"

// Catalog returns every control, ordered by ID. Each call returns fresh values.
func Catalog() []Control {
	var out []Control
	for _, family := range [][]Control{
		kmsControls(), s3Controls(), messagingControls(), logControls(), databaseControls(),
		backupControls(), secretControls(), ecrControls(), iamControls(), networkControls(),
		computeControls(), albControls(), edgeControls(), apiControls(), identityControls(),
		auditControls(), tagControls(), monitoringControls(), architectureControls(),
	} {
		out = append(out, family...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the control with the given ID.
func ByID(id string) (Control, bool) {
	for _, c := range Catalog() {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}
