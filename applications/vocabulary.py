"""The programme's shared vocabulary: themes, the 17 SDGs, languages and CEFR levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    """What specialists work on (DOMAIN.md: what specialists do)."""

    MUNICIPAL_SERVICES = "municipal_services", _("Better municipal services and citizen-oriented administration")
    CLIMATE = "climate", _("Climate change")
    URBAN_DEVELOPMENT = "urban_development", _("Inclusive urban development")
    SUSTAINABLE_DEVELOPMENT = "sustainable_development", _("Sustainable development")
    WASTE = "waste", _("Waste management")
    PARTNER_COOPERATION = "partner_cooperation", _("Wider cooperation between the partner municipalities")
    JOINT_INITIATIVES = "joint_initiatives", _("Joint initiatives")
    NEW_ACTORS = "new_actors", _("Involving new actors from administration, civil society and business")


class Sdg(models.IntegerChoices):
    NO_POVERTY = 1, _("1 No poverty")
    ZERO_HUNGER = 2, _("2 Zero hunger")
    HEALTH = 3, _("3 Good health and well-being")
    EDUCATION = 4, _("4 Quality education")
    GENDER_EQUALITY = 5, _("5 Gender equality")
    WATER = 6, _("6 Clean water and sanitation")
    ENERGY = 7, _("7 Affordable and clean energy")
    WORK = 8, _("8 Decent work and economic growth")
    INDUSTRY = 9, _("9 Industry, innovation and infrastructure")
    INEQUALITIES = 10, _("10 Reduced inequalities")
    CITIES = 11, _("11 Sustainable cities and communities")
    CONSUMPTION = 12, _("12 Responsible consumption and production")
    CLIMATE = 13, _("13 Climate action")
    LIFE_BELOW_WATER = 14, _("14 Life below water")
    LIFE_ON_LAND = 15, _("15 Life on land")
    PEACE = 16, _("16 Peace, justice and strong institutions")
    PARTNERSHIPS = 17, _("17 Partnerships for the goals")


class WorkingLanguage(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ARABIC = "ar", _("Arabic")
    RUSSIAN = "ru", _("Russian")
    SWAHILI = "sw", _("Swahili")
    OTHER = "other", _("Other language")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
