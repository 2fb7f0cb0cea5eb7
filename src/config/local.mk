# config: sources and unit tests
