"""Each role's first screen: the figures of the day's work gathered from the other capabilities (`screens`),
for the clerk, the department, the ward leader and the city."""
