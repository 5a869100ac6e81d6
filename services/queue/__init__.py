"""Queue numbers: issuing, calling and serving tickets (`tickets`), the unit's set-up (`setup`), the pure
numbering and fairness rules (`rules`), printed and kiosk tickets (`printed`), and the figures for the hall
display and the IOC (`stats`)."""
