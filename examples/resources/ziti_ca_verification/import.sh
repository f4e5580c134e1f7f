# Imported by the CA id; the import succeeds only for a verified CA.
terraform import ziti_ca_verification.partner 8cWq2hRzk
