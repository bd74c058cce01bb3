package labresult

import (
	"encoding/json"
	"os"
	"testing"
)

type corpusItem struct {
	format Format
	body   []byte
}

func loadBenchCorpus(b *testing.B) []corpusItem {
	var items []corpusItem
	for _, p := range corpusFiles(b) {
		body, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, corpusItem{formatOf(p), body})
	}
	return items
}

// BenchmarkNormalizeCorpus parses and normalizes every corpus file once per
// iteration (files refused by Parse cost their parse only).
func BenchmarkNormalizeCorpus(b *testing.B) {
	items := loadBenchCorpus(b)
	var size int64
	for _, it := range items {
		size += int64(len(it.body))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			m, err := Parse(it.format, it.body)
			if err == nil {
				_ = Normalize(m, fixedNow)
			}
		}
	}
}

// BenchmarkDecodeCorpusJSON is the floor for the JSON files: a bare
// encoding/json decode into map[string]any of the same JSON files.
func BenchmarkDecodeCorpusJSON(b *testing.B) {
	var items []corpusItem
	var size int64
	for _, it := range loadBenchCorpus(b) {
		if it.format == FormatFHIR {
			items = append(items, it)
			size += int64(len(it.body))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			var m map[string]any
			if err := json.Unmarshal(it.body, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkNormalizeCorpusJSON is BenchmarkNormalizeCorpus restricted to the
// same JSON files as BenchmarkDecodeCorpusJSON, for a like-for-like ratio.
func BenchmarkNormalizeCorpusJSON(b *testing.B) {
	var items []corpusItem
	var size int64
	for _, it := range loadBenchCorpus(b) {
		if it.format == FormatFHIR {
			items = append(items, it)
			size += int64(len(it.body))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			m, err := Parse(it.format, it.body)
			if err == nil {
				_ = Normalize(m, fixedNow)
			}
		}
	}
}
