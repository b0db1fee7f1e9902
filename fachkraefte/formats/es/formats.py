"""Spanish number formats: Django writes 1 234,50; the programme's Spanish readers expect 1.234,50.

Only what differs from Django's own es formats is here (FORMAT_MODULE_PATH puts this module first).
"""

THOUSAND_SEPARATOR = "."
