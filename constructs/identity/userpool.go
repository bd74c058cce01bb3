// Package identity creates the Cognito user pool of an environment: MFA with TOTP, threat
// protection enforced, a strict password policy, e-mail-only account recovery, no self sign-up,
// an optional SAML 2.0 identity provider (seed 000), a portal app client using the
// authorization code grant (a public client without a secret, so the portal must use PKCE), and
// a machine client for lab systems using the client credentials grant with a custom scope
// (seed 001: lab systems POST results to /api/v1/ingest).
//
// PKCE: Cognito has no per-client switch that rejects authorization requests without a
// code_challenge. What the construct guarantees is that the portal client has no secret and
// only the authorization code grant (no implicit grant), which leaves PKCE as the only safe way
// for the portal to use it; the portal's OIDC library must send code_challenge (S256).
package identity

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/labsecure/labsecure/constructs/removalpolicy"
)

// MFA modes accepted by UserPoolProps.MFA.
const (
	MFARequired = "REQUIRED"
	MFAOptional = "OPTIONAL"
)

// Token lifetimes used when the props leave them unset.
const (
	DefaultAccessTokenValidity  = time.Hour
	DefaultRefreshTokenValidity = 30 * 24 * time.Hour
)

// UserPoolProps configures the user pool and its clients.
type UserPoolProps struct {
	// Name is the user pool name, e.g. "labsecure-prod-patients". Default: generated.
	Name string
	// MFA is MFARequired or MFAOptional. Default: MFARequired. There is no way to turn MFA
	// off.
	MFA string
	// EnableSMSMFA also offers SMS codes as a second factor (TOTP is always offered). SMS is
	// weaker (SIM swapping) and needs an SNS role. Default: false (TOTP only).
	EnableSMSMFA bool
	// EnableSelfSignUp lets anyone create an account. Default: false (administrators invite
	// patients).
	EnableSelfSignUp bool
	// DomainPrefix is the Cognito hosted domain prefix
	// (https://<prefix>.auth.<region>.amazoncognito.com). Required: lower-case letters, digits
	// and hyphens; must not contain "aws", "amazon" or "cognito".
	DomainPrefix string
	// CallbackURLs are where the portal client may receive authorization codes. Required:
	// https URLs (http only for localhost).
	CallbackURLs []string
	// LogoutURLs are where users may be sent after sign-out. Default: the CallbackURLs.
	LogoutURLs []string
	// ResourceServerID is the identifier of the API resource server; scopes are
	// "<ResourceServerID>/<scope>". Default: "labsecure".
	ResourceServerID string
	// MachineScopes are the custom scopes of the resource server granted to the machine
	// client. Default: ["results.write", "results.read"].
	MachineScopes []string
	// AccessTokenValidity is the lifetime of access and ID tokens (5 minutes to 1 hour).
	// Default: 1 hour.
	AccessTokenValidity time.Duration
	// RefreshTokenValidity is the lifetime of the portal's refresh tokens (1 hour to 30 days).
	// Default: 30 days.
	RefreshTokenValidity time.Duration
	// EmailFrom sends Cognito's e-mails (invitations, codes) through Amazon SES from this
	// address of an SES-verified identity in the stack's region. Default: Cognito's built-in
	// sender, limited to 50 e-mails a day (enough for dev only).
	EmailFrom string
	// EmailFromDomain is the SES-verified domain of EmailFrom when the domain, not the
	// address, is verified. Default: the address itself must be verified.
	EmailFromDomain string
	// SAML adds an enterprise SAML 2.0 identity provider to the portal client. Default: none.
	SAML *SAMLProps
	// Retain turns on deletion protection and keeps the pool when the stack is deleted.
	// Default: false (DESTROY); environments with deletion protection set it.
	Retain bool
}

// SAMLProps configures a SAML 2.0 identity provider.
type SAMLProps struct {
	// Name is the provider name shown on the hosted UI (3-32 characters). Required.
	Name string
	// MetadataURL is the IdP metadata document URL (https). Exactly one of MetadataURL and
	// MetadataXML is required.
	MetadataURL string
	// MetadataXML is the IdP metadata document itself. Exactly one of MetadataURL and
	// MetadataXML is required.
	MetadataXML string
	// EmailAttribute is the SAML attribute carrying the e-mail address.
	// Default: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress".
	EmailAttribute string
}

var (
	domainPrefixRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	scopeNameRE    = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$`)
	serverIDRE     = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]{1,256}$`)
	samlNameRE     = regexp.MustCompile(`^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]{1,30}$`)
)

// Validate reports the first invalid prop, naming it and the fix.
func (p *UserPoolProps) Validate() error {
	if p == nil {
		return fmt.Errorf("identity: props are required; fix: pass &identity.UserPoolProps{DomainPrefix: ..., CallbackURLs: ...}")
	}
	if p.MFA != "" && p.MFA != MFARequired && p.MFA != MFAOptional {
		return fmt.Errorf("identity: MFA %q is not supported; fix: use %q (default) or %q - MFA cannot be turned off", p.MFA, MFARequired, MFAOptional)
	}
	if !domainPrefixRE.MatchString(p.DomainPrefix) || containsReserved(p.DomainPrefix) {
		return fmt.Errorf("identity: DomainPrefix %q is not a valid Cognito domain prefix; fix: use 1-63 lower-case letters, digits and hyphens, without \"aws\", \"amazon\" or \"cognito\"", p.DomainPrefix)
	}
	if len(p.CallbackURLs) == 0 {
		return fmt.Errorf("identity: CallbackURLs is empty; fix: list the portal's https callback URL(s), e.g. https://portal.example.com/callback")
	}
	for _, u := range p.CallbackURLs {
		if err := checkRedirect(u); err != nil {
			return fmt.Errorf("identity: CallbackURLs entry %q %v; fix: use an absolute https URL (http only for localhost)", u, err)
		}
	}
	for _, u := range p.LogoutURLs {
		if err := checkRedirect(u); err != nil {
			return fmt.Errorf("identity: LogoutURLs entry %q %v; fix: use an absolute https URL (http only for localhost)", u, err)
		}
	}
	if p.EmailFrom != "" {
		if a, err := mail.ParseAddress(p.EmailFrom); err != nil || a.Address != p.EmailFrom {
			return fmt.Errorf("identity: EmailFrom %q is not a bare e-mail address; fix: use the form no-reply@example.com", p.EmailFrom)
		}
		if p.EmailFromDomain != "" && !strings.HasSuffix(p.EmailFrom, "@"+p.EmailFromDomain) {
			return fmt.Errorf("identity: EmailFromDomain %q is not the domain of EmailFrom %q; fix: use the address's domain", p.EmailFromDomain, p.EmailFrom)
		}
	} else if p.EmailFromDomain != "" {
		return fmt.Errorf("identity: EmailFromDomain is set without EmailFrom; fix: set EmailFrom to an address of that domain")
	}
	if p.ResourceServerID != "" && !serverIDRE.MatchString(p.ResourceServerID) {
		return fmt.Errorf("identity: ResourceServerID %q has characters Cognito rejects; fix: use printable ASCII without spaces, quotes or backslashes, e.g. \"labsecure\"", p.ResourceServerID)
	}
	for _, s := range p.MachineScopes {
		if !scopeNameRE.MatchString(s) {
			return fmt.Errorf("identity: MachineScopes entry %q is not a valid scope name; fix: use printable ASCII without spaces, quotes, '/' or backslashes, e.g. \"results.write\"", s)
		}
	}
	if v := p.AccessTokenValidity; v != 0 && (v < 5*time.Minute || v > time.Hour) {
		return fmt.Errorf("identity: AccessTokenValidity %s is outside the allowed range; fix: use 5m to 1h (default 1h) - short-lived tokens limit a stolen token's use", v)
	}
	if v := p.RefreshTokenValidity; v != 0 && (v < time.Hour || v > DefaultRefreshTokenValidity) {
		return fmt.Errorf("identity: RefreshTokenValidity %s is outside the allowed range; fix: use 1h to 720h (30 days, the default)", v)
	}
	if s := p.SAML; s != nil {
		if !samlNameRE.MatchString(s.Name) {
			return fmt.Errorf("identity: SAML.Name %q is not a valid provider name; fix: use 3-32 characters, no spaces or underscores at the ends", s.Name)
		}
		if (s.MetadataURL == "") == (s.MetadataXML == "") {
			return fmt.Errorf("identity: SAML.MetadataURL and SAML.MetadataXML are both set or both empty; fix: set exactly one of them")
		}
		if s.MetadataURL != "" {
			if u, err := url.Parse(s.MetadataURL); err != nil || u.Scheme != "https" || u.Host == "" {
				return fmt.Errorf("identity: SAML.MetadataURL %q is not an https URL; fix: use the IdP's https metadata URL", s.MetadataURL)
			}
		}
		if s.MetadataXML != "" && !strings.Contains(s.MetadataXML, "EntityDescriptor") {
			return fmt.Errorf("identity: SAML.MetadataXML does not look like SAML metadata (no EntityDescriptor); fix: pass the IdP's metadata XML document")
		}
	}
	return nil
}

func containsReserved(s string) bool {
	for _, w := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func checkRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("is not an absolute URL")
	}
	if u.Fragment != "" {
		return fmt.Errorf("has a fragment, which OAuth forbids")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || h == "127.0.0.1" {
			return nil
		}
	}
	return fmt.Errorf("is not https")
}

// UserPool is the pool and what hangs off it.
type UserPool struct {
	Pool awscognito.UserPool
	// PortalClient is the public client of the patient portal (authorization code + PKCE).
	PortalClient awscognito.UserPoolClient
	// MachineClient is the confidential client of lab systems (client credentials).
	MachineClient  awscognito.UserPoolClient
	ResourceServer awscognito.UserPoolResourceServer
	Domain         awscognito.UserPoolDomain
	// SAMLProvider is nil unless UserPoolProps.SAML was set.
	SAMLProvider awscognito.UserPoolIdentityProviderSaml
	// MachineScopes are the full scope strings granted to the machine client, e.g.
	// "labsecure/results.write"; pass them to api route props.
	MachineScopes []string
}

// Scope returns the full scope string "<resource server>/<name>" for one of the machine scopes,
// and false when name is not one of them.
func (u *UserPool) Scope(name string) (string, bool) {
	for _, s := range u.MachineScopes {
		if strings.HasSuffix(s, "/"+name) {
			return s, true
		}
	}
	return "", false
}

// NewUserPool creates the user pool, its domain, the resource server and the two app clients.
func NewUserPool(scope constructs.Construct, id string, props *UserPoolProps) (*UserPool, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	mfa := awscognito.Mfa_REQUIRED
	if props.MFA == MFAOptional {
		mfa = awscognito.Mfa_OPTIONAL
	}
	access := props.AccessTokenValidity
	if access == 0 {
		access = DefaultAccessTokenValidity
	}
	refresh := props.RefreshTokenValidity
	if refresh == 0 {
		refresh = DefaultRefreshTokenValidity
	}
	serverID := props.ResourceServerID
	if serverID == "" {
		serverID = "labsecure"
	}
	scopes := props.MachineScopes
	if len(scopes) == 0 {
		scopes = []string{"results.write", "results.read"}
	}
	logout := props.LogoutURLs
	if len(logout) == 0 {
		logout = props.CallbackURLs
	}
	removal := removalpolicy.Of(props.Retain)

	self := constructs.NewConstruct(scope, jsii.String(id))
	pp := &awscognito.UserPoolProps{
		Mfa:                          mfa,
		MfaSecondFactor:              &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(props.EnableSMSMFA), Email: jsii.Bool(false)},
		EnableSmsRole:                jsii.Bool(props.EnableSMSMFA),
		FeaturePlan:                  awscognito.FeaturePlan_PLUS,
		StandardThreatProtectionMode: awscognito.StandardThreatProtectionMode_FULL_FUNCTION,
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(12),
			RequireLowercase:     jsii.Bool(true),
			RequireUppercase:     jsii.Bool(true),
			RequireDigits:        jsii.Bool(true),
			RequireSymbols:       jsii.Bool(true),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
			PasswordHistorySize:  jsii.Number(24),
		},
		SelfSignUpEnabled:   jsii.Bool(props.EnableSelfSignUp),
		SignInAliases:       &awscognito.SignInAliases{Email: jsii.Bool(true)},
		SignInCaseSensitive: jsii.Bool(false),
		AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		KeepOriginal:        &awscognito.KeepOriginalAttrs{Email: jsii.Bool(true)},
		AccountRecovery:     awscognito.AccountRecovery_EMAIL_ONLY,
		DeletionProtection:  jsii.Bool(props.Retain),
		RemovalPolicy:       removal,
		DeviceTracking: &awscognito.DeviceTracking{
			ChallengeRequiredOnNewDevice:     jsii.Bool(true),
			DeviceOnlyRememberedOnUserPrompt: jsii.Bool(true),
		},
	}
	if props.Name != "" {
		pp.UserPoolName = jsii.String(props.Name)
	}
	if props.EmailFrom != "" {
		ses := &awscognito.UserPoolSESOptions{FromEmail: jsii.String(props.EmailFrom), FromName: jsii.String("labsecure")}
		if props.EmailFromDomain != "" {
			ses.SesVerifiedDomain = jsii.String(props.EmailFromDomain)
		}
		pp.Email = awscognito.UserPoolEmail_WithSES(ses)
	}
	pool := awscognito.NewUserPool(self, jsii.String("Resource"), pp)
	out := &UserPool{Pool: pool}

	out.Domain = pool.AddDomain(jsii.String("Domain"), &awscognito.UserPoolDomainOptions{
		CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(props.DomainPrefix)},
	})

	rsScopes := make([]awscognito.ResourceServerScope, 0, len(scopes))
	for _, s := range scopes {
		rsScopes = append(rsScopes, awscognito.NewResourceServerScope(&awscognito.ResourceServerScopeProps{
			ScopeName:        jsii.String(s),
			ScopeDescription: jsii.String("labsecure API scope " + s),
		}))
	}
	out.ResourceServer = pool.AddResourceServer(jsii.String("ResourceServer"), &awscognito.UserPoolResourceServerOptions{
		Identifier: jsii.String(serverID),
		Scopes:     &rsScopes,
	})
	machineScopes := make([]awscognito.OAuthScope, 0, len(rsScopes))
	for i, s := range rsScopes {
		machineScopes = append(machineScopes, awscognito.OAuthScope_ResourceServer(out.ResourceServer, s))
		out.MachineScopes = append(out.MachineScopes, serverID+"/"+scopes[i])
	}

	providers := []awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()}
	if s := props.SAML; s != nil {
		emailAttr := s.EmailAttribute
		if emailAttr == "" {
			emailAttr = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
		}
		var md awscognito.UserPoolIdentityProviderSamlMetadata
		if s.MetadataURL != "" {
			md = awscognito.UserPoolIdentityProviderSamlMetadata_Url(jsii.String(s.MetadataURL))
		} else {
			md = awscognito.UserPoolIdentityProviderSamlMetadata_File(jsii.String(s.MetadataXML))
		}
		out.SAMLProvider = awscognito.NewUserPoolIdentityProviderSaml(self, jsii.String("SAML"), &awscognito.UserPoolIdentityProviderSamlProps{
			UserPool:         pool,
			Name:             jsii.String(s.Name),
			Metadata:         md,
			IdpSignout:       jsii.Bool(true),
			AttributeMapping: &awscognito.AttributeMapping{Email: awscognito.ProviderAttribute_Other(jsii.String(emailAttr))},
		})
		providers = append(providers, awscognito.UserPoolClientIdentityProvider_Custom(jsii.String(s.Name)))
	}

	callbacks := jsii.Strings(props.CallbackURLs...)
	out.PortalClient = pool.AddClient(jsii.String("PortalClient"), &awscognito.UserPoolClientOptions{
		UserPoolClientName: jsii.String("portal"),
		GenerateSecret:     jsii.Bool(false),
		AuthFlows:          &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		OAuth: &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true), ImplicitCodeGrant: jsii.Bool(false), ClientCredentials: jsii.Bool(false)},
			Scopes:       &[]awscognito.OAuthScope{awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL(), awscognito.OAuthScope_PROFILE()},
			CallbackUrls: callbacks,
			LogoutUrls:   jsii.Strings(logout...),
		},
		SupportedIdentityProviders: &providers,
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AccessTokenValidity:        duration(access),
		IdTokenValidity:            duration(access),
		RefreshTokenValidity:       duration(refresh),
		AuthSessionValidity:        awscdk.Duration_Minutes(jsii.Number(3)),
	})
	if out.SAMLProvider != nil {
		out.PortalClient.Node().AddDependency(out.SAMLProvider)
	}

	out.MachineClient = pool.AddClient(jsii.String("MachineClient"), &awscognito.UserPoolClientOptions{
		UserPoolClientName: jsii.String("lab-systems"),
		GenerateSecret:     jsii.Bool(true),
		AuthFlows:          &awscognito.AuthFlow{},
		OAuth: &awscognito.OAuthSettings{
			Flows:  &awscognito.OAuthFlows{ClientCredentials: jsii.Bool(true), AuthorizationCodeGrant: jsii.Bool(false), ImplicitCodeGrant: jsii.Bool(false)},
			Scopes: &machineScopes,
		},
		SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()},
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AccessTokenValidity:        duration(access),
	})
	out.MachineClient.Node().AddDependency(out.ResourceServer)
	// Without ExplicitAuthFlows Cognito allows SRP and custom user sign-in on the client; the
	// machine client signs in no users, so only the (unused) refresh flow Cognito insists on
	// stays.
	cfnMachine := out.MachineClient.Node().DefaultChild().(awscognito.CfnUserPoolClient)
	cfnMachine.AddPropertyOverride(jsii.String("ExplicitAuthFlows"), []string{"ALLOW_REFRESH_TOKEN_AUTH"})
	return out, nil
}

// duration converts to whole minutes, the unit Cognito token validities are synthesized in.
func duration(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Minutes(jsii.Number(d.Minutes()))
}
