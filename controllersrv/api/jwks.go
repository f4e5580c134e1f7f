package api

import (
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
)

// jwks publishes the enrollment JWT signing key (the web identity's TLS
// leaf) as a JSON Web Key Set, with its certificate chain in x5c. It is raw
// JSON, not an envelope, as the spec's jwks schema says.
func jwks(c *Ctx) error {
	leaf := c.API.Signer.Leaf()
	k, err := jwtsign.JWK(leaf.PublicKey, c.API.Signer.KID(), leaf)
	if err != nil {
		return err
	}
	writeJSON(c.W, http.StatusOK, map[string]any{"keys": []any{k}})
	return nil
}
