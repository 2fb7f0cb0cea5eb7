# cli: sources and unit tests
