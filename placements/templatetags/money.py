"""{{ amount|money:"EUR" }}: an amount of money as the reader's language writes it (see currencies.format_money)."""

from django import template

from placements.currencies import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)
