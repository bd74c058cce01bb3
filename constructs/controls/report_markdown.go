package controls

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// statusRank orders statuses from worst to best for aggregation.
var statusRank = map[Status]int{Fail: 0, Acknowledged: 1, Pass: 2, NotApplicable: 3, Skip: 4}

// EnvResults returns the results of one environment.
func (r *Report) EnvResults(env string) []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Environment == env {
			out = append(out, res)
		}
	}
	return out
}

// ControlRow aggregates the results of one control in one environment.
type ControlRow struct {
	Control *Control
	Status  Status
	Results []Result
}

// Rows groups an environment's results per control, in catalog order, with the worst status.
func (r *Report) Rows(env string) []ControlRow {
	idx := map[string]int{}
	var rows []ControlRow
	for _, res := range r.EnvResults(env) {
		i, ok := idx[res.Control.ID]
		if !ok {
			i = len(rows)
			idx[res.Control.ID] = i
			rows = append(rows, ControlRow{Control: res.Control, Status: res.Status})
		}
		rows[i].Results = append(rows[i].Results, res)
		if statusRank[res.Status] < statusRank[rows[i].Status] {
			rows[i].Status = res.Status
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].Control.ID < rows[b].Control.ID })
	return rows
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

// WriteMarkdown writes the control matrix of one environment for reviewers.
func WriteMarkdown(w io.Writer, rep *Report, env string) error {
	b := &strings.Builder{}
	counts := map[Status]int{}
	rows := rep.Rows(env)
	for _, row := range rows {
		counts[row.Status]++
	}
	fmt.Fprintf(b, "# Security control matrix: %s\n\n", env)
	fmt.Fprintf(b, "Generated %s. %d controls: %d PASS, %d FAIL, %d ACKNOWLEDGED, %d NOT_APPLICABLE, %d SKIP.\n\n",
		rep.Generated.UTC().Format("2006-01-02 15:04 UTC"), len(rows), counts[Pass], counts[Fail], counts[Acknowledged], counts[NotApplicable], counts[Skip])
	b.WriteString("| Control | Severity | Source (seed sentence) | Result | Resources | Acknowledgements |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, row := range rows {
		c := row.Control
		var per []string
		n, bad := 0, 0
		var acks []string
		seenAck := map[*Acknowledgement]bool{}
		for _, res := range row.Results {
			per = append(per, fmt.Sprintf("%s: %s", res.Stack, res.Status))
			n += len(res.Resources)
			bad += len(res.Findings)
			for _, f := range res.Acknowledged {
				if !seenAck[f.Ack] {
					seenAck[f.Ack] = true
					acks = append(acks, fmt.Sprintf("%s by %s until %s", f.Ack.Resource, f.Ack.Owner, f.Ack.Expires.Format("2006-01-02")))
				}
			}
		}
		resources := fmt.Sprintf("%d checked", n)
		if bad > 0 {
			resources += fmt.Sprintf(", %d failing", bad)
		}
		var names []string
		for _, res := range row.Results {
			for _, ref := range res.Resources {
				if len(names) < 3 {
					names = append(names, "`"+ref.Path+"`")
				}
			}
		}
		if len(names) > 0 {
			resources += ": " + strings.Join(names, ", ")
			if n > len(names) {
				resources += ", ..."
			}
		}
		fmt.Fprintf(b, "| **%s** %s | %s | `%s`: \"%s\" | **%s** (%s) | %s | %s |\n", c.ID, mdCell(c.Title), c.Severity,
			c.Seed, mdCell(c.Sentence), row.Status, mdCell(strings.Join(per, ", ")), resources, mdCell(strings.Join(acks, "; ")))
	}

	b.WriteString("\n## Open findings\n\n")
	open := 0
	for _, row := range rows {
		for _, res := range row.Results {
			for _, f := range res.Findings {
				open++
				fmt.Fprintf(b, "- **%s** `%s` (%s): %s  \n  Fix: %s\n", f.ControlID, f.Path, f.Stack, f.Message, row.Control.Remediation)
			}
		}
	}
	if open == 0 {
		b.WriteString("None.\n")
	}

	b.WriteString("\n## Acknowledged findings\n\n")
	acked := 0
	for _, row := range rows {
		for _, res := range row.Results {
			for _, f := range res.Acknowledged {
				acked++
				fmt.Fprintf(b, "- **%s** `%s`: %s. Accepted by %s until %s: %s\n", f.ControlID, f.Path, f.Message,
					f.Ack.Owner, f.Ack.Expires.Format("2006-01-02"), f.Ack.Reason)
			}
		}
	}
	if acked == 0 {
		b.WriteString("None.\n")
	}

	b.WriteString("\n## Not applicable and skipped\n\n")
	for _, row := range rows {
		for _, res := range row.Results {
			if res.Status == NotApplicable {
				fmt.Fprintf(b, "- **%s** NOT_APPLICABLE on %s: %s\n", row.Control.ID, res.Stack, res.Reason)
			}
		}
	}
	for _, row := range rows {
		if row.Status != Skip {
			continue
		}
		reasons := map[string]bool{}
		for _, res := range row.Results {
			reasons[res.Reason] = true
		}
		fmt.Fprintf(b, "- **%s** SKIP: %s\n", row.Control.ID, strings.Join(sortedKeys(reasons), "; "))
	}

	b.WriteString("\n## cdk-nag error annotations\n\n")
	nag := 0
	for _, m := range rep.NagErrors {
		if m.Environment != env {
			continue
		}
		nag++
		state := "OPEN"
		if m.Ack != nil {
			state = fmt.Sprintf("acknowledged by %s until %s", m.Ack.Owner, m.Ack.Expires.Format("2006-01-02"))
		}
		fmt.Fprintf(b, "- %s `%s`: %s (%s)\n", m.Stack, m.Path, mdCell(m.Text), state)
	}
	if nag == 0 {
		b.WriteString("None.\n")
	}

	b.WriteString("\n## Acknowledgement register\n\n")
	if len(rep.Acknowledgements) == 0 {
		b.WriteString("Empty.\n")
	} else {
		b.WriteString("| Rule | Environment | Resource | Owner | Expires | State | Matches | Reason |\n|---|---|---|---|---|---|---|---|\n")
		for _, u := range rep.Acknowledgements {
			state := "active"
			switch {
			case u.Invalid != "":
				state = "INVALID: " + u.Invalid
			case u.Expired:
				state = "EXPIRED"
			}
			a := u.Ack
			fmt.Fprintf(b, "| %s | %s | `%s` | %s | %s | %s | %d | %s |\n", a.ControlID, a.Environment, mdCell(a.Resource),
				mdCell(a.Owner), a.Expires.Format("2006-01-02"), mdCell(state), u.Matches, mdCell(a.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}
