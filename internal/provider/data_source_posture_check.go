package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// The posture check data sources, one per type; each refuses a check of
// another type.

// NewPostureCheckDomainDataSource returns the ziti_posture_check_domain data source.
func NewPostureCheckDomainDataSource() datasource.DataSource {
	return newKindDataSource(postureDomainKind, "Reads one domain posture check by id or exact name.")
}

// NewPostureCheckMACDataSource returns the ziti_posture_check_mac data source.
func NewPostureCheckMACDataSource() datasource.DataSource {
	return newKindDataSource(postureMACKind, "Reads one MAC address posture check by id or exact name.")
}

// NewPostureCheckMFADataSource returns the ziti_posture_check_mfa data source.
func NewPostureCheckMFADataSource() datasource.DataSource {
	return newKindDataSource(postureMFAKind, "Reads one MFA posture check by id or exact name.")
}

// NewPostureCheckOSDataSource returns the ziti_posture_check_os data source.
func NewPostureCheckOSDataSource() datasource.DataSource {
	return newKindDataSource(postureOSKind, "Reads one operating system posture check by id or exact name.")
}

// NewPostureCheckProcessDataSource returns the ziti_posture_check_process data source.
func NewPostureCheckProcessDataSource() datasource.DataSource {
	return newKindDataSource(postureProcessKind, "Reads one process posture check by id or exact name.")
}

// NewPostureCheckMultiProcessDataSource returns the ziti_posture_check_multi_process data source.
func NewPostureCheckMultiProcessDataSource() datasource.DataSource {
	return newKindDataSource(postureMultiProcessKind, "Reads one multi-process posture check by id or exact name.")
}
