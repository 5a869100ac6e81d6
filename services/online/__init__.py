"""Online submission (nộp hồ sơ trực tuyến): the citizen's form and status page, duplicates and abuse limits, and
the clerks' online inbox — accept (the only way a dossier gets channel 2), ask for a supplement, refuse."""
