terraform {
  required_version = ">= 1.6"
  required_providers {
    ziti = {
      source = "zitiform/ziti"
    }
  }
}
