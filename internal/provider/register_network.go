package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// networkResources manage objects on a controller through the Edge API.
func networkResources() []func() resource.Resource {
	return nil
}

func networkDataSources() []func() datasource.DataSource {
	return nil
}
