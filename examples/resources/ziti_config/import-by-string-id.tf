# Import by id in configuration (Terraform >= 1.5, OpenTofu >= 1.5).
import {
  to = ziti_config.web_intercept
  id = "2bWt1dJ8qa"
}
