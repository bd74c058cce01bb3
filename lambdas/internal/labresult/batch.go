package labresult

// SplitBatch returns the messages of an HL7 v2 ER7 body one by one, each as ER7 text of its
// own (its segments, each ended by a carriage return), without the FHS/BHS/BTS/FTS batch
// envelope, so that every message of a batch can be stored, processed and acknowledged on
// its own. A body holding one message comes back as one part; a body that does not split
// cleanly (a segment before the first MSH, no MSH at all) comes back whole, so that Parse
// reports the problem. It does not validate the messages: Parse each part.
func SplitBatch(body []byte) [][]byte {
	var parts [][]byte
	clean := true
	eachSegment(body, func(line string) bool {
		name := line
		if len(name) > 3 {
			name = name[:3]
		}
		switch name {
		case "FHS", "BHS", "BTS", "FTS":
			return true
		case "MSH":
			parts = append(parts, nil)
		}
		if len(parts) == 0 {
			clean = false
			return false
		}
		last := len(parts) - 1
		parts[last] = append(append(parts[last], line...), '\r')
		return true
	})
	if !clean || len(parts) == 0 {
		return [][]byte{body}
	}
	return parts
}
