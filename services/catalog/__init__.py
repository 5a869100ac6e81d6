"""What can be filed and where: the procedure catalog with its deadlines, calendars and step deadlines
(`procedures`, `admin`, `steps`), and the routing rules that send a location-independent procedure to the unit and
department that process it (`routing`)."""
