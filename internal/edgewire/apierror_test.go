package edgewire

import (
	"net/http"
	"strings"
	"testing"
)

func TestDecodeError(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    string
		code                    string
	}{
		{"envelope", "application/json",
			`{"error":{"code":"COULD_NOT_VALIDATE","message":"invalid","cause":{"field":"name","reason":"must be provided","value":"s3cret"},"requestId":"r1"}}`,
			`POST /edge/management/v1/identities: HTTP 400 COULD_NOT_VALIDATE: invalid (field "name": must be provided) (request id r1)`, "COULD_NOT_VALIDATE"},
		{"cause message", "application/json",
			`{"error":{"code":"INVALID_ENROLLMENT_TOKEN","message":"bad token","causeMessage":"expired"}}`,
			`POST /edge/management/v1/identities: HTTP 400 INVALID_ENROLLMENT_TOKEN: bad token [expired]`, "INVALID_ENROLLMENT_TOKEN"},
		{"one text three times", "application/json",
			`{"error":{"code":"COULD_NOT_VALIDATE","message":"name is required","cause":{"field":"name","reason":"name is required"},"causeMessage":"name is required"}}`,
			`POST /edge/management/v1/identities: HTTP 400 COULD_NOT_VALIDATE: name is required (field "name")`, "COULD_NOT_VALIDATE"},
		{"cause repeats cause message", "application/json",
			`{"error":{"code":"INVALID_FIELD","message":"invalid","cause":{"message":"too long"},"causeMessage":"too long"}}`,
			`POST /edge/management/v1/identities: HTTP 400 INVALID_FIELD: invalid (cause: too long)`, "INVALID_FIELD"},
		{"proxy text", "text/plain; charset=utf-8", "upstream connect error",
			`POST /edge/management/v1/identities: HTTP 400: Bad Request: upstream connect error`, ""},
		{"proxy html", "text/html", "<html>s3cret</html>",
			`POST /edge/management/v1/identities: HTTP 400: Bad Request`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := DecodeError(http.StatusBadRequest, http.MethodPost, "/edge/management/v1/identities", tt.contentType, []byte(tt.body))
			if e.Error() != tt.want || e.Code != tt.code || e.StatusCode != http.StatusBadRequest {
				t.Fatalf("got %q (code %q), want %q (code %q)", e.Error(), e.Code, tt.want, tt.code)
			}
			if strings.Contains(e.Error(), "s3cret") {
				t.Fatal("the error echoes what the server echoed")
			}
		})
	}
}
