package controls

import (
	"fmt"
	"strings"

	"github.com/labsecure/labsecure/constructs/cfn"
)

const lbType = "AWS::ElasticLoadBalancingV2::LoadBalancer"

func networkControls() []Control {
	return []Control{netNoWorldIngress(), netFlowLogs(), netDefaultSG(), netTiers(), netNATPerAZ(), netPublicLB()}
}

// internetFacing reports whether a load balancer is internet-facing (the default scheme).
func internetFacing(lb *cfn.Resource) bool {
	s, ok := lb.String("Scheme")
	return !ok || s == "internet-facing"
}

// publicLBGroups returns the security groups attached to internet-facing load balancers.
func publicLBGroups(c *Context) map[*cfn.Resource]bool {
	out := map[*cfn.Resource]bool{}
	for _, lb := range c.Env.OfType(lbType) {
		if !internetFacing(lb) {
			continue
		}
		for _, sg := range securityGroupsOf(c, lb, "SecurityGroups") {
			out[sg] = true
		}
	}
	return out
}

// netNoWorldIngress
//
//	Rule Identifier: LS-NET-001
//	Description:     No security group admits 0.0.0.0/0 or ::/0, except an internet-facing load
//	                 balancer's group on TCP 80 or 443.
//	Reports on:      AWS::EC2::SecurityGroup, AWS::EC2::SecurityGroupIngress
//	Scenarios:
//	  SKIP: no security group or ingress rule in the stack.
//	  PASS: no world-open rule, or only tcp 80 / 443 on an internet-facing load balancer's group.
//	  FAIL: any other world-open rule (SSH, all ports, the ALB on 8080, ...).
func netNoWorldIngress() Control {
	types := []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"}
	return Control{
		ID: "LS-NET-001", Title: "No ingress from the internet except the public load balancer on 80/443", Severity: Critical,
		Seed:          seedContember,
		Sentence:      "The ALB setup includes well-defined security groups that strictly control inbound and outbound traffic according to the principle of least privilege.",
		ResourceTypes: types,
		Remediation:   "Open 0.0.0.0/0 only on the internet-facing ALB for ports 80 and 443; reach everything else from security groups or SSM.",
		Check: func(c *Context) []Finding {
			public := publicLBGroups(c)
			var out []Finding
			judge := func(holder, sg *cfn.Resource, rule map[string]any) string {
				cidr := ruleCIDR(rule)
				if cidr != "0.0.0.0/0" && cidr != "::/0" {
					return ""
				}
				from, to := rulePorts(rule)
				proto := fmt.Sprint(rule["IpProtocol"])
				if sg != nil && public[sg] && proto == "tcp" && from == to && (from == 80 || from == 443) {
					return ""
				}
				return fmt.Sprintf("admits %s on %s %d-%d", cidr, proto, from, to)
			}
			for _, sg := range c.Resources("AWS::EC2::SecurityGroup") {
				var bad []string
				for _, e := range sg.List("SecurityGroupIngress") {
					if m, ok := e.(map[string]any); ok {
						if msg := judge(sg, sg, m); msg != "" {
							bad = append(bad, msg)
						}
					}
				}
				if len(bad) > 0 {
					out = append(out, c.Fail(sg, "%s", strings.Join(bad, "; ")))
				} else {
					c.Examine(sg)
				}
			}
			for _, ing := range c.Resources("AWS::EC2::SecurityGroupIngress") {
				sg := c.Resolve(ing, ing.Properties["GroupId"])
				if msg := judge(ing, sg, ing.Properties); msg != "" {
					out = append(out, c.Fail(ing, "%s", msg))
				} else {
					c.Examine(ing)
				}
			}
			return out
		},
	}
}

// netFlowLogs
//
//	Rule Identifier: LS-NET-002
//	Description:     Every VPC has a flow log capturing ALL traffic.
//	Reports on:      AWS::EC2::VPC, AWS::EC2::FlowLog
//	Scenarios:
//	  SKIP: no VPC in the stack.
//	  PASS: an AWS::EC2::FlowLog with ResourceType VPC, ResourceId referring to the VPC, TrafficType ALL.
//	  FAIL: none, or only ACCEPT / REJECT.
func netFlowLogs() Control {
	return Control{
		ID: "LS-NET-002", Title: "VPC flow logs capture all traffic", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "The architecture implements enterprise-grade security features, including encryption at rest and in transit, comprehensive access controls, and detailed audit logging.",
		ResourceTypes: []string{"AWS::EC2::VPC", "AWS::EC2::FlowLog"},
		Remediation:   "vpc.AddFlowLog(\"FlowLog\", &awsec2.FlowLogOptions{TrafficType: awsec2.FlowLogTrafficType_ALL, Destination: a KMS log group}).",
		Check: perResource([]string{"AWS::EC2::VPC"}, func(c *Context, r *cfn.Resource) string {
			for _, fl := range c.Env.OfType("AWS::EC2::FlowLog") {
				if c.Resolve(fl, fl.Properties["ResourceId"]) != r {
					continue
				}
				if t, _ := fl.String("TrafficType"); t == "ALL" {
					return ""
				}
			}
			return "no flow log with TrafficType ALL on this VPC"
		}),
	}
}

// netDefaultSG
//
//	Rule Identifier: LS-NET-003
//	Description:     The VPC default security group is stripped of its rules (CDK
//	                 restrictDefaultSecurityGroup custom resource).
//	Reports on:      AWS::EC2::VPC, Custom::VpcRestrictDefaultSG
//	Scenarios:
//	  SKIP: no VPC in the stack.
//	  PASS: a Custom::VpcRestrictDefaultSG refers to the VPC's DefaultSecurityGroup.
//	  FAIL: none.
func netDefaultSG() Control {
	return Control{
		ID: "LS-NET-003", Title: "VPC default security group has no rules", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "Security groups implement least-privilege access controls, allowing only the minimum required connectivity between services.",
		ResourceTypes: []string{"AWS::EC2::VPC", "Custom::VpcRestrictDefaultSG"},
		Remediation:   "Keep RestrictDefaultSecurityGroup: true (the aws-cdk-lib default with @aws-cdk/aws-ec2:restrictDefaultSecurityGroup).",
		Check: perResource([]string{"AWS::EC2::VPC"}, func(c *Context, r *cfn.Resource) string {
			for _, cr := range c.Env.OfType("Custom::VpcRestrictDefaultSG") {
				if v, ok := cr.Get("DefaultSecurityGroupId"); ok && c.Env.Refers(cr, v, r) {
					return ""
				}
			}
			return "the default security group keeps its rules (no Custom::VpcRestrictDefaultSG for this VPC)"
		}),
	}
}

// vpcSubnets returns the subnets of a VPC across the environment.
func vpcSubnets(c *Context, vpc *cfn.Resource) []*cfn.Resource {
	var out []*cfn.Resource
	for _, sn := range c.Env.OfType("AWS::EC2::Subnet") {
		if c.Resolve(sn, sn.Properties["VpcId"]) == vpc {
			out = append(out, sn)
		}
	}
	return out
}

// netTiers
//
//	Rule Identifier: LS-NET-004
//	Description:     Each VPC has public, private and isolated subnets, each tier in >= 2 AZs.
//	Reports on:      AWS::EC2::VPC, AWS::EC2::Subnet, route tables and routes
//	Scenarios:
//	  SKIP: no VPC in the stack.
//	  PASS: all three tiers present, each in at least two distinct AvailabilityZone values.
//	  FAIL: a tier missing or confined to one AZ.
func netTiers() Control {
	return Control{
		ID: "LS-NET-004", Title: "VPC has public, private and isolated tiers in two or more AZs", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "The infrastructure utilizes a comprehensive VPC design with public, private, and isolated subnet tiers.",
		ResourceTypes: []string{"AWS::EC2::VPC", "AWS::EC2::Subnet"},
		Remediation:   "Use constructs/network (SubnetConfiguration PUBLIC, PRIVATE_WITH_EGRESS, PRIVATE_ISOLATED; MaxAzs >= 2).",
		Check: perResource([]string{"AWS::EC2::VPC"}, func(c *Context, r *cfn.Resource) string {
			azs := map[string]map[string]bool{tierPublic: {}, tierPrivate: {}, tierIsolated: {}}
			for _, sn := range vpcSubnets(c, r) {
				tier, _ := subnetTier(c, sn, map[string]any{"Ref": sn.LogicalID})
				if azs[tier] != nil {
					azs[tier][azOf(sn)] = true
				}
			}
			var bad []string
			for _, t := range []string{tierPublic, tierPrivate, tierIsolated} {
				if n := len(azs[t]); n < 2 {
					bad = append(bad, fmt.Sprintf("%s subnets in %d AZ(s)", t, n))
				}
			}
			if len(bad) > 0 {
				return strings.Join(bad, ", ") + " (want each tier in at least 2 AZs)"
			}
			return ""
		}),
	}
}

// netNATPerAZ
//
//	Rule Identifier: LS-NET-005
//	Description:     Where the environment promises multi-AZ, every private subnet egresses through
//	                 a NAT gateway in its own AZ (no cross-AZ single point of failure).
//	Reports on:      AWS::EC2::VPC, AWS::EC2::Subnet, AWS::EC2::NatGateway, AWS::EC2::Route
//	Scenarios:
//	  SKIP: MultiAz false, or no VPC.
//	  PASS: every private subnet's default route targets a NAT gateway placed in a subnet of the same AZ.
//	  FAIL: a private subnet routed to a NAT in another AZ.
func netNATPerAZ() Control {
	return Control{
		ID: "LS-NET-005", Title: "One NAT gateway per AZ in multi-AZ environments", Severity: Medium,
		Seed:          seedLablogs,
		Sentence:      "If one instance or entire availability zone becomes unavailable, traffic automatically routes to resources in the remaining zone without manual intervention, maintaining service availability and performance.",
		ResourceTypes: []string{"AWS::EC2::VPC", "AWS::EC2::NatGateway", "AWS::EC2::Route"},
		Remediation:   "Set NatGateways equal to the number of AZs in the environment config (prod).",
		Check: func(c *Context) []Finding {
			if !c.Settings.MultiAz {
				c.Skip("the environment does not promise multi-AZ (Labsecure.MultiAz is false)")
				return nil
			}
			return perResource([]string{"AWS::EC2::VPC"}, func(c *Context, r *cfn.Resource) string {
				var bad []string
				for _, sn := range vpcSubnets(c, r) {
					for _, assoc := range c.Env.OfType("AWS::EC2::SubnetRouteTableAssociation") {
						if c.Resolve(assoc, assoc.Properties["SubnetId"]) != sn {
							continue
						}
						rt := c.Resolve(assoc, assoc.Properties["RouteTableId"])
						for _, route := range c.Env.OfType("AWS::EC2::Route") {
							if rt == nil || c.Resolve(route, route.Properties["RouteTableId"]) != rt {
								continue
							}
							nat := c.Resolve(route, route.Properties["NatGatewayId"])
							if nat == nil {
								continue
							}
							natSubnet := c.Resolve(nat, nat.Properties["SubnetId"])
							if azOf(natSubnet) != azOf(sn) {
								bad = append(bad, fmt.Sprintf("%s egresses through %s in another AZ", sn.Path(), nat.Path()))
							}
						}
					}
				}
				return strings.Join(bad, "; ")
			})(c)
		},
	}
}

// netPublicLB
//
//	Rule Identifier: LS-NET-006
//	Description:     Internet-facing load balancers sit in public subnets; internal ones do not.
//	Reports on:      AWS::ElasticLoadBalancingV2::LoadBalancer, AWS::EC2::Subnet
//	Scenarios:
//	  SKIP: no load balancer.
//	  PASS: internet-facing in public subnets; internal in private or isolated subnets.
//	  FAIL: otherwise, or subnets not defined in the app.
func netPublicLB() Control {
	return Control{
		ID: "LS-NET-006", Title: "Internet-facing load balancers sit in public subnets", Severity: Low,
		Seed:          seedContember,
		Sentence:      "Specifically, we employ AWS Application Load Balancers (ALB) in our public subnets to manage incoming traffic efficiently and securely.",
		ResourceTypes: []string{lbType},
		Remediation:   "Place internet-facing ALBs with VpcSubnets SubnetType_PUBLIC and internal ones in private subnets.",
		Check: perResource([]string{lbType}, func(c *Context, r *cfn.Resource) string {
			var bad []string
			for _, s := range r.List("Subnets") {
				tier, _ := subnetTier(c, r, s)
				if tier == tierUnknown {
					bad = append(bad, fmt.Sprintf("subnet %s is not defined in this environment", canon(s)))
				} else if internetFacing(r) != (tier == tierPublic) {
					bad = append(bad, fmt.Sprintf("scheme %s in a %s subnet", map[bool]string{true: "internet-facing", false: "internal"}[internetFacing(r)], tier))
				}
			}
			return strings.Join(bad, "; ")
		}),
	}
}
