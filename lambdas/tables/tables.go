// Package tables describes the DynamoDB tables of the lab pipeline: key attributes, global
// secondary indexes and TTL. It is the one definition shared by the CDK stack that creates the
// tables (infra/stacks), the aws-sdk-go-v2 adapters that use them
// (lambdas/internal/awsadapter), and the tests and demo that create them on DynamoDB Local.
// Pure Go: no AWS SDK, no CDK.
package tables

// Attribute names of the results table. Every item has pk and sk; record items also carry
// the GSI attributes once their patient key is known.
const (
	AttrPK     = "pk"     // partition key (S)
	AttrSK     = "sk"     // sort key (S)
	AttrGSI1PK = "gsi1pk" // ByPatientIndex partition key (S): "PATIENT#<opaque patient key>"
	AttrGSI1SK = "gsi1sk" // ByPatientIndex sort key (S): "<received_at fixed-width UTC>#<result_id>"

	// ByPatientIndex is the GSI listing the records of one opaque patient key, newest first.
	ByPatientIndex = "by-patient"
)

// Attribute names of the audit table.
const (
	AttrEventID   = "event_id"   // partition key (S)
	AttrAuditRes  = "result_id"  // ByResultIndex partition key (S), absent when the event has no result
	AttrAuditAt   = "at"         // ByResultIndex sort key (S), fixed-width UTC time
	ByResultIndex = "by-result"  // GSI listing the audit events of one result in time order
	AttrExpiresAt = "expires_at" // TTL attribute (N, epoch seconds); the adapters never set it
)

// String is the DynamoDB scalar type of every key attribute of the pipeline's tables.
const String = "S"

// KeyAttribute is one key attribute: its name and DynamoDB scalar type ("S", "N" or "B").
type KeyAttribute struct {
	Name string
	Type string
}

// IndexSchema is a global secondary index projecting all attributes.
type IndexSchema struct {
	Name         string
	PartitionKey KeyAttribute
	SortKey      KeyAttribute // Name "" when the index has no sort key
}

// Schema is the key layout of a table.
type Schema struct {
	PartitionKey KeyAttribute
	SortKey      KeyAttribute // Name "" when the table has no sort key
	Indexes      []IndexSchema
	TTLAttribute string // "" when TTL is off
}

// Results is the single-table layout of the results table:
//
//	pk                     sk            item
//	RESULT#<result_id>     RECORD        result record (status, notification state; no PHI)
//	RESULT#<result_id>     RESULT        normalized result (PHI, JSON in attribute "doc")
//	IDEM#<idempotency key> IDEMPOTENCY   idempotency key -> result_id
//	ACCESSION#<key>        HEAD          newest result_id of an accession
//	CONTACT#<patient key>  CONTACT       patient e-mail contact
//
// GSI by-patient (gsi1pk, gsi1sk), projection ALL, lists record items per opaque patient key.
func Results() Schema {
	return Schema{
		PartitionKey: KeyAttribute{AttrPK, String},
		SortKey:      KeyAttribute{AttrSK, String},
		Indexes: []IndexSchema{{
			Name:         ByPatientIndex,
			PartitionKey: KeyAttribute{AttrGSI1PK, String},
			SortKey:      KeyAttribute{AttrGSI1SK, String},
		}},
	}
}

// Audit is the layout of the append-only audit table: partition key event_id, GSI by-result
// (result_id, at), projection ALL; TTL attribute expires_at (unused by default, so events are
// kept until a retention job decides otherwise).
func Audit() Schema {
	return Schema{
		PartitionKey: KeyAttribute{AttrEventID, String},
		Indexes: []IndexSchema{{
			Name:         ByResultIndex,
			PartitionKey: KeyAttribute{AttrAuditRes, String},
			SortKey:      KeyAttribute{AttrAuditAt, String},
		}},
		TTLAttribute: AttrExpiresAt,
	}
}
