"""Dossiers that cross units: the city dispatch queue, public-postal shipments of papers and results with their
manifests, and the receiving unit's list of dossiers sent elsewhere."""
