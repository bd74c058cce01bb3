package controls

import (
	"encoding/json"
	"fmt"

	"github.com/labsecure/labsecure/constructs/cfn"
)

var repoTypes = []string{"AWS::ECR::Repository"}

func ecrControls() []Control { return []Control{ecrScanOnPush(), ecrLifecycle(), ecrImmutable()} }

// ecrScanOnPush
//
//	Rule Identifier: LS-ECR-001
//	Description:     Repositories scan images on push.
//	Reports on:      AWS::ECR::Repository
//	Scenarios:
//	  SKIP: no repository.
//	  PASS: ImageScanningConfiguration.ScanOnPush true.
//	  FAIL: absent or false.
func ecrScanOnPush() Control {
	return Control{
		ID: "LS-ECR-001", Title: "ECR repositories scan images on push", Severity: High,
		Seed: seedMenoTime, Sentence: "Scanning: Enable image scanning on push to detect vulnerabilities", ResourceTypes: repoTypes,
		Remediation: "Set ImageScanOnPush: jsii.Bool(true) on the repository.",
		Check: perResource(repoTypes, func(c *Context, r *cfn.Resource) string {
			if on, _ := r.Bool("ImageScanningConfiguration", "ScanOnPush"); !on {
				return "scan on push is off"
			}
			return ""
		}),
	}
}

type ecrPolicy struct {
	Rules []struct {
		Selection struct {
			TagStatus   string `json:"tagStatus"`
			CountType   string `json:"countType"`
			CountUnit   string `json:"countUnit"`
			CountNumber int    `json:"countNumber"`
		} `json:"selection"`
		Action struct {
			Type string `json:"type"`
		} `json:"action"`
	} `json:"rules"`
}

// ecrLifecycle
//
//	Rule Identifier: LS-ECR-002
//	Description:     Lifecycle policy expires untagged images within 30 days and keeps at most
//	                 10 tagged images (ten most recent versions).
//	Reports on:      AWS::ECR::Repository
//	Scenarios:
//	  SKIP: no repository.
//	  PASS: LifecyclePolicyText has an untagged sinceImagePushed <= 30 days rule and a tagged/any imageCountMoreThan <= 10 rule.
//	  FAIL: no policy, unparsable text, or either rule missing.
func ecrLifecycle() Control {
	return Control{
		ID: "LS-ECR-002", Title: "ECR lifecycle: untagged after 30 days, keep last 10 tagged", Severity: Medium,
		Seed: seedMenoTime, Sentence: "Lifecycle Policy: Delete untagged images after 30 days, keep last 10 tagged versions", ResourceTypes: repoTypes,
		Remediation: "AddLifecycleRule({TagStatus: UNTAGGED, MaxImageAge: Duration_Days(30)}) and ({TagStatus: ANY, MaxImageCount: 10}).",
		Check: perResource(repoTypes, func(c *Context, r *cfn.Resource) string {
			text, ok := r.String("LifecyclePolicy", "LifecyclePolicyText")
			if !ok {
				return "no lifecycle policy"
			}
			var p ecrPolicy
			if err := json.Unmarshal([]byte(text), &p); err != nil {
				return fmt.Sprintf("lifecycle policy is not valid JSON: %v", err)
			}
			untagged, count := false, false
			for _, rule := range p.Rules {
				s := rule.Selection
				if rule.Action.Type != "expire" {
					continue
				}
				if s.TagStatus == "untagged" && s.CountType == "sinceImagePushed" && s.CountUnit == "days" && s.CountNumber <= 30 {
					untagged = true
				}
				if (s.TagStatus == "tagged" || s.TagStatus == "any") && s.CountType == "imageCountMoreThan" && s.CountNumber <= 10 {
					count = true
				}
			}
			return problems(map[bool]string{false: "no rule expires untagged images within 30 days"}[untagged],
				map[bool]string{false: "no rule keeps at most the last 10 tagged images"}[count])
		}),
	}
}

// ecrImmutable
//
//	Rule Identifier: LS-ECR-003
//	Description:     Image tags are immutable, so the scanned image is the deployed image.
//	Reports on:      AWS::ECR::Repository
//	Scenarios:
//	  SKIP: no repository.
//	  PASS: ImageTagMutability IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION).
//	  FAIL: absent (MUTABLE) or MUTABLE.
func ecrImmutable() Control {
	return Control{
		ID: "LS-ECR-003", Title: "ECR image tags are immutable", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "Docker images are automatically built, scanned for vulnerabilities, and pushed to AWS ECR (Elastic Container Registry) before being deployed to ECS.",
		ResourceTypes: repoTypes,
		Remediation:   "Set ImageTagMutability: awsecr.TagMutability_IMMUTABLE (deploy by version or commit tag, not latest).",
		Check: perResource(repoTypes, func(c *Context, r *cfn.Resource) string {
			m, _ := r.String("ImageTagMutability")
			if m != "IMMUTABLE" && m != "IMMUTABLE_WITH_EXCLUSION" {
				return "image tags are mutable"
			}
			return ""
		}),
	}
}
