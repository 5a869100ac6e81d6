"""Citizen feedback (phản ánh, kiến nghị): submission and tracking (`items`), the offline classifier and the
emergency safety net, routing with deadlines, the staff desk, transfers between units, locations, and the Open311
server and sync client."""
