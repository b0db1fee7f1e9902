"""`{% page_query page_number %}`: this page's query string with another page number, for templates/_pagination.html.

The filters and the search a list was opened with (`?q=…&kind=…`) stay when the reader turns the page.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, name="page"):
    query = context["request"].GET.copy()
    query[name] = number
    return query.urlencode()
