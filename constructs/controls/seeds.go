package controls

// Seed file names (../shared/seeds).
const (
	seedLablogs   = "000_62a51c6c41b95dee.txt" // Lablogs infrastructure & security overview
	seedLabSecure = "001_a61859a91147e919.txt" // LabSecure architecture and design decisions
	seedContember = "002_a1afa3eed5eb88b4.txt" // SaaS application security (Contember)
	seedMenoTime  = "003_471a6c6a1be5a13b.txt" // MenoTime AWS architecture
	seedInsider   = "004_08c251191663299c.txt" // InsiderLog information security
)

// Sentences used by several controls.
const (
	sentTLS     = "All traffic to and from the Lablogs platform is encrypted using TLS 1.2 or higher."
	sentAtRest  = "All data at rest is encrypted using AES-256 encryption, including database storage, S3 objects, and EBS volumes."
	sentKMSRot  = "KMS keys are rotated automatically according to AWS best practices, and all key usage is logged for audit purposes."
	sentVersion = "Document versioning is enabled on all S3 buckets, with all revisions including delete actions retained for at least six months."
	sentDBNet   = "The databases reside in isolated subnets within our VPC and are not publicly accessible, adding an additional layer of network security."
	sentBackups = "Comprehensive backup strategies protect against data loss at multiple levels."
	sentLeast   = "Each component has a dedicated IAM Role following least-privilege principles:"
	sentLogs60  = "By default, the logs are deleted automatically after 60 days but this can be changed to any desired timeframe."
	sentDocDB   = "The DocumentDB cluster runs with three nodes for high availability, with encryption enabled both in transit and at rest."
	sentCognito = "Cognito supports multi-factor authentication (MFA), advanced security features including adaptive authentication, and integration with enterprise identity providers through SAML 2.0."
	sentAZ      = "All ECS tasks and services are distributed across availability zones us-east-1a and us-east-1b to eliminate single points of failure."
)
