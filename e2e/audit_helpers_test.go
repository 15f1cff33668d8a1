//go:build e2e

package e2e

import (
	"encoding/json"

	"github.com/consentguard/consentguard/audit"
)

func auditJSON(r *audit.SiteReport) ([]byte, error) { return json.MarshalIndent(r, "", "  ") }
