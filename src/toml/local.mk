# toml: sources and unit tests
