"""Data loaded into a database from outside the app: reference data every deployment needs (`seed.reference`) and
the demo (`seed.demo`, for `make run` only). Only cli/, bench/, tests/ and the login page's demo hint import this."""
