# integration tests and test data
