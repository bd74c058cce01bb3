package labresult

import "strings"

// dim is the kind of quantity a unit measures. Conversions happen only
// within one dim, or between massConc and substConc with the analyte's
// molar mass.
type dim string

const (
	dimMassConc   dim = "mass/volume"      // base g/L
	dimSubstConc  dim = "substance/volume" // base mol/L
	dimCountConc  dim = "count/volume"     // base 1/L
	dimFraction   dim = "fraction"         // base %
	dimEntVolume  dim = "entitic volume"   // base fL
	dimEntMass    dim = "entitic mass"     // base pg
	dimCatConc    dim = "enzyme/volume"    // base U/L
	dimArbConc    dim = "arbitrary/volume" // base m[IU]/L
	dimUnknownDim dim = ""
)

type unitDef struct {
	dim    dim
	factor float64 // value in this unit * factor = value in the dim's base
}

// units lists the valid UCUM codes accepted, keyed by their cleaned form
// (see cleanUnit).
var units = map[string]unitDef{
	// mass concentration, base g/L
	"g/L": {dimMassConc, 1}, "g/dL": {dimMassConc, 10}, "g/mL": {dimMassConc, 1000},
	"mg/L": {dimMassConc, 1e-3}, "mg/dL": {dimMassConc, 1e-2}, "mg/mL": {dimMassConc, 1},
	"ug/L": {dimMassConc, 1e-6}, "ug/dL": {dimMassConc, 1e-5}, "ug/mL": {dimMassConc, 1e-3},
	"ng/L": {dimMassConc, 1e-9}, "ng/dL": {dimMassConc, 1e-8}, "ng/mL": {dimMassConc, 1e-6},
	"pg/mL": {dimMassConc, 1e-9}, "pg/dL": {dimMassConc, 1e-11}, "pg/L": {dimMassConc, 1e-12},
	"g/100mL": {dimMassConc, 10}, "mg/100mL": {dimMassConc, 1e-2},
	// substance concentration, base mol/L
	"mol/L": {dimSubstConc, 1}, "mmol/L": {dimSubstConc, 1e-3}, "umol/L": {dimSubstConc, 1e-6},
	"nmol/L": {dimSubstConc, 1e-9}, "pmol/L": {dimSubstConc, 1e-12},
	// count concentration, base 1/L
	"/L": {dimCountConc, 1}, "/uL": {dimCountConc, 1e6}, "/mL": {dimCountConc, 1e3}, "/nL": {dimCountConc, 1e9},
	"/pL": {dimCountConc, 1e12}, "/mm3": {dimCountConc, 1e6}, "{cells}/uL": {dimCountConc, 1e6},
	"{cells}/mm3": {dimCountConc, 1e6},
	"10*3/uL":     {dimCountConc, 1e9}, "10*3/mm3": {dimCountConc, 1e9}, "10*9/L": {dimCountConc, 1e9},
	"10*3/L": {dimCountConc, 1e3}, "10*6/L": {dimCountConc, 1e6},
	"10*6/uL": {dimCountConc, 1e12}, "10*6/mm3": {dimCountConc, 1e12}, "10*12/L": {dimCountConc, 1e12},
	// fractions, base %
	"%": {dimFraction, 1}, "L/L": {dimFraction, 100}, "1": {dimFraction, 100}, "{fraction}": {dimFraction, 100},
	// entitic volume and mass
	"fL": {dimEntVolume, 1}, "um3": {dimEntVolume, 1}, "fL/{cell}": {dimEntVolume, 1},
	"pg": {dimEntMass, 1}, "pg/{cell}": {dimEntMass, 1},
	// catalytic activity, base U/L (IU for enzymes)
	"U/L": {dimCatConc, 1}, "[IU]/L": {dimCatConc, 1},
	// arbitrary (hormone) units, base m[IU]/L
	"m[IU]/L": {dimArbConc, 1}, "u[IU]/mL": {dimArbConc, 1}, "mU/L": {dimArbConc, 1},
}

// unitAliases are common spellings that are not UCUM but mean one thing
// unambiguously (K/uL, 10^3/uL after cleaning, giga.l-1, IU/L ...). They
// are converted with a "non-ucum-unit" warning. Spellings that are
// ambiguous or wrong (g/l-1 = g*L, "mill", G/L = gauss per litre in UCUM)
// are deliberately absent so they are reported, not guessed.
var unitAliases = map[string]string{
	"mg%": "mg/dL", "cells/uL": "{cells}/uL", "K/uL": "10*3/uL", "giga.l-1": "10*9/L",
	"M/uL": "10*6/uL", "tera.l-1": "10*12/L", "pg/cell": "pg/{cell}", "IU/L": "[IU]/L",
	"mIU/L": "m[IU]/L", "uIU/mL": "u[IU]/mL",
}

// equivalents for monovalent ions only (Na, K, Cl, HCO3): meq/L = mmol/L.
// "meq/L" is the UCUM code; "mEq/L" the common spelling.
var monovalentUnits = map[string]unitDef{"meq/L": {dimSubstConc, 1e-3}}

var monovalentAliases = map[string]string{"mEq/L": "meq/L"}

// cleanUnit canonicalizes harmless spelling differences: surrounding
// spaces, "^" for "*", "x10*" prefixes, the micro sign, and lower-case l for
// litre (UCUM accepts both). It does not touch anything that changes the
// meaning.
func cleanUnit(u string) string {
	u = strings.TrimSpace(u)
	u = strings.ReplaceAll(u, " ", "")
	u = strings.ReplaceAll(u, "µ", "u")
	u = strings.ReplaceAll(u, "μ", "u")
	u = strings.ReplaceAll(u, "^", "*")
	if strings.HasPrefix(u, "x10*") || strings.HasPrefix(u, "X10*") {
		u = u[1:]
	}
	switch {
	case strings.HasSuffix(u, "/l"):
		u = u[:len(u)-2] + "/L"
	case strings.HasSuffix(u, "/dl"):
		u = u[:len(u)-3] + "/dL"
	case strings.HasSuffix(u, "/ml"):
		u = u[:len(u)-3] + "/mL"
	case strings.HasSuffix(u, "/ul"):
		u = u[:len(u)-3] + "/uL"
	case u == "fl":
		u = "fL"
	}
	switch u {
	case "k/uL", "K/UL", "thou/uL", "10*3/ul":
		u = "K/uL"
	}
	return u
}

// lookupUnit resolves a unit spelling. ucum reports whether the spelling
// was a valid UCUM code (up to surrounding space and the l/L litre symbol);
// when false, canonical is the UCUM code it was read as.
func lookupUnit(u string, monovalent bool) (d unitDef, canonical string, ucum, ok bool) {
	c := cleanUnit(u)
	if d, ok := units[c]; ok {
		return d, c, isUCUMSpelling(u, c), true
	}
	if a, ok := unitAliases[c]; ok {
		return units[a], a, false, true
	}
	if monovalent {
		if d, ok := monovalentUnits[c]; ok {
			return d, c, isUCUMSpelling(u, c), true
		}
		if a, ok := monovalentAliases[c]; ok {
			return monovalentUnits[a], a, false, true
		}
	}
	return unitDef{}, "", false, false
}

// isUCUMSpelling reports whether orig differs from its cleaned UCUM form
// only in ways UCUM allows (surrounding spaces, l for L).
func isUCUMSpelling(orig, clean string) bool {
	o := strings.TrimSpace(orig)
	return o == clean || strings.ReplaceAll(o, "l", "L") == strings.ReplaceAll(clean, "l", "L")
}
