// Package audit creates the detective and operational controls of an environment:
//
//   - NewGuardDuty: the account's GuardDuty detector with S3, malware (EBS), RDS login, Lambda
//     network, EKS audit and runtime monitoring features, and an EventBridge rule that sends
//     findings above a severity to the alarm topic (seed 003: "critical findings trigger SNS
//     alerts").
//   - NewTrail: a multi-region CloudTrail trail with global service events, log file
//     validation, a customer-managed key, an encrypted S3 bucket (storage.NewBucket), CloudWatch
//     Logs delivery with retention, and S3 data events (object reads and writes) for the
//     buckets that hold PHI (HIPAA audit of access).
//   - NewAlarmTopic: the SNS topic alarms notify (customer-managed key, TLS only, e-mail).
//   - NewDashboard: one CloudWatch dashboard per environment from the metrics and alarms passed
//     in.
//   - NewFeatureFlags: an AWS AppConfig application, environment and feature-flag profile
//     (AWS.AppConfig.FeatureFlags) with a hosted, KMS-encrypted version and its deployment
//     (seed 000: "frequency-v1 and frequency-v2 enabled for specific customer IDs ... blocker
//     and schedule history ... enabled for all users").
//   - NewAdminAccess: administrator access without a bastion host.
//
// Admin access, the choice: seed 002 keeps "a bastion host within a public subnet ... controlled
// access via VPN". labsecure replaces it with AWS Systems Manager Session Manager: a small
// instance in a private subnet with no inbound rule at all, no SSH key, IMDSv2 required, an
// encrypted root volume, and only the AmazonSSMManagedInstanceCore policy plus the right to
// write its session logs. Administrators open sessions through IAM (AdminSessionPolicy, to be
// attached to their role or permission set), limited to this instance and to a Session
// document that encrypts the session with KMS and streams every session's input and output to
// an encrypted CloudWatch log group with retention (idle timeout 20 minutes, sessions at most
// 60 minutes). Compared with a bastion: no open port, no key to rotate or lose, every session
// authenticated by IAM (with its MFA), recorded in CloudTrail and logged in full. Port
// forwarding to the databases goes through the same path (AWS-StartPortForwardingSessionToRemoteHost).
//
// GuardDuty allows one detector per account and region: create NewGuardDuty in exactly one
// stack per account and region (the foundation stack of the account's main environment).
package audit
