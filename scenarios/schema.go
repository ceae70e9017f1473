package scenarios

import _ "embed"

// Schema is the JSON Schema of the scenario format, as `pbxauth run --schema` prints
// it, for editors that validate and complete YAML against a schema.
//
//go:embed schema.json
var Schema []byte
