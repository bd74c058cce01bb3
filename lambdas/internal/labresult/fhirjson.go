package labresult

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Small accessors over generically decoded JSON (decoded with UseNumber).
type jobj = map[string]any

func decodeJSONObject(body []byte) (jobj, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			return nil, fmt.Errorf("the body is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		return nil, fmt.Errorf("the body is not valid JSON")
	}
	if dec.More() {
		return nil, fmt.Errorf("data follows the JSON object")
	}
	o, ok := v.(jobj)
	if !ok {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	return o, nil
}

func jstr(o jobj, key string) string {
	if o == nil {
		return ""
	}
	s, _ := o[key].(string)
	return s
}

func jget(o jobj, key string) jobj {
	if o == nil {
		return nil
	}
	m, _ := o[key].(jobj)
	return m
}

func jarr(o jobj, key string) []any {
	if o == nil {
		return nil
	}
	a, _ := o[key].([]any)
	return a
}

// jnum returns a JSON number field as written and whether it is a number.
func jnum(o jobj, key string) (string, bool) {
	if o == nil {
		return "", false
	}
	n, ok := o[key].(json.Number)
	return string(n), ok
}

func jobjAt(a []any, i int) jobj {
	if i < 0 || i >= len(a) {
		return nil
	}
	m, _ := a[i].(jobj)
	return m
}
