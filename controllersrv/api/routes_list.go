package api

// Routes returns a copy of the routing table, so tests can check every
// registered endpoint (the reliability AuthZ matrix walks it).
func Routes() []Route { return append([]Route(nil), routes...) }
