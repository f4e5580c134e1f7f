package edgeapi

import (
	"errors"
	"net/http"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// APIError is an error answer of the Edge API (see edgewire.APIError:
// the one decoder the clients and controllersrv share).
type APIError = edgewire.APIError

// ErrorCause is the `cause` of an API error.
type ErrorCause = edgewire.ErrorCause

// IsNotFound reports whether err is an API 404.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is an API 401.
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

func statusIs(err error, code int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == code
}
