"""The recruiter's matching list sends as many SQL queries with 3 candidates as with 30, ranked or read from the cache.

The ranking is kept in the cache (placements.selection.rank_pool): a view that finds it there sends one query
fewer (the pool's rows are not loaded) than a view that ranks the pool after a change.
"""

import datetime

import pytest
from django.urls import reverse

from applications.models import Status
from placements.models import Candidate, ShortlistEntry
from tests.test_query_counts import FEW, MANY, queries
from tests.workflow import in_status


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


def test_matching_list_ranked_and_kept(client, eoi, people, cim_recruiter):
    recruiting = in_status(eoi, Status.RECRUITMENT, **people)
    url = reverse("placements:matches", args=[recruiting.pk])

    def add(number):
        first = Candidate.objects.count()
        for i in range(first, first + number):
            candidate = Candidate.objects.create(
                name=f"Candidate {i}",
                email=f"candidate{i}@example.org",
                nationalities=["DE", "FR"] if i % 4 else ["US"],
                years_of_experience=i % 12,
                expertise=["climate"],
                languages=[{"language": "en", "level": "C1"}],
                available_from=datetime.date(2027, 1, 1),
                created_by=cim_recruiter,
            )
            if i % 3 == 0:
                ShortlistEntry.objects.create(eoi=recruiting, candidate=candidate, added_by=cim_recruiter)

    client.force_login(cim_recruiter)
    add(FEW)
    client.get(url)  # warm: caches that fill once per process are not the page's cost
    Candidate.objects.update(phone="+49 30 7654321")  # a change to every candidate: ranked anew
    ranked_few, kept_few = queries(client, url), queries(client, url)
    add(MANY - FEW)  # new candidates: a new pool, ranked anew
    ranked_many, kept_many = queries(client, url), queries(client, url)
    assert (ranked_many, kept_many) == (ranked_few, kept_few)
    assert kept_few == ranked_few - 1
