package resources

import "testing"

// TestFingerprints fails when a resource's fields change without a version
// bump (oslo's ObjectVersionChecker): bump the version, then record the new
// fingerprint here.
func TestFingerprints(t *testing.T) {
	recorded := map[string]string{
		"Flavor": "1.1-7cc98c037a98821b95aac95a11cc343e",
		"Server": "1.2-54671394ba988f6e706cbdf934ab835c",
	}
	if err := Registry.CheckFingerprints(recorded); err != nil {
		t.Error(err)
	}
}
