"""Work in the specialist departments: assignment, site appraisal, supplements that stop the clock, apologies,
extensions, withdrawal at the citizen's request, results and rejections (`actions`), the worklist, the dossier
page's view and the printed forms."""
