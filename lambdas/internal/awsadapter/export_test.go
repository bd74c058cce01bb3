package awsadapter

// IngestionError exposes ingestionError to the external tests.
var IngestionError = ingestionError
