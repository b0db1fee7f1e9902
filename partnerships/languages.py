"""The portal's language a partner municipality most likely reads: the usual one of its country among de/en/fr/es."""

GERMAN = {"DE", "AT", "CH", "LI"}
FRENCH = {
    "BF", "BI", "BJ", "CD", "CF", "CG", "CI", "CM", "DJ", "DZ", "GA", "GN", "HT", "KM", "MA", "MG", "ML", "MR",
    "NE", "SN", "TD", "TG", "TN", "LB", "VU",
}  # fmt: skip
SPANISH = {
    "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI", "PA", "PE", "PY", "SV",
    "UY", "VE",
}  # fmt: skip


def usual_language(country_code):
    code = str(country_code or "").upper()
    if code in GERMAN:
        return "de"
    if code in FRENCH:
        return "fr"
    if code in SPANISH:
        return "es"
    return "en"
