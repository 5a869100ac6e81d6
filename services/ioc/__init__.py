"""The operations center: service KPIs, the Decision 766 index (`index766`), early warnings, river levels and
rain, cameras, queue and feedback monitors, and the trial report."""
