"""Rolling out to the 94 units: bulk staff import with a dry run, copying a unit's configuration, the readiness
table, and the spreadsheet templates they share."""
