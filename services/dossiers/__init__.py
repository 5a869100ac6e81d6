"""A dossier from receipt to return: intake and receipts, codes, the state machine (`flow`), scanned files and
signed electronic results, same-day counter decisions, marriage conditions, counter forms, the return,
the citizen's rating, where the paper is (`whereabouts`) and the citizen's public status."""
