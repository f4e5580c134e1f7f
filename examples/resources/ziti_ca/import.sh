# CAs are imported by id. The write-only key is not imported (it never is in
# state); an imported CA that is still unverified is verified on the next
# apply that sets ca_private_key_pem_wo.
terraform import ziti_ca.devices 8cWq2hRzk
