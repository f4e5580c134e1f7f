# External JWT signers are imported by id.
terraform import ziti_external_jwt_signer.sso 5bDRIBcpwyNyw4XugWlqml
