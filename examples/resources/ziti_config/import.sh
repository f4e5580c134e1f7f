# Configs are imported by id.
terraform import ziti_config.web_intercept 2bWt1dJ8qa
