package servicestest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labsecure/labsecure/constructs/cfn"
	"github.com/labsecure/labsecure/constructs/identity"
)

const samlXML = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com"/>`

var userPool *identity.UserPool

func buildIdentity(f *fixture) []badCase {
	good := func() *identity.UserPoolProps {
		return &identity.UserPoolProps{DomainPrefix: "labsecure-test", CallbackURLs: []string{"https://portal.labsecure.example/callback"}}
	}
	userPool = must(identity.NewUserPool(f.defaults, "UserPool", good()))
	must(identity.NewUserPool(f.variations, "UserPoolSAML", &identity.UserPoolProps{
		Name: "labsecure-test-staff", MFA: identity.MFAOptional, DomainPrefix: "labsecure-staff",
		CallbackURLs:        []string{"https://staff.labsecure.example/cb", "http://localhost:4200/cb"},
		LogoutURLs:          []string{"https://staff.labsecure.example/"},
		AccessTokenValidity: 15 * time.Minute, RefreshTokenValidity: 12 * time.Hour,
		MachineScopes: []string{"orders.read"}, ResourceServerID: "lab-api",
		SAML:      &identity.SAMLProps{Name: "Hospital", MetadataURL: "https://idp.example.com/metadata.xml"},
		EmailFrom: "no-reply@labsecure.example", EmailFromDomain: "labsecure.example",
		Retain: true,
	}))
	must(identity.NewUserPool(f.variations, "UserPoolSAMLXML", &identity.UserPoolProps{
		DomainPrefix: "labsecure-xml", CallbackURLs: []string{"https://x.labsecure.example/cb"},
		SAML: &identity.SAMLProps{Name: "Clinic", MetadataXML: samlXML},
	}))
	with := func(mod func(p *identity.UserPoolProps)) func() error {
		return func() error { p := good(); mod(p); _, err := identity.NewUserPool(f.bad, "U", p); return err }
	}
	return []badCase{
		{"identity nil", "props are required", func() error { _, err := identity.NewUserPool(f.bad, "U", nil); return err }},
		{"identity MFA off", "MFA", with(func(p *identity.UserPoolProps) { p.MFA = "OFF" })},
		{"identity domain reserved", "DomainPrefix", with(func(p *identity.UserPoolProps) { p.DomainPrefix = "my-cognito" })},
		{"identity domain case", "DomainPrefix", with(func(p *identity.UserPoolProps) { p.DomainPrefix = "Lab" })},
		{"identity no callback", "CallbackURLs", with(func(p *identity.UserPoolProps) { p.CallbackURLs = nil })},
		{"identity http callback", "CallbackURLs", with(func(p *identity.UserPoolProps) { p.CallbackURLs = []string{"http://portal.example.com/cb"} })},
		{"identity logout fragment", "LogoutURLs", with(func(p *identity.UserPoolProps) { p.LogoutURLs = []string{"https://p.example.com/#x"} })},
		{"identity scope", "MachineScopes", with(func(p *identity.UserPoolProps) { p.MachineScopes = []string{"results write"} })},
		{"identity server", "ResourceServerID", with(func(p *identity.UserPoolProps) { p.ResourceServerID = "a b" })},
		{"identity access long", "AccessTokenValidity", with(func(p *identity.UserPoolProps) { p.AccessTokenValidity = 2 * time.Hour })},
		{"identity refresh long", "RefreshTokenValidity", with(func(p *identity.UserPoolProps) { p.RefreshTokenValidity = 90 * 24 * time.Hour })},
		{"identity saml both", "SAML.MetadataURL", with(func(p *identity.UserPoolProps) {
			p.SAML = &identity.SAMLProps{Name: "Idp", MetadataURL: "https://x.example/m", MetadataXML: samlXML}
		})},
		{"identity saml http", "SAML.MetadataURL", with(func(p *identity.UserPoolProps) {
			p.SAML = &identity.SAMLProps{Name: "Idp", MetadataURL: "http://x.example/m"}
		})},
		{"identity saml xml", "SAML.MetadataXML", with(func(p *identity.UserPoolProps) { p.SAML = &identity.SAMLProps{Name: "Idp", MetadataXML: "<html/>"} })},
		{"identity email", "EmailFrom", with(func(p *identity.UserPoolProps) { p.EmailFrom = "Lab <x@y.example>" })},
		{"identity email domain", "EmailFromDomain", with(func(p *identity.UserPoolProps) { p.EmailFrom, p.EmailFromDomain = "x@y.example", "z.example" })},
		{"identity email no from", "EmailFromDomain", with(func(p *identity.UserPoolProps) { p.EmailFromDomain = "z.example" })},
		{"identity saml name", "SAML.Name", with(func(p *identity.UserPoolProps) { p.SAML = &identity.SAMLProps{Name: "x", MetadataXML: samlXML} })},
	}
}

func TestUserPoolSecurityDefaults(t *testing.T) {
	for _, c := range []struct {
		stack   *cfn.Stack
		frag    string
		mfa     string
		retain  bool
		refresh int // minutes
		access  int
	}{
		{defaults, "UserPool/", "ON", false, 30 * 24 * 60, 60},
		{variations, "UserPoolSAML/", "OPTIONAL", true, 12 * 60, 15},
	} {
		pool := byPath(t, c.stack, "AWS::Cognito::UserPool", c.frag)
		eq(t, pool, c.mfa, "MfaConfiguration")
		eq(t, pool, []any{"SOFTWARE_TOKEN_MFA"}, "EnabledMfas")
		if pool.Has("SmsConfiguration") {
			t.Errorf("%s: SMS is configured although SMS MFA is off by default", pool.Path())
		}
		eq(t, pool, "ENFORCED", "UserPoolAddOns", "AdvancedSecurityMode")
		eq(t, pool, "PLUS", "UserPoolTier")
		eq(t, pool, map[string]any{
			"MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true, "RequireNumbers": true,
			"RequireSymbols": true, "TemporaryPasswordValidityDays": 3, "PasswordHistorySize": 24,
		}, "Policies", "PasswordPolicy")
		eq(t, pool, true, "AdminCreateUserConfig", "AllowAdminCreateUserOnly")
		eq(t, pool, []any{map[string]any{"Name": "verified_email", "Priority": 1}}, "AccountRecoverySetting", "RecoveryMechanisms")
		wantProt := "INACTIVE"
		wantPolicy := "Delete"
		if c.retain {
			wantProt, wantPolicy = "ACTIVE", "Retain"
		}
		eq(t, pool, wantProt, "DeletionProtection")
		if pool.DeletionPolicy != wantPolicy {
			t.Errorf("%s: DeletionPolicy %q, want %q", pool.Path(), pool.DeletionPolicy, wantPolicy)
		}

		portal := byPath(t, c.stack, "AWS::Cognito::UserPoolClient", c.frag+"Resource/PortalClient")
		eq(t, portal, false, "GenerateSecret")
		eq(t, portal, []any{"code"}, "AllowedOAuthFlows")
		eq(t, portal, true, "AllowedOAuthFlowsUserPoolClient")
		for _, s := range []string{"openid", "email", "profile"} {
			if !slices.Contains(portal.List("AllowedOAuthScopes"), any(s)) {
				t.Errorf("%s: OIDC scope %s missing from %v", portal.Path(), s, portal.List("AllowedOAuthScopes"))
			}
		}
		eq(t, portal, "ENABLED", "PreventUserExistenceErrors")
		eq(t, portal, true, "EnableTokenRevocation")
		eq(t, portal, c.access, "AccessTokenValidity")
		eq(t, portal, c.access, "IdTokenValidity")
		eq(t, portal, c.refresh, "RefreshTokenValidity")
		eq(t, portal, map[string]any{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"}, "TokenValidityUnits")
		if flows := portal.List("ExplicitAuthFlows"); slices.Contains(flows, any("ALLOW_USER_PASSWORD_AUTH")) || slices.Contains(flows, any("ALLOW_ADMIN_USER_PASSWORD_AUTH")) {
			t.Errorf("%s: password auth flows enabled: %v", portal.Path(), flows)
		}

		machine := byPath(t, c.stack, "AWS::Cognito::UserPoolClient", c.frag+"Resource/MachineClient")
		eq(t, machine, true, "GenerateSecret")
		eq(t, machine, []any{"client_credentials"}, "AllowedOAuthFlows")
		eq(t, machine, []any{"ALLOW_REFRESH_TOKEN_AUTH"}, "ExplicitAuthFlows")
		eq(t, machine, "ENABLED", "PreventUserExistenceErrors")
		eq(t, machine, c.access, "AccessTokenValidity")
		for _, s := range machine.List("AllowedOAuthScopes") {
			str, _ := s.(string)
			if str == "openid" || str == "aws.cognito.signin.user.admin" {
				t.Errorf("%s: machine client has user scope %s", machine.Path(), str)
			}
		}
		if len(machine.List("AllowedOAuthScopes")) == 0 {
			t.Errorf("%s: machine client has no scopes", machine.Path())
		}

		byPath(t, c.stack, "AWS::Cognito::UserPoolDomain", c.frag)
		byPath(t, c.stack, "AWS::Cognito::UserPoolResourceServer", c.frag)
	}
}

func TestUserPoolMachineScopes(t *testing.T) {
	if want := []string{"labsecure/results.write", "labsecure/results.read"}; !slices.Equal(userPool.MachineScopes, want) {
		t.Errorf("MachineScopes = %v, want %v", userPool.MachineScopes, want)
	}
	if s, ok := userPool.Scope("results.write"); !ok || s != "labsecure/results.write" {
		t.Errorf(`Scope("results.write") = %q, %v`, s, ok)
	}
	if _, ok := userPool.Scope("admin"); ok {
		t.Error(`Scope("admin") found a scope that was never granted`)
	}
	rs := byPath(t, defaults, "AWS::Cognito::UserPoolResourceServer", "UserPool/")
	eq(t, rs, "labsecure", "Identifier")
	var names []any
	for _, s := range rs.List("Scopes") {
		names = append(names, s.(map[string]any)["ScopeName"])
	}
	if js(names) != js([]string{"results.write", "results.read"}) {
		t.Errorf("resource server scopes %v", names)
	}
	machine := byPath(t, defaults, "AWS::Cognito::UserPoolClient", "UserPool/Resource/MachineClient")
	if got := js(machine.List("AllowedOAuthScopes")); !(got == js([]any{
		map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Ref": rs.LogicalID}, "/results.write"}}},
		map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Ref": rs.LogicalID}, "/results.read"}}},
	}) || got == js([]string{"labsecure/results.write", "labsecure/results.read"})) {
		t.Errorf("machine client scopes %s", got)
	}
	dom := byPath(t, defaults, "AWS::Cognito::UserPoolDomain", "UserPool/")
	eq(t, dom, "labsecure-test", "Domain")
}

func TestUserPoolEmail(t *testing.T) {
	ses := byPath(t, variations, "AWS::Cognito::UserPool", "UserPoolSAML/")
	eq(t, ses, "DEVELOPER", "EmailConfiguration", "EmailSendingAccount")
	if from, _ := ses.String("EmailConfiguration", "From"); !strings.Contains(from, "no-reply@labsecure.example") {
		t.Errorf("%s: From %q", ses.Path(), from)
	}
	if arn := js(ses.Properties["EmailConfiguration"]); !strings.Contains(arn, "identity/labsecure.example") {
		t.Errorf("%s: SES identity %s is not the verified domain", ses.Path(), arn)
	}
	def := byPath(t, defaults, "AWS::Cognito::UserPool", "UserPool/")
	if v, ok := def.String("EmailConfiguration", "EmailSendingAccount"); ok && v != "COGNITO_DEFAULT" {
		t.Errorf("default pool sends through %s", v)
	}
}

func TestUserPoolSAML(t *testing.T) {
	idp := byPath(t, variations, "AWS::Cognito::UserPoolIdentityProvider", "UserPoolSAML/SAML")
	eq(t, idp, "SAML", "ProviderType")
	eq(t, idp, "Hospital", "ProviderName")
	eq(t, idp, "https://idp.example.com/metadata.xml", "ProviderDetails", "MetadataURL")
	eq(t, idp, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "AttributeMapping", "email")
	portal := byPath(t, variations, "AWS::Cognito::UserPoolClient", "UserPoolSAML/Resource/PortalClient")
	if !slices.Contains(portal.List("SupportedIdentityProviders"), any("Hospital")) {
		t.Errorf("portal client does not offer the SAML provider: %v", portal.List("SupportedIdentityProviders"))
	}
	if !slices.Contains(portal.DependsOn, idp.LogicalID) {
		t.Errorf("portal client does not depend on the SAML provider (%v)", portal.DependsOn)
	}
	xml := byPath(t, variations, "AWS::Cognito::UserPoolIdentityProvider", "UserPoolSAMLXML/SAML")
	eq(t, xml, samlXML, "ProviderDetails", "MetadataFile")
	if p := byPath(t, defaults, "AWS::Cognito::UserPoolClient", "UserPool/Resource/PortalClient"); js(p.List("SupportedIdentityProviders")) != `["COGNITO"]` {
		t.Errorf("default portal client providers %v, want COGNITO only", p.List("SupportedIdentityProviders"))
	}
}
