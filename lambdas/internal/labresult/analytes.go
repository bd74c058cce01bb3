package labresult

// Citations for table ranges (Result.RangeSource is "table:" + citation).
const (
	citeTietz = "Tietz Clinical Guide to Laboratory Tests 4th ed. (2006)"
	citeATP3  = "NCEP ATP III, JAMA 2001;285:2486-97"
	citeADA   = "ADA Standards of Care 2024 (fasting plasma glucose)"
	// CriticalLimitsSource documents where the critical (panic) limits come
	// from: a LabSecure default policy after the median limits of US
	// centres in Kost GJ, JAMA 1990;263:704-7. Each lab should review them.
	CriticalLimitsSource = "LabSecure default critical-limit policy (after Kost GJ, JAMA 1990;263:704-7)"
)

// codeProperty says what a LOINC code measures, to catch units that contradict it.
type codeProperty string

const (
	propMass   codeProperty = "mass"  // [Mass/volume]
	propMolar  codeProperty = "molar" // [Moles/volume]
	propEither codeProperty = ""      // [Mass or Moles/volume] or not a concentration
)

// rangeRule is one reference interval in the analyte's canonical unit.
// Sex "" applies to everyone; ages are in whole years, MaxAge exclusive
// (0 = no upper bound).
type rangeRule struct {
	Sex            string
	MinAge, MaxAge int
	Low, High      *float64
	Source         string
}

// analyte is one row of the normalization table.
type analyte struct {
	Code       string // canonical LOINC code
	Name       string
	Panel      string // CBC, CMP, BMP, LIPID, THYROID
	Unit       string // canonical UCUM unit
	Dim        dim
	Aliases    map[string]codeProperty // other LOINC codes for the same analyte
	Property   codeProperty            // property of the canonical code
	MolarMass  float64                 // g/mol, 0 when mass<->molar makes no sense
	Monovalent bool                    // mEq/L == mmol/L
	Ranges     []rangeRule
	CritLow    *float64
	CritHigh   *float64
	PlausLow   float64 // values outside [PlausLow, PlausHigh] are rejected
	PlausHigh  float64
}

// qualitative lists LOINC codes whose result is a finding (text), with the
// quantitative code a sender most likely meant when it sent a count.
var qualitative = map[string]struct{ Name, Meant string }{
	"11156-7": {"Leukocyte morphology finding in Blood", "6690-2"},
	"11125-2": {"Platelet morphology finding in Blood", "777-3"},
	"6742-1":  {"Erythrocyte morphology finding in Blood", "789-8"},
}

func fp(v float64) *float64 { return &v }

func adult(low, high *float64, src string) []rangeRule {
	return []rangeRule{{MinAge: 18, Low: low, High: high, Source: src}}
}

func bySex(mLow, mHigh, fLow, fHigh float64, src string) []rangeRule {
	return []rangeRule{
		{Sex: SexMale, MinAge: 18, Low: fp(mLow), High: fp(mHigh), Source: src},
		{Sex: SexFemale, MinAge: 18, Low: fp(fLow), High: fp(fHigh), Source: src},
	}
}

func withRules(base []rangeRule, extra ...rangeRule) []rangeRule { return append(extra, base...) }

const (
	mwGlucose     = 180.16
	mwCholesterol = 386.65  // 1 mmol/L = 38.67 mg/dL
	mwTriglyc     = 885.7   // as triolein: 1 mmol/L = 88.57 mg/dL
	mwCreatinine  = 113.12  // 1 mg/dL = 88.4 umol/L
	mwUreaN       = 28.014  // urea nitrogen (2 N): 1 mg/dL = 0.357 mmol/L urea
	mwCalcium     = 40.078  // 1 mg/dL = 0.2495 mmol/L
	mwHemoglobin  = 16114.0 // monomer: 1 g/dL = 0.6206 mmol/L
	mwBilirubin   = 584.66  // 1 mg/dL = 17.1 umol/L
	mwT4          = 776.87  // 1 ng/dL = 12.87 pmol/L
	mwT3          = 650.97  // 1 ng/dL = 0.01536 nmol/L
)

var analyteTable = []analyte{
	// --- CBC ---
	{Code: "6690-2", Name: "Leukocytes [#/volume] in Blood", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26464-8": "", "804-5": ""},
		Ranges: withRules(adult(fp(4.5), fp(11.0), citeTietz),
			rangeRule{MinAge: 6, MaxAge: 18, Low: fp(4.5), High: fp(13.5), Source: citeTietz}),
		CritLow: fp(2.0), CritHigh: fp(30.0), PlausLow: 0.01, PlausHigh: 1000},
	{Code: "789-8", Name: "Erythrocytes [#/volume] in Blood", Panel: "CBC", Unit: "10*6/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26453-1": "", "790-6": ""},
		Ranges:  bySex(4.5, 5.9, 4.1, 5.1, citeTietz), PlausLow: 0.2, PlausHigh: 12},
	{Code: "718-7", Name: "Hemoglobin [Mass/volume] in Blood", Panel: "CBC", Unit: "g/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"20509-6": propMass, "59260-0": propMolar},
		MolarMass: mwHemoglobin,
		Ranges: withRules(bySex(13.5, 17.5, 12.0, 15.5, citeTietz),
			rangeRule{MinAge: 6, MaxAge: 18, Low: fp(11.5), High: fp(15.5), Source: citeTietz}),
		CritLow: fp(6.0), CritHigh: fp(20.0), PlausLow: 1, PlausHigh: 26},
	{Code: "4544-3", Name: "Hematocrit [Volume Fraction] of Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"20570-8": ""},
		Ranges:  bySex(41, 53, 36, 46, citeTietz), CritLow: fp(18), CritHigh: fp(60), PlausLow: 5, PlausHigh: 80},
	{Code: "787-2", Name: "MCV [Entitic volume] by Automated count", Panel: "CBC", Unit: "fL", Dim: dimEntVolume,
		Aliases: map[string]codeProperty{"30428-7": ""}, Ranges: adult(fp(80), fp(100), citeTietz), PlausLow: 40, PlausHigh: 160},
	{Code: "785-6", Name: "MCH [Entitic mass] by Automated count", Panel: "CBC", Unit: "pg", Dim: dimEntMass,
		Aliases: map[string]codeProperty{"28539-5": ""}, Ranges: adult(fp(26), fp(34), citeTietz), PlausLow: 10, PlausHigh: 60},
	{Code: "786-4", Name: "MCHC [Mass/volume] by Automated count", Panel: "CBC", Unit: "g/dL", Dim: dimMassConc, Property: propMass,
		Aliases: map[string]codeProperty{"28540-3": propMass}, Ranges: adult(fp(31), fp(37), citeTietz), PlausLow: 20, PlausHigh: 45},
	{Code: "788-0", Name: "Erythrocyte distribution width [Ratio] by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"30385-9": "", "21000-5": ""}, Ranges: adult(fp(11.5), fp(14.5), citeTietz), PlausLow: 5, PlausHigh: 40},
	{Code: "777-3", Name: "Platelets [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26515-7": "", "778-1": ""},
		Ranges:  []rangeRule{{Low: fp(150), High: fp(450), Source: citeTietz}},
		CritLow: fp(20), CritHigh: fp(1000), PlausLow: 1, PlausHigh: 5000},
	{Code: "751-8", Name: "Neutrophils [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26499-4": ""}, Ranges: adult(fp(1.8), fp(7.7), citeTietz), CritLow: fp(0.5), PlausLow: 0, PlausHigh: 500},
	{Code: "731-0", Name: "Lymphocytes [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26474-7": ""}, Ranges: adult(fp(1.0), fp(4.8), citeTietz), PlausLow: 0, PlausHigh: 500},
	{Code: "742-7", Name: "Monocytes [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26484-6": ""}, Ranges: adult(fp(0.0), fp(0.8), citeTietz), PlausLow: 0, PlausHigh: 200},
	{Code: "711-2", Name: "Eosinophils [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26449-9": ""}, Ranges: adult(fp(0.0), fp(0.45), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "704-7", Name: "Basophils [#/volume] in Blood by Automated count", Panel: "CBC", Unit: "10*3/uL", Dim: dimCountConc,
		Aliases: map[string]codeProperty{"26444-0": ""}, Ranges: adult(fp(0.0), fp(0.2), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "770-8", Name: "Neutrophils/100 leukocytes in Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"26511-6": "", "23761-0": ""}, Ranges: adult(fp(40), fp(70), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "736-9", Name: "Lymphocytes/100 leukocytes in Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"26478-8": ""}, Ranges: adult(fp(20), fp(40), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "5905-5", Name: "Monocytes/100 leukocytes in Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"26485-3": ""}, Ranges: adult(fp(2), fp(10), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "713-8", Name: "Eosinophils/100 leukocytes in Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"26450-7": ""}, Ranges: adult(fp(1), fp(6), citeTietz), PlausLow: 0, PlausHigh: 100},
	{Code: "706-2", Name: "Basophils/100 leukocytes in Blood by Automated count", Panel: "CBC", Unit: "%", Dim: dimFraction,
		Aliases: map[string]codeProperty{"30180-4": ""}, Ranges: adult(fp(0), fp(2), citeTietz), PlausLow: 0, PlausHigh: 100},

	// --- CMP (BMP = glucose, BUN, creatinine, Na, K, Cl, CO2, Ca) ---
	{Code: "2345-7", Name: "Glucose [Mass/volume] in Serum or Plasma", Panel: "BMP", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"2339-0": propMass, "14749-6": propMolar, "15074-8": propMolar},
		MolarMass: mwGlucose, Ranges: []rangeRule{{MinAge: 1, Low: fp(70), High: fp(99), Source: citeADA}},
		CritLow: fp(40), CritHigh: fp(500), PlausLow: 5, PlausHigh: 3000},
	{Code: "3094-0", Name: "Urea nitrogen [Mass/volume] in Serum or Plasma", Panel: "BMP", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"6299-2": propMass, "14937-7": propMolar},
		MolarMass: mwUreaN, Ranges: withRules(adult(fp(6), fp(20), citeTietz),
			rangeRule{MinAge: 1, MaxAge: 18, Low: fp(5), High: fp(18), Source: citeTietz}),
		PlausLow: 0.5, PlausHigh: 300},
	{Code: "2160-0", Name: "Creatinine [Mass/volume] in Serum or Plasma", Panel: "BMP", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"38483-4": propMass, "14682-9": propMolar},
		MolarMass: mwCreatinine, Ranges: bySex(0.9, 1.3, 0.6, 1.1, citeTietz), PlausLow: 0.05, PlausHigh: 40},
	{Code: "2951-2", Name: "Sodium [Moles/volume] in Serum or Plasma", Panel: "BMP", Unit: "mmol/L", Dim: dimSubstConc, Property: propMolar,
		Aliases: map[string]codeProperty{"2947-0": propMolar}, Monovalent: true,
		Ranges:  []rangeRule{{MinAge: 1, Low: fp(136), High: fp(145), Source: citeTietz}},
		CritLow: fp(120), CritHigh: fp(160), PlausLow: 80, PlausHigh: 220},
	{Code: "2823-3", Name: "Potassium [Moles/volume] in Serum or Plasma", Panel: "BMP", Unit: "mmol/L", Dim: dimSubstConc, Property: propMolar,
		Aliases: map[string]codeProperty{"6298-4": propMolar}, Monovalent: true,
		Ranges:  []rangeRule{{MinAge: 1, Low: fp(3.5), High: fp(5.1), Source: citeTietz}},
		CritLow: fp(2.8), CritHigh: fp(6.2), PlausLow: 0.5, PlausHigh: 15},
	{Code: "2075-0", Name: "Chloride [Moles/volume] in Serum or Plasma", Panel: "BMP", Unit: "mmol/L", Dim: dimSubstConc, Property: propMolar,
		Aliases: map[string]codeProperty{"2069-3": propMolar}, Monovalent: true,
		Ranges:  []rangeRule{{MinAge: 1, Low: fp(98), High: fp(107), Source: citeTietz}},
		CritLow: fp(80), CritHigh: fp(120), PlausLow: 40, PlausHigh: 180},
	{Code: "2028-9", Name: "Carbon dioxide, total [Moles/volume] in Serum or Plasma", Panel: "BMP", Unit: "mmol/L", Dim: dimSubstConc, Property: propMolar,
		Aliases: map[string]codeProperty{"1963-8": propMolar, "20565-8": propMolar}, Monovalent: true,
		Ranges:  []rangeRule{{MinAge: 1, Low: fp(22), High: fp(29), Source: citeTietz}},
		CritLow: fp(10), CritHigh: fp(40), PlausLow: 1, PlausHigh: 70},
	{Code: "17861-6", Name: "Calcium [Mass/volume] in Serum or Plasma", Panel: "BMP", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"2000-8": propMolar},
		MolarMass: mwCalcium, Ranges: []rangeRule{{MinAge: 1, Low: fp(8.6), High: fp(10.3), Source: citeTietz}},
		CritLow: fp(6.0), CritHigh: fp(13.0), PlausLow: 1, PlausHigh: 25},
	{Code: "2885-2", Name: "Protein [Mass/volume] in Serum or Plasma", Panel: "CMP", Unit: "g/dL", Dim: dimMassConc, Property: propMass,
		Ranges: adult(fp(6.4), fp(8.3), citeTietz), PlausLow: 1, PlausHigh: 20},
	{Code: "1751-7", Name: "Albumin [Mass/volume] in Serum or Plasma", Panel: "CMP", Unit: "g/dL", Dim: dimMassConc, Property: propMass,
		Ranges: adult(fp(3.5), fp(5.2), citeTietz), PlausLow: 0.3, PlausHigh: 8},
	{Code: "1975-2", Name: "Bilirubin.total [Mass/volume] in Serum or Plasma", Panel: "CMP", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14631-6": propMolar},
		MolarMass: mwBilirubin, Ranges: adult(fp(0.3), fp(1.2), citeTietz), PlausLow: 0, PlausHigh: 60},
	{Code: "6768-6", Name: "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", Panel: "CMP", Unit: "U/L", Dim: dimCatConc,
		Ranges: bySex(40, 129, 35, 104, citeTietz), PlausLow: 1, PlausHigh: 10000},
	{Code: "1742-6", Name: "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", Panel: "CMP", Unit: "U/L", Dim: dimCatConc,
		Ranges: bySex(10, 40, 7, 35, citeTietz), PlausLow: 1, PlausHigh: 30000},
	{Code: "1920-8", Name: "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", Panel: "CMP", Unit: "U/L", Dim: dimCatConc,
		Ranges: bySex(15, 40, 13, 35, citeTietz), PlausLow: 1, PlausHigh: 30000},

	// --- Lipid panel (ATP III cut-offs as reference limits) ---
	{Code: "2093-3", Name: "Cholesterol [Mass/volume] in Serum or Plasma", Panel: "LIPID", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14647-2": propMolar, "35200-5": propEither},
		MolarMass: mwCholesterol, Ranges: adult(nil, fp(199), citeATP3), PlausLow: 20, PlausHigh: 2000},
	{Code: "2571-8", Name: "Triglyceride [Mass/volume] in Serum or Plasma", Panel: "LIPID", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14927-8": propMolar, "35217-9": propEither},
		MolarMass: mwTriglyc, Ranges: adult(nil, fp(149), citeATP3), PlausLow: 5, PlausHigh: 20000},
	{Code: "2085-9", Name: "Cholesterol in HDL [Mass/volume] in Serum or Plasma", Panel: "LIPID", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14646-4": propMolar},
		MolarMass: mwCholesterol, Ranges: adult(fp(40), nil, citeATP3), PlausLow: 2, PlausHigh: 300},
	{Code: "13457-7", Name: "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation", Panel: "LIPID", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"39469-2": propMolar},
		MolarMass: mwCholesterol, Ranges: adult(nil, fp(99), citeATP3), PlausLow: 1, PlausHigh: 1500},
	{Code: "18262-6", Name: "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay", Panel: "LIPID", Unit: "mg/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"2089-1": propMass, "22748-8": propMolar},
		MolarMass: mwCholesterol, Ranges: adult(nil, fp(99), citeATP3), PlausLow: 1, PlausHigh: 1500},

	// --- Thyroid panel ---
	{Code: "3016-3", Name: "Thyrotropin [Units/volume] in Serum or Plasma", Panel: "THYROID", Unit: "m[IU]/L", Dim: dimArbConc,
		Aliases: map[string]codeProperty{"11580-8": "", "11579-0": ""}, Ranges: adult(fp(0.4), fp(4.2), citeTietz), PlausLow: 0.001, PlausHigh: 1000},
	{Code: "3024-7", Name: "Thyroxine (T4) free [Mass/volume] in Serum or Plasma", Panel: "THYROID", Unit: "ng/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14920-3": propMolar},
		MolarMass: mwT4, Ranges: adult(fp(0.8), fp(1.8), citeTietz), PlausLow: 0.05, PlausHigh: 15},
	{Code: "3026-2", Name: "Thyroxine (T4) [Mass/volume] in Serum or Plasma", Panel: "THYROID", Unit: "ug/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14921-1": propMolar},
		MolarMass: mwT4, Ranges: adult(fp(5.0), fp(12.0), citeTietz), PlausLow: 0.2, PlausHigh: 40},
	{Code: "3053-6", Name: "Triiodothyronine (T3) [Mass/volume] in Serum or Plasma", Panel: "THYROID", Unit: "ng/dL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14928-6": propMolar},
		MolarMass: mwT3, Ranges: adult(fp(80), fp(200), citeTietz), PlausLow: 5, PlausHigh: 2000},
	{Code: "3051-0", Name: "Triiodothyronine (T3) free [Mass/volume] in Serum or Plasma", Panel: "THYROID", Unit: "pg/mL", Dim: dimMassConc, Property: propMass,
		Aliases:   map[string]codeProperty{"14929-4": propMolar},
		MolarMass: mwT3, Ranges: adult(fp(2.3), fp(4.2), citeTietz), PlausLow: 0.2, PlausHigh: 50},
}

// analyteIndex maps every canonical and alias code to its row and the
// property of the code that was sent.
var analyteIndex = func() map[string]struct {
	a    *analyte
	prop codeProperty
} {
	idx := map[string]struct {
		a    *analyte
		prop codeProperty
	}{}
	for i := range analyteTable {
		a := &analyteTable[i]
		idx[a.Code] = struct {
			a    *analyte
			prop codeProperty
		}{a, a.Property}
		for c, p := range a.Aliases {
			idx[c] = struct {
				a    *analyte
				prop codeProperty
			}{a, p}
		}
	}
	return idx
}()

// LookupAnalyte returns the canonical LOINC code, name and UCUM unit for a
// LOINC code (canonical or alias).
func LookupAnalyte(code string) (canonical, name, unit string, ok bool) {
	e, ok := analyteIndex[code]
	if !ok {
		return "", "", "", false
	}
	return e.a.Code, e.a.Name, e.a.Unit, true
}
