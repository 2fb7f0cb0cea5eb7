# crypto: sources and unit tests
