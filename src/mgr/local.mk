# mgr: sources and unit tests
